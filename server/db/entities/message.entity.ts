import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import {
  AUTHOR_TYPES, CHANNELS, DELIVERY_STATES, DIRECTIONS, VISIBILITIES,
  type AuthorType, type Channel, type DeliveryState, type Direction, type Visibility,
} from '../../domain.js';

export interface Attachment { name: string; contentType: string; size: number; path: string }

@Entity('message')
/** The idempotency key of inbound: one provider message id per channel, ever. */
@Index('IDX_message_external', ['channel', 'externalId'], { unique: true })
@Index('IDX_message_ticket', ['ticketId', 'id'])
@Index('IDX_message_rfc', ['rfcMessageId'])
export class Message {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'simple-enum', enum: DIRECTIONS }) direction: Direction;
  @Column({ type: 'simple-enum', enum: VISIBILITIES, default: 'public' }) visibility: Visibility;
  @Column({ type: 'simple-enum', enum: CHANNELS }) channel: Channel;
  @Column({ type: 'simple-enum', enum: AUTHOR_TYPES }) authorType: AuthorType;
  @Column({ type: 'integer', nullable: true }) authorAgentId: number | null;
  @Column({ type: 'integer', nullable: true }) authorMemberId: number | null;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', nullable: true }) html: string | null;
  @Column({ type: 'simple-json', nullable: true }) attachments: Attachment[] | null;
  @Column({ type: 'varchar', length: 190, nullable: true }) externalId: string | null;
  /** An email's own Message-ID (inbound and ours), for threading replies that quote it. */
  @Column({ type: 'varchar', length: 190, nullable: true }) rfcMessageId: string | null;
  @Column({ type: 'simple-enum', enum: DELIVERY_STATES, nullable: true }) deliveryState: DeliveryState | null;
  /** Channel-specific facts (a call's direction and duration, an email's headers). No plaintext PII. */
  @Column({ type: 'simple-json', nullable: true }) meta: Record<string, unknown> | null;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
