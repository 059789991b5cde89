import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import {
  CHANNELS, PRIORITIES, TICKET_STATUSES, TICKET_TYPES,
  type Channel, type Priority, type TicketStatus, type TicketType,
} from '../../domain.js';

@Entity('ticket')
@Index('IDX_ticket_number', ['number'], { unique: true })
@Index('IDX_ticket_member_thread', ['memberId', 'channel', 'status'])
@Index('IDX_ticket_department_status', ['departmentId', 'status'])
@Index('IDX_ticket_assignee', ['assigneeId'])
@Index('IDX_ticket_updated', ['updatedAt'])
@Index('IDX_ticket_sla_check', ['nextSlaCheckAt'])
@Index('IDX_ticket_department_sla', ['departmentId', 'slaDueAt'])
// The reports' covering indexes (migrations/1764710000000-report-indexes.ts): a period's range with every column its query reads.
@Index('IDX_ticket_report_created', ['departmentId', 'createdAt', 'status', 'assigneeId', 'category', 'channel', 'type', 'memberId'])
@Index('IDX_ticket_report_first_response', ['departmentId', 'firstResponseAt', 'status', 'firstResponseMinutes', 'firstResponseBreached', 'slaPolicyId', 'assigneeId', 'category', 'channel', 'type', 'memberId'])
@Index('IDX_ticket_report_solved', ['departmentId', 'solvedAt', 'status', 'resolutionMinutes', 'resolutionBreached', 'slaPolicyId', 'reopenCount', 'type', 'assigneeId', 'category', 'channel', 'memberId', 'createdAt'])
@Index('IDX_ticket_suggestion_decision', ['suggestionDecisionId'])
export class Ticket {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  /** MD-000123; derived from the id inside the creating transaction, so unique under concurrency. */
  @Column({ type: 'varchar', length: 20, nullable: true }) number: string | null;
  @Column({ type: 'simple-enum', enum: TICKET_TYPES, default: 'enquiry' }) type: TicketType;
  @Column({ type: 'varchar', length: 64, default: 'other' }) category: string;
  @Column({ type: 'simple-enum', enum: PRIORITIES, default: 'normal' }) priority: Priority;
  @Column({ type: 'simple-enum', enum: TICKET_STATUSES, default: 'new' }) status: TicketStatus;
  @Column({ type: 'simple-enum', enum: CHANNELS }) channel: Channel;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'integer', nullable: true }) assigneeId: number | null;
  @Column({ type: 'varchar', length: 255 }) subject: string;
  @Column({ type: 'simple-json' }) tags: string[];
  /** Triage output with reasons (triage issue); null until a classifier has run. */
  @Column({ type: 'simple-json', nullable: true }) triage: Record<string, unknown> | null;
  /** Detected language of the member's words: zh-Hans | zh-Hant | en | other. */
  @Column({ type: 'varchar', length: 8, nullable: true }) language: string | null;
  /** An agent set or confirmed type/category: triage no longer changes them, and the labels trained the model. */
  @Column({ type: 'boolean', default: false }) labelsConfirmed: boolean;
  @Column({ type: 'integer', nullable: true }) mergedIntoId: number | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) firstResponseAt: Date | null;
  @Column({ type: 'datetime', precision: 3 }) lastMessageAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) solvedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  // ── SLA (ARCHITECTURE §5; maintained by sla/sla.service.ts inside each change's transaction) ──
  @Column({ type: 'integer', nullable: true }) slaPolicyId: number | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) firstResponseDueAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) nextResponseDueAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) resolutionDueAt: Date | null;
  /** Earliest pending warning, deadline or escalation step: what the scheduler polls. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) nextSlaCheckAt: Date | null;
  /** The earliest running SLA deadline and its warning time: the console's queue order and countdown badge. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) slaDueAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) slaWarnAt: Date | null;
  /** Oldest member message not yet answered (after the first response); null: nothing waiting. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) nextResponseSince: Date | null;
  @Column({ type: 'integer', default: 0 }) nextResponseCycle: number;
  /** Resolution clock: working seconds used before the running segment, and when that segment began (null: paused/stopped). */
  @Column({ type: 'integer', default: 0 }) resolutionElapsedSeconds: number;
  @Column({ type: 'datetime', precision: 3, nullable: true }) resolutionRunningSince: Date | null;
  /** Bit set of warnings/breaches already fired for the current periods (sla/clocks.ts ALERT_BITS). */
  @Column({ type: 'integer', default: 0 }) slaAlerted: number;
  /** Escalation of the latest unacknowledged breach: its alert, the level reached, when the next level is due. */
  @Column({ type: 'integer', nullable: true }) escalationAlertId: number | null;
  @Column({ type: 'integer', default: 0 }) escalationLevel: number;
  @Column({ type: 'datetime', precision: 3, nullable: true }) escalationDueAt: Date | null;
  /** Statistics the reports read: working minutes, and breached flags per metric. */
  @Column({ type: 'integer', nullable: true }) firstResponseMinutes: number | null;
  @Column({ type: 'integer', nullable: true }) resolutionMinutes: number | null;
  @Column({ type: 'boolean', default: false }) firstResponseBreached: boolean;
  @Column({ type: 'boolean', default: false }) nextResponseBreached: boolean;
  @Column({ type: 'boolean', default: false }) resolutionBreached: boolean;
  /** Times the ticket went from solved back to work (an agent's reopen or the member's reply). */
  @Column({ type: 'integer', default: 0 }) reopenCount: number;
  /** A suggestion's decision (shared by the alike suggestions it answers); null: not decided yet. */
  @Column({ type: 'integer', nullable: true }) suggestionDecisionId: number | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** When an agent last read a ticket: it is unread for them when a message came after. */
@Entity('ticket_read')
@Index('IDX_ticket_read_ticket', ['ticketId'])
export class TicketRead {
  @PrimaryColumn({ type: 'integer' }) agentId: number;
  @PrimaryColumn({ type: 'integer' }) ticketId: number;
  @Column({ type: 'datetime', precision: 3 }) readAt: Date;
}
