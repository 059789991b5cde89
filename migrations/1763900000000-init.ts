import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * The foundation schema. Hand-written with the Table API so that one file runs on MySQL/MariaDB and
 * on SQLite; the few engine differences (enum, timestamp precision and defaults) are spelled out below.
 * No foreign keys: ingest runs at high concurrency on MySQL and FK checks would add shared locks on
 * parent rows; integrity is the ticket service's job (one transaction per change).
 */
export class Init1763900000000 implements MigrationInterface {
  name = 'Init1763900000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(new Table({ name: 'setting', columns: [
      { name: 'key', type: 'varchar', length: '64', isPrimary: true },
      { name: 'value', type: 'text' },
    ] }), true);

    await qr.createTable(new Table({ name: 'department', columns: [
      c.id(), { name: 'name', type: 'varchar', length: '120' },
      { name: 'headAgentId', type: 'integer', isNullable: true },
      { name: 'email', type: 'varchar', length: '190', isNullable: true },
      { name: 'slackChannel', type: 'varchar', length: '120', isNullable: true },
      { name: 'isDefault', type: 'boolean', default: c.false },
      c.created(), c.updated(),
    ], indices: [new TableIndex({ name: 'IDX_department_name', columnNames: ['name'], isUnique: true })] }), true);

    await qr.createTable(new Table({ name: 'agent', columns: [
      c.id(), { name: 'name', type: 'varchar', length: '120' },
      { name: 'email', type: 'varchar', length: '190' },
      { name: 'passwordHash', type: 'varchar', length: '255' },
      c.enum('role', ['agent', 'supervisor', 'admin'], { default: "'agent'" }),
      { name: 'active', type: 'boolean', default: c.true },
      { name: 'locale', type: 'varchar', length: '10', default: "'zh-CN'" },
      c.created(), c.updated(),
    ], indices: [new TableIndex({ name: 'IDX_agent_email', columnNames: ['email'], isUnique: true })] }), true);

    await qr.createTable(new Table({ name: 'agent_department', columns: [
      { name: 'agentId', type: 'integer', isPrimary: true },
      { name: 'departmentId', type: 'integer', isPrimary: true },
    ], indices: [new TableIndex({ name: 'IDX_agent_department_department', columnNames: ['departmentId'] })] }), true);

    await qr.createTable(new Table({ name: 'member', columns: [
      c.id(), { name: 'name', type: 'varchar', length: '120', isNullable: true },
      c.enum('tier', ['standard', 'silver', 'gold', 'diamond'], { default: "'standard'" }),
      { name: 'homeStore', type: 'varchar', length: '64', isNullable: true },
      { name: 'wrappedKey', type: 'varchar', length: '255' },
      c.created(), c.updated(),
    ], indices: [new TableIndex({ name: 'IDX_member_store', columnNames: ['homeStore'] })] }), true);

    await qr.createTable(new Table({ name: 'member_identity', columns: [
      c.id(), { name: 'memberId', type: 'integer' },
      c.enum('kind', ['email', 'phone', 'wechat', 'webchat']),
      { name: 'blindIndex', type: 'varchar', length: '64' },
      { name: 'valueEnc', type: 'varchar', length: '1024' },
      { name: 'masked', type: 'varchar', length: '190' },
      c.created(),
    ], indices: [
      new TableIndex({ name: 'IDX_member_identity_lookup', columnNames: ['kind', 'blindIndex'], isUnique: true }),
      new TableIndex({ name: 'IDX_member_identity_member', columnNames: ['memberId'] }),
    ] }), true);

    await qr.createTable(new Table({ name: 'ticket', columns: [
      c.id(), { name: 'number', type: 'varchar', length: '20', isNullable: true },
      c.enum('type', ['complaint', 'suggestion', 'enquiry'], { default: "'enquiry'" }),
      { name: 'category', type: 'varchar', length: '64', default: "'other'" },
      c.enum('priority', ['low', 'normal', 'high', 'urgent'], { default: "'normal'" }),
      c.enum('status', ['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'merged'], { default: "'new'" }),
      c.enum('channel', ['email', 'webchat', 'wechat', 'phone']),
      { name: 'memberId', type: 'integer' },
      { name: 'departmentId', type: 'integer' },
      { name: 'assigneeId', type: 'integer', isNullable: true },
      { name: 'subject', type: 'varchar', length: '255' },
      { name: 'tags', type: 'text' },
      { name: 'triage', type: 'text', isNullable: true },
      { name: 'mergedIntoId', type: 'integer', isNullable: true },
      c.time('firstResponseAt', true), c.time('lastMessageAt'), c.time('solvedAt', true), c.time('closedAt', true),
      c.created(), c.updated(),
    ], indices: [
      new TableIndex({ name: 'IDX_ticket_number', columnNames: ['number'], isUnique: true }),
      new TableIndex({ name: 'IDX_ticket_member_thread', columnNames: ['memberId', 'channel', 'status'] }),
      new TableIndex({ name: 'IDX_ticket_department_status', columnNames: ['departmentId', 'status'] }),
      new TableIndex({ name: 'IDX_ticket_assignee', columnNames: ['assigneeId'] }),
      new TableIndex({ name: 'IDX_ticket_updated', columnNames: ['updatedAt'] }),
    ] }), true);

    await qr.createTable(new Table({ name: 'message', columns: [
      c.id(), { name: 'ticketId', type: 'integer' },
      c.enum('direction', ['inbound', 'outbound']),
      c.enum('visibility', ['public', 'internal'], { default: "'public'" }),
      c.enum('channel', ['email', 'webchat', 'wechat', 'phone']),
      c.enum('authorType', ['member', 'agent', 'system']),
      { name: 'authorAgentId', type: 'integer', isNullable: true },
      { name: 'authorMemberId', type: 'integer', isNullable: true },
      { name: 'text', type: 'text' },
      { name: 'html', type: 'text', isNullable: true },
      { name: 'attachments', type: 'text', isNullable: true },
      { name: 'externalId', type: 'varchar', length: '190', isNullable: true },
      c.enum('deliveryState', ['pending', 'sent', 'failed'], { isNullable: true }),
      { name: 'meta', type: 'text', isNullable: true },
      c.time('createdAt'),
    ], indices: [
      new TableIndex({ name: 'IDX_message_external', columnNames: ['channel', 'externalId'], isUnique: true }),
      new TableIndex({ name: 'IDX_message_ticket', columnNames: ['ticketId', 'id'] }),
    ] }), true);

    await qr.createTable(new Table({ name: 'ticket_event', columns: [
      c.id(), { name: 'ticketId', type: 'integer' },
      { name: 'type', type: 'varchar', length: '64' },
      c.enum('actorType', ['member', 'agent', 'system']),
      { name: 'actorId', type: 'integer', isNullable: true },
      { name: 'data', type: 'text' },
      c.time('createdAt'),
    ], indices: [new TableIndex({ name: 'IDX_ticket_event_ticket', columnNames: ['ticketId', 'id'] })] }), true);

    await qr.createTable(new Table({ name: 'delivery', columns: [
      c.id(), c.enum('channel', ['email', 'webchat', 'wechat', 'phone']),
      { name: 'ticketId', type: 'integer', isNullable: true },
      { name: 'messageId', type: 'integer', isNullable: true },
      c.enum('status', ['pending', 'sent', 'failed'], { default: "'pending'" }),
      { name: 'attempts', type: 'integer', default: 0 },
      c.time('nextAttemptAt'),
      { name: 'claimedBy', type: 'varchar', length: '64', isNullable: true },
      c.time('claimedUntil', true),
      { name: 'providerId', type: 'varchar', length: '190', isNullable: true },
      { name: 'lastError', type: 'text', isNullable: true },
      c.time('sentAt', true),
      c.time('createdAt'),
    ], indices: [
      new TableIndex({ name: 'IDX_delivery_due', columnNames: ['status', 'nextAttemptAt'] }),
      new TableIndex({ name: 'IDX_delivery_message', columnNames: ['messageId'] }),
    ] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['delivery', 'ticket_event', 'message', 'ticket', 'member_identity', 'member', 'agent_department', 'agent', 'department', 'setting']) {
      await qr.dropTable(t, true);
    }
  }
}

/** Column builders that hide the MySQL/SQLite differences TypeORM's entity metadata expects. */
function columns(qr: QueryRunner) {
  const my = ['mysql', 'mariadb'].includes(qr.connection.driver.options.type);
  const now = my ? 'CURRENT_TIMESTAMP(6)' : "datetime('now')";
  const ts = my ? ({ type: 'datetime', precision: 6 } as const) : ({ type: 'datetime' } as const);
  return {
    true: my ? 1 : 1,
    false: my ? 0 : 0,
    id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    enum: (name: string, values: string[], extra: Partial<TableColumnOptions> = {}): TableColumnOptions =>
      ({ name, type: my ? 'enum' : 'simple-enum', enum: values, ...extra }),
    time: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable }),
    created: (): TableColumnOptions => ({ name: 'createdAt', ...ts, default: now }),
    updated: (): TableColumnOptions => ({ name: 'updatedAt', ...ts, default: now, onUpdate: my ? 'CURRENT_TIMESTAMP(6)' : undefined }),
  };
}
