import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BusinessCalendar } from '../../../sla/calendar.js';
import type { SlaConditions } from '../../../sla/policy.js';

/** A business calendar (ARCHITECTURE §5), stored as the same plain JSON the SLA maths takes. */
@Entity('business_calendar')
@Index('IDX_business_calendar_name', ['name'], { unique: true })
export class BusinessCalendarRow {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'simple-json' }) definition: BusinessCalendar;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}


/** An SLA policy: ordered (`position`), the first whose conditions all match a ticket applies. */
@Entity('sla_policy')
@Index('IDX_sla_policy_position', ['position'])
export class SlaPolicy {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'simple-json' }) conditions: SlaConditions;
  /** Targets in working minutes; null: that clock does not run under this policy. */
  @Column({ type: 'integer', nullable: true }) firstResponseMinutes: number | null;
  @Column({ type: 'integer', nullable: true }) nextResponseMinutes: number | null;
  @Column({ type: 'integer', nullable: true }) resolutionMinutes: number | null;
  @Column({ type: 'integer', default: 75 }) warningPercent: number;
  /** Null: the ticket department's calendar (or 24×7 when it has none). */
  @Column({ type: 'integer', nullable: true }) calendarId: number | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/**
 * A warning, breach (one row per escalation level) or urgent-ticket alert, fired once: the unique
 * index is what makes "exactly once" hold across processes, restarts and retries.
 */
@Entity('sla_alert')
@Index('IDX_sla_alert_once', ['ticketId', 'metric', 'cycle', 'kind', 'level'], { unique: true })
@Index('IDX_sla_alert_department', ['departmentId', 'kind', 'firedAt'])
@Index('IDX_sla_alert_report', ['departmentId', 'kind', 'firedAt', 'level', 'metric', 'ticketId'])
export class SlaAlert {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) ticketId: number;
  /** first_response | next_response | resolution | ticket (urgent at creation). */
  @Column({ type: 'varchar', length: 20 }) metric: string;
  /** Which next-response period (0 for the other metrics). */
  @Column({ type: 'integer' }) cycle: number;
  /** warning | breach | urgent */
  @Column({ type: 'varchar', length: 12 }) kind: string;
  /** Escalation level notified (1 = department head); 0 for warnings. */
  @Column({ type: 'integer' }) level: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'integer', nullable: true }) contactAgentId: number | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) dueAt: Date | null;
  @Column({ type: 'datetime', precision: 3 }) firedAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) acknowledgedAt: Date | null;
  @Column({ type: 'integer', nullable: true }) acknowledgedBy: number | null;
}

/**
 * A message to staff (Slack, email) about an alert: written in the alert's transaction, sent after
 * commit by a worker with retries, like member deliveries.
 */
@Entity('notification')
@Index('IDX_notification_due', ['status', 'nextAttemptAt'])
@Index('IDX_notification_alert', ['alertId'])
export class Notification {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  /** slack | email */
  @Column({ type: 'varchar', length: 10 }) channel: string;
  @Column({ type: 'integer', nullable: true }) alertId: number | null;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'integer', nullable: true }) agentId: number | null;
  /** Slack channel or user id, or the staff email address. */
  @Column({ type: 'varchar', length: 190 }) target: string;
  @Column({ type: 'simple-json' }) payload: Record<string, unknown>;
  @Column({ type: 'varchar', length: 10, default: 'pending' }) status: string;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'datetime', precision: 3 }) nextAttemptAt: Date;
  @Column({ type: 'varchar', length: 64, nullable: true }) claimedBy: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) claimedUntil: Date | null;
  /** Slack `channel:ts` of the posted message (updated on acknowledgement); SMTP message id. */
  @Column({ type: 'varchar', length: 190, nullable: true }) providerRef: string | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) sentAt: Date | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
