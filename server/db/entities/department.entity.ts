import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('department')
@Index('IDX_department_name', ['name'], { unique: true })
export class Department {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Agent id of the head; the first escalation level (SLA issue). */
  @Column({ type: 'integer', nullable: true }) headAgentId: number | null;
  @Column({ type: 'varchar', length: 190, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) slackChannel: string | null;
  /** Tickets whose channel gives no department land here. Exactly one department carries it. */
  @Column({ type: 'boolean', default: false }) isDefault: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
