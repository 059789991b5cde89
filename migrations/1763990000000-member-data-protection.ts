import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Member data protection: store scopes, analyst role, token revocation, key ids, grants, audit chain. */
export class MemberDataProtection1763990000000 implements MigrationInterface {
  name = 'MemberDataProtection1763990000000';

  async up(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    const enumType = my ? 'enum' : 'simple-enum';
    await qr.changeColumn('agent', 'role', new TableColumn({ name: 'role', type: enumType, enum: ['agent', 'supervisor', 'admin', 'analyst'], default: "'agent'" }));
    await qr.addColumn('agent', new TableColumn({ name: 'tokenVersion', type: 'integer', default: 0 }));
    await qr.addColumn('member', new TableColumn({ name: 'keyId', type: 'varchar', length: '16', default: "''" }));
    await qr.createIndex('member', new TableIndex({ name: 'IDX_member_key', columnNames: ['keyId'] }));

    await qr.createTable(new Table({ name: 'agent_store', columns: [
      { name: 'agentId', type: 'integer', isPrimary: true },
      { name: 'store', type: 'varchar', length: '64', isPrimary: true },
    ], indices: [new TableIndex({ name: 'IDX_agent_store_store', columnNames: ['store'] })] }), true);

    await qr.createTable(new Table({ name: 'pii_grant', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'agentId', type: 'integer' },
      { name: 'memberId', type: 'integer' },
      { name: 'grantedBy', type: 'integer' },
      { name: 'reason', type: 'varchar', length: '500' },
      { name: 'expiresAt', type: 'datetime', precision: 3 },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ], indices: [new TableIndex({ name: 'IDX_pii_grant_lookup', columnNames: ['agentId', 'memberId', 'expiresAt'] })] }), true);

    await qr.createTable(new Table({ name: 'audit_entry', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'at', type: 'datetime', precision: 3 },
      { name: 'actorType', type: 'varchar', length: '16' },
      { name: 'actorId', type: 'integer', isNullable: true },
      { name: 'action', type: 'varchar', length: '64' },
      { name: 'targetType', type: 'varchar', length: '32', isNullable: true },
      { name: 'targetId', type: 'varchar', length: '64', isNullable: true },
      { name: 'ip', type: 'varchar', length: '64', isNullable: true },
      { name: 'reason', type: 'text', isNullable: true },
      { name: 'data', type: 'text' },
      { name: 'prevHash', type: 'varchar', length: '64' },
      { name: 'hash', type: 'varchar', length: '64' },
    ], indices: [
      new TableIndex({ name: 'IDX_audit_action', columnNames: ['action', 'id'] }),
      new TableIndex({ name: 'IDX_audit_actor', columnNames: ['actorId', 'id'] }),
      new TableIndex({ name: 'IDX_audit_target', columnNames: ['targetType', 'targetId'] }),
    ] }), true);
    // The chain's head row exists from the start, so the first appends of several processes lock it instead of racing to create it.
    const key = qr.connection.driver.escape('key');
    await qr.query(`INSERT INTO setting (${key}, value) VALUES ('audit.head', '${'0'.repeat(64)}')`);
  }

  async down(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    await qr.query(`DELETE FROM setting WHERE ${qr.connection.driver.escape('key')} = 'audit.head'`);
    await qr.dropTable('audit_entry', true);
    await qr.dropTable('pii_grant', true);
    await qr.dropTable('agent_store', true);
    await qr.dropIndex('member', 'IDX_member_key');
    await qr.dropColumn('member', 'keyId');
    await qr.dropColumn('agent', 'tokenVersion');
    await qr.query("UPDATE agent SET role = 'agent' WHERE role = 'analyst'");
    await qr.changeColumn('agent', 'role', new TableColumn({ name: 'role', type: my ? 'enum' : 'simple-enum', enum: ['agent', 'supervisor', 'admin'], default: "'agent'" }));
  }
}
