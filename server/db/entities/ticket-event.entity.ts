import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AUTHOR_TYPES, type AuthorType } from '../../domain.js';

/** Append-only history of every change; also the outbox that realtime, notifications and reports read. */
@Entity('ticket_event')
@Index('IDX_ticket_event_ticket', ['ticketId', 'id'])
export class TicketEvent {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'varchar', length: 64 }) type: string;
  @Column({ type: 'simple-enum', enum: AUTHOR_TYPES }) actorType: AuthorType;
  @Column({ type: 'integer', nullable: true }) actorId: number | null;
  @Column({ type: 'simple-json' }) data: Record<string, unknown>;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
