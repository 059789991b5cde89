import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CHANNELS, DELIVERY_STATUSES, type Channel, type DeliveryStatus } from '../../domain.js';

/**
 * Something to send to the outside world, written in the same transaction as the change that
 * caused it and sent after commit by a worker (claimed, retried with backoff).
 */
@Entity('delivery')
@Index('IDX_delivery_due', ['status', 'nextAttemptAt'])
@Index('IDX_delivery_message', ['messageId'])
export class Delivery {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'simple-enum', enum: CHANNELS }) channel: Channel;
  @Column({ type: 'integer', nullable: true }) ticketId: number | null;
  @Column({ type: 'integer', nullable: true }) messageId: number | null;
  @Column({ type: 'simple-enum', enum: DELIVERY_STATUSES, default: 'pending' }) status: DeliveryStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'datetime', precision: 3 }) nextAttemptAt: Date;
  @Column({ type: 'varchar', length: 64, nullable: true }) claimedBy: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) claimedUntil: Date | null;
  @Column({ type: 'varchar', length: 190, nullable: true }) providerId: string | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) sentAt: Date | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
