import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** Suggestion decisions and their templates, the digest's bookkeeping, follow-up rules and retries. */
export class SuggestionsFollowUpRules1764800000000 implements MigrationInterface {
  name = 'SuggestionsFollowUpRules1764800000000';

  async up(qr: QueryRunner): Promise<void> {
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const at = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const int = (name: string, nullable = false, def?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, default: def });
    const vc = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await qr.createTable(new Table({ name: 'suggestion_decision', columns: [
      id, int('departmentId'), vc('outcome', 10), { name: 'summary', type: 'text' }, vc('effectiveOn', 10, true), int('decidedBy'), at('createdAt'), at('updatedAt'),
    ], indices: [new TableIndex({ name: 'IDX_suggestion_decision_department', columnNames: ['departmentId', 'createdAt'] })] }), true);
    await qr.createTable(new Table({ name: 'message_template', columns: [
      id, int('departmentId'), vc('key', 40), vc('language', 8), { name: 'body', type: 'text' }, int('updatedBy', true), at('updatedAt'),
    ], indices: [new TableIndex({ name: 'IDX_message_template_key', columnNames: ['departmentId', 'key', 'language'], isUnique: true })] }), true);
    await qr.createTable(new Table({ name: 'digest_run', columns: [
      id, vc('kind', 20), int('departmentId'), at('periodStart'), at('sentAt'),
    ], indices: [new TableIndex({ name: 'IDX_digest_run_once', columnNames: ['kind', 'departmentId', 'periodStart'], isUnique: true })] }), true);
    await qr.createTable(new Table({ name: 'follow_up_rule', columns: [
      id, vc('name', 120), { name: 'active', type: 'boolean', default: 1 }, int('position'), vc('trigger', 20), { name: 'conditions', type: 'text' },
      int('delayDays'), vc('channel', 10), { name: 'script', type: 'text', isNullable: true }, { ...vc('assignTo', 12), default: "'assignee'" },
      int('maxAttempts', false, 3), at('createdAt'), at('updatedAt'),
    ], indices: [new TableIndex({ name: 'IDX_follow_up_rule_position', columnNames: ['position'] })] }), true);
    await qr.addColumns('follow_up', [new TableColumn(int('maxAttempts', false, 3)), new TableColumn(int('ruleId', true)), new TableColumn(at('dueNotifiedAt', true))]);
    await qr.addColumn('ticket', new TableColumn(int('suggestionDecisionId', true)));
    await qr.createIndex('ticket', new TableIndex({ name: 'IDX_ticket_suggestion_decision', columnNames: ['suggestionDecisionId'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('ticket', 'IDX_ticket_suggestion_decision');
    await qr.dropColumn('ticket', 'suggestionDecisionId');
    await qr.dropColumns('follow_up', ['maxAttempts', 'ruleId', 'dueNotifiedAt']);
    for (const t of ['follow_up_rule', 'digest_run', 'message_template', 'suggestion_decision']) await qr.dropTable(t, true);
  }
}
