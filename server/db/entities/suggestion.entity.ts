import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SUGGESTION_OUTCOMES = ['adopted', 'planned', 'declined'] as const;
export type SuggestionOutcome = (typeof SUGGESTION_OUTCOMES)[number];

/**
 * A department's decision on a suggestion, or on several alike (many members asked for the same thing):
 * the tickets it answers point at it (`ticket.suggestionDecisionId`), and each of their members is told.
 */
@Entity('suggestion_decision')
@Index('IDX_suggestion_decision_department', ['departmentId', 'createdAt'])
export class SuggestionDecision {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'varchar', length: 10 }) outcome: SuggestionOutcome;
  /** What will change (adopted, planned) or why not (declined), in words the member reads. */
  @Column({ type: 'text' }) summary: string;
  /** When the change takes effect (adopted, planned): a local date `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10, nullable: true }) effectiveOn: string | null;
  @Column({ type: 'integer' }) decidedBy: number;
  @Column({ type: 'datetime', precision: 3 }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3 }) updatedAt: Date;
}

/**
 * Words sent to members that a department may edit (`suggestion.adopted`, …), per language; department 0 holds
 * the installation's own version, used when a department has none.
 */
@Entity('message_template')
@Index('IDX_message_template_key', ['departmentId', 'key', 'language'], { unique: true })
export class MessageTemplate {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'varchar', length: 40 }) key: string;
  /** zh-Hans | zh-Hant | en */
  @Column({ type: 'varchar', length: 8 }) language: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'integer', nullable: true }) updatedBy: number | null;
  @Column({ type: 'datetime', precision: 3 }) updatedAt: Date;
}

/** A periodic digest already sent (kind, department, period): the unique index makes "once per period" hold across processes. */
@Entity('digest_run')
@Index('IDX_digest_run_once', ['kind', 'departmentId', 'periodStart'], { unique: true })
export class DigestRun {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 20 }) kind: string;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'datetime', precision: 3 }) periodStart: Date;
  @Column({ type: 'datetime', precision: 3 }) sentAt: Date;
}
