import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An email address members write to: where its mail is fetched from and which department it lands in. */
@Entity('mailbox')
@Index('IDX_mailbox_address', ['address'], { unique: true })
export class Mailbox {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  /** Lower-cased address. Not the From of replies: all mail is sent from MEMBERDESK_EMAIL_FROM (docs/email.md). */
  @Column({ type: 'varchar', length: 190 }) address: string;
  @Column({ type: 'integer' }) departmentId: number;
  /** IMAP settings including the password, sealed by the master key (never returned in full). */
  @Column({ type: 'text', nullable: true }) imapSealed: string | null;
  /** Send an acknowledgement of each new ticket. */
  @Column({ type: 'boolean', default: true }) acknowledge: boolean;
  /** SHA-256 of the piping token (the token itself is shown once). */
  @Column({ type: 'varchar', length: 64 }) pipingTokenHash: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** A message that could not be turned into a ticket message, kept raw for an admin to look at. */
@Entity('inbound_failure')
@Index('IDX_inbound_failure_mailbox', ['mailboxId', 'id'])
export class InboundFailure {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer', nullable: true }) mailboxId: number | null;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  /** Where the raw bytes are kept in the data directory's file store (they may hold member data: admins only). */
  @Column({ type: 'varchar', length: 255 }) rawPath: string;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}

/**
 * Someone Cc'd on a member's mail to us: they may continue that ticket (threading by reply headers
 * or ticket number). Kept as a blind index and a masked form, like every contact.
 */
@Entity('ticket_participant')
@Index('IDX_ticket_participant_lookup', ['blindIndex'])
export class TicketParticipant {
  @PrimaryColumn({ type: 'integer' }) ticketId: number;
  @PrimaryColumn({ type: 'varchar', length: 64 }) blindIndex: string;
  @Column({ type: 'varchar', length: 190 }) masked: string;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
