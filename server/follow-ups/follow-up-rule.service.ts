import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { toDate, type SqlSession } from '../db/sql-session.js';
import type { FollowUpChannel, FollowUpConditions, FollowUpTrigger } from '../db/entities/follow-up-rule.entity.js';
import { isUniqueViolation } from '../db/database.js';
import { NotFoundError, UnprocessableError } from '../errors.js';
import { DEFAULT_FOLLOW_UP_RULES, type FollowUpRuleSpec } from './follow-up-rules.js';

/** The setting that says the default rules were installed (once per installation). */
const RULES_SEEDED = 'followups.defaults_installed';

/** A rule as the API shows it. */
export interface FollowUpRuleView extends FollowUpRuleSpec { createdAt: string; updatedAt: string }

export interface FollowUpRuleInput {
  name?: string;
  active?: boolean;
  trigger?: FollowUpTrigger;
  conditions?: FollowUpConditions;
  delayDays?: number;
  channel?: FollowUpChannel;
  script?: string | null;
  assignTo?: 'assignee' | 'department';
  maxAttempts?: number;
}

// `trigger` is a reserved word in MySQL: always quoted.
const COLUMNS = 'id, name, active, position, `trigger`, conditions, delayDays, channel, script, assignTo, maxAttempts, createdAt, updatedAt';

/** Reads the rules (all, or the active ones of a trigger) in evaluation order, inside a transaction. */
export async function readFollowUpRules(sql: SqlSession, trigger?: FollowUpTrigger): Promise<FollowUpRuleView[]> {
  const rows = trigger
    ? await sql.rows<Record<string, unknown>>(`SELECT ${COLUMNS} FROM follow_up_rule WHERE active = 1 AND \`trigger\` = ? ORDER BY position, id`, [trigger])
    : await sql.rows<Record<string, unknown>>(`SELECT ${COLUMNS} FROM follow_up_rule ORDER BY position, id`);
  return rows.map(ruleView);
}

function ruleView(r: Record<string, unknown>): FollowUpRuleView {
  const iso = (v: unknown) => toDate(v).toISOString();
  return {
    id: Number(r.id), name: String(r.name), active: Boolean(Number(r.active)), position: Number(r.position), trigger: r.trigger as FollowUpTrigger,
    conditions: (typeof r.conditions === 'string' ? JSON.parse(r.conditions) : r.conditions ?? {}) as FollowUpConditions,
    delayDays: Number(r.delayDays), channel: r.channel as FollowUpChannel, script: (r.script as string | null) ?? null,
    assignTo: r.assignTo === 'department' ? 'department' : 'assignee', maxAttempts: Number(r.maxAttempts),
    createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
  };
}

/** Admin side of the follow-up rules (`/api/follow-up-rules`, docs/follow-ups.md). */
export class FollowUpRuleService {
  constructor(private readonly d: { db: Database; clock: Clock }) {}

  async list(): Promise<FollowUpRuleView[]> {
    return this.d.db.sqlTx((sql) => readFollowUpRules(sql));
  }

  async get(id: number): Promise<FollowUpRuleView> {
    const rule = (await this.list()).find((r) => r.id === id);
    if (!rule) throw new NotFoundError('follow-up rule');
    return rule;
  }

  async create(input: FollowUpRuleInput & { name: string; trigger: FollowUpTrigger; delayDays: number; channel: FollowUpChannel }): Promise<FollowUpRuleView> {
    const id = await this.d.db.sqlTx(async (sql) => {
      await this.check(sql, input.conditions ?? {});
      const [last] = await sql.rows<{ p: number | null }>('SELECT MAX(position) AS p FROM follow_up_rule');
      return this.insert(sql, { ...input, position: Number(last?.p ?? 0) + 10 });
    });
    return this.get(id);
  }

  private async insert(sql: SqlSession, r: FollowUpRuleInput & { name: string; trigger: FollowUpTrigger; delayDays: number; channel: FollowUpChannel; position: number }): Promise<number> {
    const now = this.d.clock.now();
    const { insertId } = await sql.run(
      'INSERT INTO follow_up_rule (name, active, position, `trigger`, conditions, delayDays, channel, script, assignTo, maxAttempts, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [r.name, r.active ?? true, r.position, r.trigger, JSON.stringify(r.conditions ?? {}), r.delayDays, r.channel, r.script ?? null, r.assignTo ?? 'assignee', r.maxAttempts ?? 3, now, now]);
    return insertId;
  }

  async update(id: number, input: FollowUpRuleInput): Promise<FollowUpRuleView> {
    const current = await this.get(id);
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as FollowUpRuleView;
    await this.d.db.sqlTx(async (sql) => {
      await this.check(sql, next.conditions);
      await sql.run('UPDATE follow_up_rule SET name = ?, active = ?, `trigger` = ?, conditions = ?, delayDays = ?, channel = ?, script = ?, assignTo = ?, maxAttempts = ?, updatedAt = ? WHERE id = ?',
        [next.name, next.active, next.trigger, JSON.stringify(next.conditions), next.delayDays, next.channel, next.script, next.assignTo, next.maxAttempts, this.d.clock.now(), id]);
    });
    return this.get(id);
  }

  /** Deletes a rule; the follow-ups it created stay (their `ruleId` then names no rule). */
  async delete(id: number): Promise<void> {
    const { affected } = await this.d.db.sqlTx((sql) => sql.run('DELETE FROM follow_up_rule WHERE id = ?', [id]));
    if (!affected) throw new NotFoundError('follow-up rule');
  }

  /** The complete new order: every rule id exactly once. */
  async order(ids: number[]): Promise<FollowUpRuleView[]> {
    await this.d.db.sqlTx(async (sql) => {
      const existing = (await sql.rows<{ id: number }>('SELECT id FROM follow_up_rule FOR UPDATE')).map((r) => Number(r.id)).sort((a, b) => a - b);
      const given = [...ids].sort((a, b) => a - b);
      if (existing.length !== given.length || existing.some((v, i) => v !== given[i])) {
        throw new UnprocessableError('RULE_ORDER_MISMATCH', 'list every rule id exactly once', { expected: existing });
      }
      for (const [i, id] of ids.entries()) await sql.run('UPDATE follow_up_rule SET position = ? WHERE id = ?', [(i + 1) * 10, id]);
    });
    return this.list();
  }

  /**
   * The two default rules, when there is no rule at all (a fresh installation; bootstrap calls this on
   * every start). Returns whether it installed them. Deactivate a default rather than delete it: with
   * every rule deleted, the next start installs the defaults again.
   */
  async ensureDefaults(): Promise<boolean> {
    // Claimed by a setting row in the same transaction (two processes starting together: one installs, the other's
    // insert conflicts), and once per installation: an admin who deleted the defaults does not get them back.
    return this.d.db.sqlTx(async (sql) => {
      if ((await sql.rows('SELECT `key` FROM setting WHERE `key` = ? FOR UPDATE', [RULES_SEEDED])).length) return false;
      await sql.run('INSERT INTO setting (`key`, value) VALUES (?, ?)', [RULES_SEEDED, new Date().toISOString()]);
      const [n] = await sql.rows<{ n: number }>('SELECT COUNT(*) AS n FROM follow_up_rule');
      if (Number(n?.n ?? 0) > 0) return false;
      for (const [i, r] of DEFAULT_FOLLOW_UP_RULES.entries()) await this.insert(sql, { ...r, position: (i + 1) * 10 });
      return true;
    }, { retryOnConflict: true }).catch((err: unknown) => {
      if (isUniqueViolation(err)) return false;
      throw err;
    });
  }

  private async check(sql: SqlSession, c: FollowUpConditions): Promise<void> {
    for (const d of c.departmentIds ?? []) {
      if (!(await sql.rows('SELECT id FROM department WHERE id = ?', [d])).length) {
        throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${d} does not exist`, { field: 'conditions.departmentIds' });
      }
    }
  }
}
