import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Time-boxed permission for one agent to read one member's contact data (call-backs, 回访). */
@Entity('pii_grant')
@Index('IDX_pii_grant_lookup', ['agentId', 'memberId', 'expiresAt'])
export class PiiGrant {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) agentId: number;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'integer' }) grantedBy: number;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ type: 'datetime', precision: 3 }) expiresAt: Date;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
}
