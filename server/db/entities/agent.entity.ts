import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ROLES, type Role } from '../../domain.js';

@Entity('agent')
@Index('IDX_agent_email', ['email'], { unique: true })
export class Agent {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Staff login, lower-cased. Not member PII. */
  @Column({ type: 'varchar', length: 190 }) email: string;
  @Column({ type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'simple-enum', enum: ROLES, default: 'agent' }) role: Role;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'varchar', length: 10, default: 'zh-CN' }) locale: string;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** Which departments an agent works in (and so which tickets they see). */
@Entity('agent_department')
@Index('IDX_agent_department_department', ['departmentId'])
export class AgentDepartment {
  @PrimaryColumn({ type: 'integer' }) agentId: number;
  @PrimaryColumn({ type: 'integer' }) departmentId: number;
}
