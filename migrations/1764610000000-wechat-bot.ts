import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The personal-account WeChat bot: members' own membership numbers (for binding) and pending bindings. */
export class WechatBot1764610000000 implements MigrationInterface {
  name = 'WechatBot1764610000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('member', new TableColumn({ name: 'memberNumber', type: 'varchar', length: '32', isNullable: true }));
    await qr.createIndex('member', new TableIndex({ name: 'IDX_member_number', columnNames: ['memberNumber'], isUnique: true }));
    await qr.createTable(new Table({ name: 'wechat_binding', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'contactIndex', type: 'varchar', length: '64' },
      { name: 'memberId', type: 'integer' },
      { name: 'codeHash', type: 'varchar', length: '64' },
      { name: 'expiresAt', type: 'datetime', precision: 3 },
      { name: 'attempts', type: 'integer', default: 0 },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ], indices: [new TableIndex({ name: 'IDX_wechat_binding_contact', columnNames: ['contactIndex'], isUnique: true })] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('wechat_binding', true);
    await qr.dropIndex('member', 'IDX_member_number');
    await qr.dropColumn('member', 'memberNumber');
  }
}
