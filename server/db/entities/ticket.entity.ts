import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
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
  @Column({ type: 'integer', nullable: true }) mergedIntoId: number | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) firstResponseAt: Date | null;
  @Column({ type: 'datetime', precision: 3 }) lastMessageAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) solvedAt: Date | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) closedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
