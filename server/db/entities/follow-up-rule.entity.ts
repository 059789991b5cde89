import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import type { FollowUpChannel, FollowUpConditions, FollowUpTrigger } from '../../follow-ups/follow-up.contract.js';

export { FOLLOW_UP_CHANNELS, FOLLOW_UP_TRIGGERS, type FollowUpChannel, type FollowUpConditions, type FollowUpTrigger } from '../../follow-ups/follow-up.contract.js';

/**
 * A rule that schedules return visits (回访): e.g. every solved complaint of a gold or diamond member gets a
 * call 7 working days later. Rules are evaluated in `position` order; each matching rule creates one follow-up.
 */
@Entity('follow_up_rule')
@Index('IDX_follow_up_rule_position', ['position'])
export class FollowUpRule {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'varchar', length: 20 }) trigger: FollowUpTrigger;
  @Column({ type: 'simple-json' }) conditions: FollowUpConditions;
  /** Working days (the department's calendar) between the trigger and the follow-up being due; 0 = at once. */
  @Column({ type: 'integer' }) delayDays: number;
  @Column({ type: 'varchar', length: 10 }) channel: FollowUpChannel;
  @Column({ type: 'text', nullable: true }) script: string | null;
  /** Who does it: the ticket's assignee (when still active), else the department's queue. */
  @Column({ type: 'varchar', length: 12, default: 'assignee' }) assignTo: 'assignee' | 'department';
  /** Attempts before an unreachable member's follow-up is closed. */
  @Column({ type: 'integer', default: 3 }) maxAttempts: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3 }) updatedAt: Date;
}
