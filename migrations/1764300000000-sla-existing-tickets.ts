import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tickets that were live before the SLA engine have no deadlines. Making them due once lets the
 * scheduler's first pass give them a policy and deadlines (their clocks start at creation); one whose
 * target has long passed fires its breach then, as a deadline missed while the server was down would.
 */
export class SlaExistingTickets1764300000000 implements MigrationInterface {
  name = 'SlaExistingTickets1764300000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.query("UPDATE ticket SET nextSlaCheckAt = createdAt WHERE status IN ('new', 'open', 'pending', 'on_hold') AND nextSlaCheckAt IS NULL AND slaPolicyId IS NULL");
  }

  async down(): Promise<void> {
    // Data only: the columns it filled stay valid under the previous schema.
  }
}
