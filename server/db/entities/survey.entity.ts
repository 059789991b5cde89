import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { SurveyAnswerVia, SurveyChannel, SurveyStatus } from '../../surveys/survey.contract.js';

export { SURVEY_ANSWER_VIA, SURVEY_CHANNELS, SURVEY_STATUSES, type SurveyAnswerVia, type SurveyChannel, type SurveyStatus } from '../../surveys/survey.contract.js';

/**
 * One satisfaction survey per solve of a ticket (the unique index on ticket and solve time). The ticket's
 * department, assignee, category, type, channel and the member's tier are copied at the solve, so a rating
 * stays attributed to who and what solved it even after a transfer or a reopen.
 */
@Entity('survey')
@Index('IDX_survey_ticket_solve', ['ticketId', 'solvedAt'], { unique: true })
@Index('IDX_survey_due', ['status', 'nextCheckAt'])
@Index('IDX_survey_department_solved', ['departmentId', 'solvedAt'])
@Index('IDX_survey_member', ['memberId', 'status'])
@Index('IDX_survey_report', ['departmentId', 'solvedAt', 'status', 'rating', 'agentId', 'category', 'type', 'ticketChannel', 'tier'])
export class Survey {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'varchar', length: 10 }) channel: SurveyChannel;
  @Column({ type: 'varchar', length: 12 }) status: SurveyStatus;
  // ── attribution at the solve ──
  @Column({ type: 'datetime', precision: 3 }) solvedAt: Date;
  @Column({ type: 'integer', nullable: true }) agentId: number | null;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'varchar', length: 64 }) category: string;
  @Column({ type: 'varchar', length: 12 }) type: string;
  @Column({ type: 'varchar', length: 10 }) ticketChannel: string;
  @Column({ type: 'varchar', length: 12 }) tier: string;
  /** Language the prompt is written in (the ticket's). */
  @Column({ type: 'varchar', length: 8, nullable: true }) language: string | null;
  // ── timeline ──
  @Column({ type: 'datetime', precision: 3 }) sendAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) sentAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) remindedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) expiresAt: Date | null;
  /** When the worker must look at it next (send, remind, expire); null: nothing pending. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) nextCheckAt: Date | null;
  /** Random part of the signed link: a link names one survey and one nonce, so an old link never opens a newer survey. */
  @Column({ type: 'varchar', length: 32 }) nonce: string;
  // ── the answer ──
  @Column({ type: 'integer', nullable: true }) rating: number | null;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) answeredAt: Date | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) answeredVia: SurveyAnswerVia | null;
  /** The agent who recorded an answer given on a call. */
  @Column({ type: 'integer', nullable: true }) recordedBy: number | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) cancelReason: string | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
