import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit log. Each entry's `hash` covers its content and the previous entry's hash, so
 * editing or deleting a row breaks the chain (`npm run audit:verify`).
 */
@Entity('audit_entry')
@Index('IDX_audit_action', ['action', 'id'])
@Index('IDX_audit_actor', ['actorId', 'id'])
@Index('IDX_audit_target', ['targetType', 'targetId'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'datetime', precision: 3 }) at: Date;
  @Column({ type: 'varchar', length: 16 }) actorType: string;
  @Column({ type: 'integer', nullable: true }) actorId: number | null;
  @Column({ type: 'varchar', length: 64 }) action: string;
  @Column({ type: 'varchar', length: 32, nullable: true }) targetType: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) targetId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'simple-json' }) data: Record<string, unknown>;
  @Column({ type: 'varchar', length: 64 }) prevHash: string;
  @Column({ type: 'varchar', length: 64 }) hash: string;
}
