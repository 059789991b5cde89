import { ASSIGNMENT_STRATEGIES, type AssignmentStrategyName } from '../../domain.js';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One escalation level: who is told, and how long they have to acknowledge before the next level is. */
export interface EscalationLevel { agentId: number; delayMinutes: number }

@Entity('department')
@Index('IDX_department_name', ['name'], { unique: true })
export class Department {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Agent id of the head; the first escalation level (SLA issue). */
  @Column({ type: 'integer', nullable: true }) headAgentId: number | null;
  @Column({ type: 'varchar', length: 190, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) slackChannel: string | null;
  /** Business calendar of the department's SLA clocks; null: 24×7. */
  @Column({ type: 'integer', nullable: true }) calendarId: number | null;
  /** Escalation levels after a breach: level 1 first (null/empty: the head alone). */
  @Column({ type: 'simple-json', nullable: true }) escalationChain: EscalationLevel[] | null;
  /** How new tickets get an assignee (server/routing): manual (shared queue), round_robin, least_loaded. */
  @Column({ type: 'simple-enum', enum: ASSIGNMENT_STRATEGIES, default: 'manual' }) assignmentStrategy: AssignmentStrategyName;
  /** When an agent goes offline, their unanswered tickets here go back through assignment. */
  @Column({ type: 'boolean', default: false }) reassignOnOffline: boolean;
  /** Round-robin cursor: the agent who got the last ticket. */
  @Column({ type: 'integer', nullable: true }) lastAssignedAgentId: number | null;
  /** Tickets whose channel gives no department land here. Exactly one department carries it. */
  @Column({ type: 'boolean', default: false }) isDefault: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
