import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The console's queue: the earliest running SLA deadline (and its warning) per ticket, so the queue
 * sorts by it through an index; and what each agent has read, for unread marks.
 */
export class RealtimeConsole1764500000000 implements MigrationInterface {
  name = 'RealtimeConsole1764500000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns('ticket', ['slaDueAt', 'slaWarnAt'].map((name) => new TableColumn({ name, type: 'datetime', precision: 3, isNullable: true })));
    await qr.createIndex('ticket', new TableIndex({ name: 'IDX_ticket_department_sla', columnNames: ['departmentId', 'slaDueAt'] }));
    await qr.createTable(new Table({ name: 'ticket_read', columns: [
      { name: 'agentId', type: 'integer', isPrimary: true }, { name: 'ticketId', type: 'integer', isPrimary: true },
      { name: 'readAt', type: 'datetime', precision: 3 },
    ], indices: [new TableIndex({ name: 'IDX_ticket_read_ticket', columnNames: ['ticketId'] })] }), true);
    // Live tickets get the new columns at the scheduler's first pass, which re-evaluates them (an early look fires nothing early, nor anything twice).
    await qr.query("UPDATE ticket SET nextSlaCheckAt = createdAt WHERE status IN ('new', 'open', 'pending', 'on_hold') AND slaPolicyId IS NOT NULL");
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('ticket_read', true);
    await qr.dropIndex('ticket', 'IDX_ticket_department_sla');
    for (const c of ['slaDueAt', 'slaWarnAt']) await qr.dropColumn('ticket', c);
  }
}
