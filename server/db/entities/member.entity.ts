import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { IDENTITY_KINDS, TIERS, type IdentityKind, type Tier } from '../../domain.js';

@Entity('member')
@Index('IDX_member_store', ['homeStore'])
@Index('IDX_member_key', ['keyId'])
@Index('IDX_member_number', ['memberNumber'], { unique: true })
export class Member {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120, nullable: true }) name: string | null;
  @Column({ type: 'simple-enum', enum: TIERS, default: 'standard' }) tier: Tier;
  @Column({ type: 'varchar', length: 64, nullable: true }) homeStore: string | null;
  /** The membership number printed on the member's card (imported); members quote it to link their WeChat. */
  @Column({ type: 'varchar', length: 32, nullable: true }) memberNumber: string | null;
  /** The member's own agent (high tiers): new tickets go to them while they are online. */
  @Column({ type: 'integer', nullable: true }) dedicatedAgentId: number | null;
  /** This member's data key, wrapped (AES-256-GCM) by the master key. Destroying it erases the PII. */
  @Column({ type: 'varchar', length: 255 }) wrappedKey: string;
  /** Which master key wrapped `wrappedKey`: rotation re-wraps the rows that are not on the current one. */
  @Column({ type: 'varchar', length: 16, default: '' }) keyId: string;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/**
 * A channel identity (email address, phone number, WeChat id, web-chat id). The value is stored
 * only encrypted; `blindIndex` (keyed HMAC of the normalised value) makes lookup one equality query.
 */
@Entity('member_identity')
@Index('IDX_member_identity_lookup', ['kind', 'blindIndex'], { unique: true })
@Index('IDX_member_identity_member', ['memberId'])
export class MemberIdentity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'simple-enum', enum: IDENTITY_KINDS }) kind: IdentityKind;
  @Column({ type: 'varchar', length: 64 }) blindIndex: string;
  @Column({ type: 'varchar', length: 1024 }) valueEnc: string;
  /** Display form that reveals no more than a masked console would (138****8000). */
  @Column({ type: 'varchar', length: 190 }) masked: string;
  /** When mail to this address last bounced permanently: agents see the address is not reachable. */
  @Column({ type: 'datetime', precision: 3, nullable: true }) bouncedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}
