import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** Triage and routing: rules, categories with their departments, training examples; presence, capacity and assignment strategy. */
export class Triage1764400000000 implements MigrationInterface {
  name = 'Triage1764400000000';

  async up(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    const now = my ? 'CURRENT_TIMESTAMP(6)' : "datetime('now')";
    const ts = my ? ({ type: 'datetime', precision: 6 } as const) : ({ type: 'datetime' } as const);
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const created: TableColumnOptions = { name: 'createdAt', ...ts, default: now };
    const updated: TableColumnOptions = { name: 'updatedAt', ...ts, default: now, onUpdate: my ? 'CURRENT_TIMESTAMP(6)' : undefined };
    const int = (name: string, nullable = false, def?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: def });
    const vc = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });

    await qr.createTable(new Table({ name: 'triage_rule', columns: [
      id, vc('name', 120), { name: 'enabled', type: 'boolean', default: 1 }, int('position'),
      { name: 'conditions', type: 'text' }, { name: 'match', type: 'text' }, { name: 'actions', type: 'text' }, created, updated,
    ], indices: [new TableIndex({ name: 'IDX_triage_rule_position', columnNames: ['position'] })] }), true);

    await qr.createTable(new Table({ name: 'triage_category', columns: [
      { ...vc('key', 64), isPrimary: true }, vc('labelZh', 120), vc('labelEn', 120), int('departmentId', true), int('position', false, 0),
      { name: 'active', type: 'boolean', default: 1 }, created, updated,
    ] }), true);

    await qr.createTable(new Table({ name: 'triage_example', columns: [
      id, int('ticketId', true), { name: 'text', type: 'text' }, vc('type', 20, true), vc('category', 64, true), vc('source', 10),
      int('agentId', true), created,
    ], indices: [new TableIndex({ name: 'IDX_triage_example_ticket', columnNames: ['ticketId'] })] }), true);

    await qr.addColumns('ticket', [
      new TableColumn(vc('language', 8, true)), new TableColumn({ name: 'labelsConfirmed', type: 'boolean', default: 0 }),
    ]);
    await qr.addColumns('agent', [
      new TableColumn({ name: 'presence', type: my ? 'enum' : 'simple-enum', enum: ['online', 'away', 'offline'], default: "'offline'" }),
      new TableColumn({ name: 'presenceAt', type: 'datetime', precision: 3, isNullable: true }), new TableColumn(int('capacity', true)),
    ]);
    await qr.addColumns('department', [
      new TableColumn({ name: 'assignmentStrategy', type: my ? 'enum' : 'simple-enum', enum: ['manual', 'round_robin', 'least_loaded'], default: "'manual'" }),
      new TableColumn({ name: 'reassignOnOffline', type: 'boolean', default: 0 }), new TableColumn(int('lastAssignedAgentId', true)),
    ]);
    await qr.addColumn('member', new TableColumn(int('dedicatedAgentId', true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('member', 'dedicatedAgentId');
    for (const c of ['assignmentStrategy', 'reassignOnOffline', 'lastAssignedAgentId']) await qr.dropColumn('department', c);
    for (const c of ['presence', 'presenceAt', 'capacity']) await qr.dropColumn('agent', c);
    for (const c of ['language', 'labelsConfirmed']) await qr.dropColumn('ticket', c);
    await qr.dropTable('triage_example', true);
    await qr.dropTable('triage_category', true);
    await qr.dropTable('triage_rule', true);
  }
}
