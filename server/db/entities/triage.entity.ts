import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RuleActions, RuleConditions, RuleMatch } from '../../triage/engine/types.js';

/** An admin-editable triage rule (ARCHITECTURE §6): evaluated in `position` order. */
@Entity('triage_rule')
@Index('IDX_triage_rule_position', ['position'])
export class TriageRuleRow {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'simple-json' }) conditions: RuleConditions;
  @Column({ type: 'simple-json' }) match: RuleMatch;
  @Column({ type: 'simple-json' }) actions: RuleActions;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/** A ticket category: its labels in the console's languages and the department responsible for it. */
@Entity('triage_category')
export class TriageCategory {
  /** Stable key stored on tickets (product_quality…). */
  @PrimaryColumn({ type: 'varchar', length: 64 }) key: string;
  @Column({ type: 'varchar', length: 120 }) labelZh: string;
  @Column({ type: 'varchar', length: 120 }) labelEn: string;
  /** Where tickets of this category are routed; null: the channel's or the default department. */
  @Column({ type: 'integer', nullable: true }) departmentId: number | null;
  @Column({ type: 'integer', default: 0 }) position: number;
  /** Inactive categories stay on old tickets but are no longer predicted or offered. */
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}

/**
 * What the learned classifier is trained on: agents' corrections and confirmations (one row per
 * ticket, replaced when corrected again), and seed examples. Every server process trains the same
 * model from these rows, so they are the model's persisted state.
 */
@Entity('triage_example')
@Index('IDX_triage_example_ticket', ['ticketId'])
export class TriageExample {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer', nullable: true }) ticketId: number | null;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'varchar', length: 20, nullable: true }) type: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) category: string | null;
  /** agent | seed | import */
  @Column({ type: 'varchar', length: 10 }) source: string;
  @Column({ type: 'integer', nullable: true }) agentId: number | null;
  @CreateDateColumn() createdAt: Date;
}
