import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { FollowUpReason, FollowUpStatus } from '../../follow-ups/follow-up.contract.js';

export { FOLLOW_UP_REASONS, FOLLOW_UP_STATUSES, type FollowUpReason, type FollowUpStatus } from '../../follow-ups/follow-up.contract.js';

/**
 * A follow-up task on a ticket for its department (a return visit, 回访): open until someone records
 * that it was done, whatever happens to the ticket meanwhile.
 */
@Entity('follow_up')
@Index('IDX_follow_up_department', ['departmentId', 'status', 'dueAt'])
@Index('IDX_follow_up_ticket', ['ticketId'])
@Index('IDX_follow_up_survey', ['surveyId'], { unique: true })
export class FollowUp {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'integer', nullable: true }) assigneeId: number | null;
  @Column({ type: 'varchar', length: 20 }) reason: FollowUpReason;
  /** The survey answer that opened it (at most one follow-up per survey). */
  @Column({ type: 'integer', nullable: true }) surveyId: number | null;
  @Column({ type: 'varchar', length: 12 }) status: FollowUpStatus;
  /** How to reach the member: call | email | wechat; null: the agent decides. */
  @Column({ type: 'varchar', length: 10, nullable: true }) channel: string | null;
  @Column({ type: 'text', nullable: true }) script: string | null;
  @Column({ type: 'datetime', precision: 3 }) dueAt: Date;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  /** Attempts before an unreachable member's follow-up is closed as such. */
  @Column({ type: 'integer', default: 3 }) maxAttempts: number;
  /** The rule that created it (null: a low rating's default, or by hand). */
  @Column({ type: 'integer', nullable: true }) ruleId: number | null;
  /** When the console was told it fell due (once per due time). */
  @Column({ type: 'datetime', precision: 3, nullable: true }) dueNotifiedAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) outcome: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'integer', nullable: true }) createdBy: number | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) doneAt: Date | null;
  @Column({ type: 'integer', nullable: true }) doneBy: number | null;
}
