import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Email channel: mailboxes, raw messages that failed to import, and stored Message-IDs for threading. */
export class EmailChannel1764000000000 implements MigrationInterface {
  name = 'EmailChannel1764000000000';

  async up(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    const now = my ? 'CURRENT_TIMESTAMP(6)' : "datetime('now')";
    const ts = my ? ({ type: 'datetime', precision: 6 } as const) : ({ type: 'datetime' } as const);
    await qr.createTable(new Table({ name: 'mailbox', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'address', type: 'varchar', length: '190' },
      { name: 'departmentId', type: 'integer' },
      { name: 'imapSealed', type: 'text', isNullable: true },
      { name: 'acknowledge', type: 'boolean', default: 1 },
      { name: 'pipingTokenHash', type: 'varchar', length: '64' },
      { name: 'active', type: 'boolean', default: 1 },
      { name: 'createdAt', ...ts, default: now },
      { name: 'updatedAt', ...ts, default: now, onUpdate: my ? 'CURRENT_TIMESTAMP(6)' : undefined },
    ], indices: [new TableIndex({ name: 'IDX_mailbox_address', columnNames: ['address'], isUnique: true })] }), true);
    await qr.createTable(new Table({ name: 'inbound_failure', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'mailboxId', type: 'integer', isNullable: true },
      { name: 'reason', type: 'varchar', length: '500' },
      { name: 'rawPath', type: 'varchar', length: '255' },
      { name: 'size', type: 'integer' },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ], indices: [new TableIndex({ name: 'IDX_inbound_failure_mailbox', columnNames: ['mailboxId', 'id'] })] }), true);
    await qr.addColumn('message', new TableColumn({ name: 'rfcMessageId', type: 'varchar', length: '190', isNullable: true }));
    await qr.createIndex('message', new TableIndex({ name: 'IDX_message_rfc', columnNames: ['rfcMessageId'] }));
    await qr.addColumn('member_identity', new TableColumn({ name: 'bouncedAt', type: 'datetime', precision: 3, isNullable: true }));
    await qr.createTable(new Table({ name: 'ticket_participant', columns: [
      { name: 'ticketId', type: 'integer', isPrimary: true },
      { name: 'blindIndex', type: 'varchar', length: '64', isPrimary: true },
      { name: 'masked', type: 'varchar', length: '190' },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ], indices: [new TableIndex({ name: 'IDX_ticket_participant_lookup', columnNames: ['blindIndex'] })] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('ticket_participant', true);
    await qr.dropColumn('member_identity', 'bouncedAt');
    await qr.dropIndex('message', 'IDX_message_rfc');
    await qr.dropColumn('message', 'rfcMessageId');
    await qr.dropTable('inbound_failure', true);
    await qr.dropTable('mailbox', true);
  }
}
