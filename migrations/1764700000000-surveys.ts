import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Satisfaction surveys, follow-up tasks (回访), and the ticket's reopen count the reports read. */
export class Surveys1764700000000 implements MigrationInterface {
  name = 'Surveys1764700000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('ticket', new TableColumn({ name: 'reopenCount', type: 'integer', default: 0 }));
    await qr.createTable(new Table({ name: 'survey', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'ticketId', type: 'integer' },
      { name: 'memberId', type: 'integer' },
      { name: 'channel', type: 'varchar', length: '10' },
      { name: 'status', type: 'varchar', length: '12' },
      { name: 'solvedAt', type: 'datetime', precision: 3 },
      { name: 'agentId', type: 'integer', isNullable: true },
      { name: 'departmentId', type: 'integer' },
      { name: 'category', type: 'varchar', length: '64' },
      { name: 'type', type: 'varchar', length: '12' },
      { name: 'ticketChannel', type: 'varchar', length: '10' },
      { name: 'tier', type: 'varchar', length: '12' },
      { name: 'language', type: 'varchar', length: '8', isNullable: true },
      { name: 'sendAt', type: 'datetime', precision: 3 },
      { name: 'sentAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'remindedAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'expiresAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'nextCheckAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'nonce', type: 'varchar', length: '32' },
      { name: 'rating', type: 'integer', isNullable: true },
      { name: 'comment', type: 'text', isNullable: true },
      { name: 'answeredAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'answeredVia', type: 'varchar', length: '10', isNullable: true },
      { name: 'recordedBy', type: 'integer', isNullable: true },
      { name: 'cancelReason', type: 'varchar', length: '40', isNullable: true },
      { name: 'createdAt', type: 'datetime', precision: 3 },
    ], indices: [
      new TableIndex({ name: 'IDX_survey_ticket_solve', columnNames: ['ticketId', 'solvedAt'], isUnique: true }),
      new TableIndex({ name: 'IDX_survey_due', columnNames: ['status', 'nextCheckAt'] }),
      new TableIndex({ name: 'IDX_survey_department_solved', columnNames: ['departmentId', 'solvedAt'] }),
      new TableIndex({ name: 'IDX_survey_member', columnNames: ['memberId', 'status'] }),
    ] }), true);
    await qr.createTable(new Table({ name: 'follow_up', columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      { name: 'ticketId', type: 'integer' },
      { name: 'departmentId', type: 'integer' },
      { name: 'assigneeId', type: 'integer', isNullable: true },
      { name: 'reason', type: 'varchar', length: '20' },
      { name: 'surveyId', type: 'integer', isNullable: true },
      { name: 'status', type: 'varchar', length: '12' },
      { name: 'channel', type: 'varchar', length: '10', isNullable: true },
      { name: 'script', type: 'text', isNullable: true },
      { name: 'dueAt', type: 'datetime', precision: 3 },
      { name: 'attempts', type: 'integer', default: 0 },
      { name: 'outcome', type: 'varchar', length: '20', isNullable: true },
      { name: 'note', type: 'text', isNullable: true },
      { name: 'createdBy', type: 'integer', isNullable: true },
      { name: 'createdAt', type: 'datetime', precision: 3 },
      { name: 'doneAt', type: 'datetime', precision: 3, isNullable: true },
      { name: 'doneBy', type: 'integer', isNullable: true },
    ], indices: [
      new TableIndex({ name: 'IDX_follow_up_department', columnNames: ['departmentId', 'status', 'dueAt'] }),
      new TableIndex({ name: 'IDX_follow_up_ticket', columnNames: ['ticketId'] }),
      new TableIndex({ name: 'IDX_follow_up_survey', columnNames: ['surveyId'], isUnique: true }),
    ] }), true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('follow_up', true);
    await qr.dropTable('survey', true);
    await qr.dropColumn('ticket', 'reopenCount');
  }
}
