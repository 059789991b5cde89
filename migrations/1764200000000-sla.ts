import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** SLA engine and escalation: calendars, policies, per-ticket clocks and statistics, alerts, staff notifications. */
export class Sla1764200000000 implements MigrationInterface {
  name = 'Sla1764200000000';

  async up(qr: QueryRunner): Promise<void> {
    const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
    const now = my ? 'CURRENT_TIMESTAMP(6)' : "datetime('now')";
    const ts = my ? ({ type: 'datetime', precision: 6 } as const) : ({ type: 'datetime' } as const);
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const created: TableColumnOptions = { name: 'createdAt', ...ts, default: now };
    const updated: TableColumnOptions = { name: 'updatedAt', ...ts, default: now, onUpdate: my ? 'CURRENT_TIMESTAMP(6)' : undefined };
    const time = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const int = (name: string, nullable = false, def?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: def });

    await qr.createTable(new Table({ name: 'business_calendar', columns: [
      id, { name: 'name', type: 'varchar', length: '120' }, { name: 'definition', type: 'text' }, created, updated,
    ], indices: [new TableIndex({ name: 'IDX_business_calendar_name', columnNames: ['name'], isUnique: true })] }), true);

    await qr.createTable(new Table({ name: 'sla_policy', columns: [
      id, { name: 'name', type: 'varchar', length: '120' }, int('position'), { name: 'conditions', type: 'text' },
      int('firstResponseMinutes', true), int('nextResponseMinutes', true), int('resolutionMinutes', true),
      int('warningPercent', false, 75), int('calendarId', true), { name: 'active', type: 'boolean', default: 1 }, created, updated,
    ], indices: [new TableIndex({ name: 'IDX_sla_policy_position', columnNames: ['position'] })] }), true);

    await qr.createTable(new Table({ name: 'sla_alert', columns: [
      id, int('ticketId'), { name: 'metric', type: 'varchar', length: '20' }, int('cycle'), { name: 'kind', type: 'varchar', length: '12' },
      int('level'), int('departmentId'), int('contactAgentId', true), time('dueAt'), time('firedAt', false), time('acknowledgedAt'), int('acknowledgedBy', true),
    ], indices: [
      new TableIndex({ name: 'IDX_sla_alert_once', columnNames: ['ticketId', 'metric', 'cycle', 'kind', 'level'], isUnique: true }),
      new TableIndex({ name: 'IDX_sla_alert_department', columnNames: ['departmentId', 'kind', 'firedAt'] }),
    ] }), true);

    await qr.createTable(new Table({ name: 'notification', columns: [
      id, { name: 'channel', type: 'varchar', length: '10' }, int('alertId', true), int('ticketId'), int('agentId', true),
      { name: 'target', type: 'varchar', length: '190' }, { name: 'payload', type: 'text' },
      { name: 'status', type: 'varchar', length: '10', default: "'pending'" }, int('attempts', false, 0), time('nextAttemptAt', false),
      { name: 'claimedBy', type: 'varchar', length: '64', isNullable: true }, time('claimedUntil'),
      { name: 'providerRef', type: 'varchar', length: '190', isNullable: true }, { name: 'lastError', type: 'text', isNullable: true },
      time('sentAt'), time('createdAt', false),
    ], indices: [
      new TableIndex({ name: 'IDX_notification_due', columnNames: ['status', 'nextAttemptAt'] }),
      new TableIndex({ name: 'IDX_notification_alert', columnNames: ['alertId'] }),
    ] }), true);

    await qr.addColumns('department', [
      new TableColumn(int('calendarId', true)), new TableColumn({ name: 'escalationChain', type: 'text', isNullable: true }),
    ]);
    await qr.addColumn('agent', new TableColumn({ name: 'slackUserId', type: 'varchar', length: '32', isNullable: true }));
    await qr.createIndex('agent', new TableIndex({ name: 'IDX_agent_slack', columnNames: ['slackUserId'] }));
    await qr.addColumns('ticket', [
      int('slaPolicyId', true), time('firstResponseDueAt'), time('nextResponseDueAt'), time('resolutionDueAt'), time('nextSlaCheckAt'),
      time('nextResponseSince'), int('nextResponseCycle', false, 0), int('resolutionElapsedSeconds', false, 0), time('resolutionRunningSince'),
      int('slaAlerted', false, 0), int('escalationAlertId', true), int('escalationLevel', false, 0), time('escalationDueAt'),
      int('firstResponseMinutes', true), int('resolutionMinutes', true),
      { name: 'firstResponseBreached', type: 'boolean', default: 0 }, { name: 'nextResponseBreached', type: 'boolean', default: 0 },
      { name: 'resolutionBreached', type: 'boolean', default: 0 },
    ].map((c) => new TableColumn(c)));
    await qr.createIndex('ticket', new TableIndex({ name: 'IDX_ticket_sla_check', columnNames: ['nextSlaCheckAt'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('ticket', 'IDX_ticket_sla_check');
    for (const c of ['slaPolicyId', 'firstResponseDueAt', 'nextResponseDueAt', 'resolutionDueAt', 'nextSlaCheckAt', 'nextResponseSince',
      'nextResponseCycle', 'resolutionElapsedSeconds', 'resolutionRunningSince', 'slaAlerted', 'escalationAlertId', 'escalationLevel',
      'escalationDueAt', 'firstResponseMinutes', 'resolutionMinutes', 'firstResponseBreached', 'nextResponseBreached', 'resolutionBreached']) {
      await qr.dropColumn('ticket', c);
    }
    await qr.dropIndex('agent', 'IDX_agent_slack');
    await qr.dropColumn('agent', 'slackUserId');
    await qr.dropColumn('department', 'escalationChain');
    await qr.dropColumn('department', 'calendarId');
    await qr.dropTable('notification', true);
    await qr.dropTable('sla_alert', true);
    await qr.dropTable('sla_policy', true);
    await qr.dropTable('business_calendar', true);
  }
}
