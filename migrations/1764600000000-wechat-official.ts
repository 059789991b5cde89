import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** WeChat Official Accounts: AppID, sealed AppSecret / Token / EncodingAESKey, default department. */
export class WechatOfficial1764600000000 implements MigrationInterface {
  name = 'WechatOfficial1764600000000';

  async up(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    const now = my ? 'CURRENT_TIMESTAMP(6)' : "datetime('now')";
    const ts = my ? ({ type: 'datetime', precision: 6 } as const) : ({ type: 'datetime' } as const);
    await qr.createTable(new Table({ name: 'wechat_official_account', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'name', type: 'varchar', length: '100' },
      { name: 'appId', type: 'varchar', length: '64' },
      { name: 'appSecretSealed', type: 'text' },
      { name: 'tokenSealed', type: 'text' },
      { name: 'encodingAesKeySealed', type: 'text', isNullable: true },
      { name: 'departmentId', type: 'integer' },
      { name: 'active', type: 'boolean', default: 1 },
      { name: 'createdAt', ...ts, default: now },
      { name: 'updatedAt', ...ts, default: now, onUpdate: my ? 'CURRENT_TIMESTAMP(6)' : undefined },
    ], indices: [new TableIndex({ name: 'IDX_wechat_official_account_app', columnNames: ['appId'], isUnique: true })] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('wechat_official_account', true);
  }
}
