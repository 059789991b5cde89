import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { PRESENCES, ROLES, type Presence, type Role } from '../../domain.js';

@Entity('agent')
@Index('IDX_agent_email', ['email'], { unique: true })
@Index('IDX_agent_slack', ['slackUserId'])
export class Agent {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Staff login, lower-cased. Not member PII. */
  @Column({ type: 'varchar', length: 190 }) email: string;
  @Column({ type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'simple-enum', enum: ROLES, default: 'agent' }) role: Role;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'varchar', length: 10, default: 'zh-CN' }) locale: string;
  /** Slack member id (U…): whose clicks on Acknowledge / Take over act as this agent, and where direct alerts go. */
  @Column({ type: 'varchar', length: 32, nullable: true }) slackUserId: string | null;
  /** online: takes assignments; away/offline: does not. Set by the console (realtime issue) or the API. */
  @Column({ type: 'simple-enum', enum: PRESENCES, default: 'offline' }) presence: Presence;
  @Column({ type: 'datetime', precision: 3, nullable: true }) presenceAt: Date | null;
  /** Most tickets with a running SLA clock this agent is given by least-loaded assignment; null: no limit. */
  @Column({ type: 'integer', nullable: true }) capacity: number | null;
  /** Bumped to revoke every token issued before (logout, admin revocation, password change). */
  @Column({ type: 'integer', default: 0 }) tokenVersion: number;
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

/** Stores an agent is bound to. No rows: the agent is not limited by store. */
@Entity('agent_store')
@Index('IDX_agent_store_store', ['store'])
export class AgentStore {
  @PrimaryColumn({ type: 'integer' }) agentId: number;
  @PrimaryColumn({ type: 'varchar', length: 64 }) store: string;
}
