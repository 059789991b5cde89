import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import type { SqlSession } from '../db/sql-session.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import { compileRules, DEFAULT_CATEGORIES, DEFAULT_RULES, RuleCompileError, SEED_EXAMPLES } from './engine/index.js';
import type { RuleActions, RuleConditions, RuleMatch, TriageRule, UrgencySettings } from './engine/types.js';
import type { TriageService } from './triage.service.js';
import { MAX_TEXT, readCategories, readRules, readUrgency, URGENCY_SETTING, type CategoryInfo } from './triage-rows.js';
import { DEFAULT_CATEGORY, type TicketType } from '../domain.js';

export interface RuleInput {
  name?: string;
  enabled?: boolean;
  conditions?: RuleConditions;
  match?: RuleMatch;
  actions?: RuleActions;
}

export interface CategoryInput { labelZh?: string; labelEn?: string; departmentId?: number | null; position?: number; active?: boolean }

export interface ExampleInput { text: string; type?: TicketType | null; category?: string | null }

const CATEGORY_COLUMNS = new Set(['labelZh', 'labelEn', 'departmentId', 'position', 'active']);

/** Marks that the starter rules, categories and examples were installed once: an admin who deletes them does not get them back. */
const SEEDED = 'triage.seeded';

/** Admin side of triage (ARCHITECTURE §6): rules, categories and their departments, urgency settings, training examples. */
export class TriageAdminService {
  constructor(private readonly db: Database, private readonly triage: TriageService) {}

  // ── rules ──

  async listRules(): Promise<TriageRule[]> {
    return this.db.sqlTx(readRules);
  }

  async getRule(id: number): Promise<TriageRule> {
    const rule = (await this.listRules()).find((r) => r.id === id);
    if (!rule) throw new NotFoundError('triage rule');
    return rule;
  }

  async createRule(input: RuleInput & { name: string; match: RuleMatch; actions: RuleActions }): Promise<TriageRule> {
    const id = await this.db.sqlTx(async (sql) => {
      const rule = { id: 0, name: input.name, enabled: input.enabled ?? true, position: 0, conditions: input.conditions ?? {}, match: input.match, actions: input.actions };
      await this.check(sql, rule);
      const [last] = await sql.rows<{ p: number | null }>('SELECT MAX(position) AS p FROM triage_rule');
      rule.position = Number(last?.p ?? 0) + 10;
      const { insertId } = await sql.run('INSERT INTO triage_rule (name, enabled, position, conditions, `match`, actions, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [rule.name, rule.enabled, rule.position, JSON.stringify(rule.conditions), JSON.stringify(rule.match), JSON.stringify(rule.actions), new Date(), new Date()]);
      return insertId;
    });
    this.triage.invalidate();
    return this.getRule(id);
  }

  async updateRule(id: number, input: RuleInput): Promise<TriageRule> {
    const current = await this.getRule(id);
    const next: TriageRule = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    await this.db.sqlTx(async (sql) => {
      await this.check(sql, next);
      await sql.run('UPDATE triage_rule SET name = ?, enabled = ?, conditions = ?, `match` = ?, actions = ?, updatedAt = ? WHERE id = ?',
        [next.name, next.enabled, JSON.stringify(next.conditions), JSON.stringify(next.match), JSON.stringify(next.actions), new Date(), id]);
    });
    this.triage.invalidate();
    return this.getRule(id);
  }

  async deleteRule(id: number): Promise<void> {
    const { affected } = await this.db.sqlTx((sql) => sql.run('DELETE FROM triage_rule WHERE id = ?', [id]));
    if (!affected) throw new NotFoundError('triage rule');
    this.triage.invalidate();
  }

  /** The complete new order: every rule id exactly once (a partial list would leave positions ambiguous). */
  async orderRules(ids: number[]): Promise<TriageRule[]> {
    await this.db.sqlTx(async (sql) => {
      const existing = (await sql.rows<{ id: number }>('SELECT id FROM triage_rule FOR UPDATE')).map((r) => Number(r.id)).sort((a, b) => a - b);
      const given = [...ids].sort((a, b) => a - b);
      if (existing.length !== given.length || existing.some((v, i) => v !== given[i])) {
        throw new UnprocessableError('RULE_ORDER_MISMATCH', 'list every rule id exactly once', { expected: existing });
      }
      for (const [i, id] of ids.entries()) await sql.run('UPDATE triage_rule SET position = ? WHERE id = ?', [(i + 1) * 10, id]);
    });
    this.triage.invalidate();
    return this.listRules();
  }

  private async check(sql: SqlSession, rule: TriageRule): Promise<void> {
    try {
      compileRules([rule]);
    } catch (err) {
      if (err instanceof RuleCompileError) throw new UnprocessableError('INVALID_RULE', err.message, { field: err.field === 'match' ? 'match' : `match.${err.field}` });
      throw err;
    }
    if (!Object.values(rule.actions).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0))) {
      throw new UnprocessableError('INVALID_RULE', 'a rule must set at least one of type, category, priority, tags, departmentId', { field: 'actions' });
    }
    if (rule.actions.category !== undefined && !(await sql.rows('SELECT `key` FROM triage_category WHERE `key` = ?', [rule.actions.category])).length) {
      throw new UnprocessableError('UNKNOWN_CATEGORY', `category "${rule.actions.category}" does not exist`, { field: 'actions.category' });
    }
    await this.checkDepartment(sql, rule.actions.departmentId, 'actions.departmentId');
    for (const d of rule.conditions.departmentIds ?? []) await this.checkDepartment(sql, d, 'conditions.departmentIds');
  }

  // ── categories ──

  async listCategories(): Promise<CategoryInfo[]> {
    return this.db.sqlTx(readCategories);
  }

  async createCategory(key: string, input: CategoryInput & { labelZh: string; labelEn: string }): Promise<CategoryInfo> {
    await this.db.sqlTx(async (sql) => {
      await this.checkDepartment(sql, input.departmentId);
      const [last] = await sql.rows<{ p: number | null }>('SELECT MAX(position) AS p FROM triage_category');
      await sql.run('INSERT INTO triage_category (`key`, labelZh, labelEn, departmentId, position, active, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [key, input.labelZh, input.labelEn, input.departmentId ?? null, input.position ?? Number(last?.p ?? 0) + 10, input.active ?? true, new Date(), new Date()]);
    }).catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new ConflictError('CATEGORY_EXISTS', `category "${key}" already exists`);
      throw err;
    });
    this.triage.invalidate();
    return this.getCategory(key);
  }

  async getCategory(key: string): Promise<CategoryInfo> {
    const found = (await this.listCategories()).find((c) => c.key === key);
    if (!found) throw new NotFoundError('category');
    return found;
  }

  async updateCategory(key: string, input: CategoryInput): Promise<CategoryInfo> {
    if (key === DEFAULT_CATEGORY && input.active === false) {
      throw new ConflictError('CATEGORY_REQUIRED', `"${DEFAULT_CATEGORY}" is what triage uses when nothing else fits; it cannot be retired`);
    }
    await this.db.sqlTx(async (sql) => {
      if (!(await sql.rows('SELECT `key` FROM triage_category WHERE `key` = ? FOR UPDATE', [key])).length) throw new NotFoundError('category');
      if (input.departmentId !== undefined) await this.checkDepartment(sql, input.departmentId);
      const cols = Object.entries(input).filter(([c, v]) => v !== undefined && CATEGORY_COLUMNS.has(c));
      if (!cols.length) return;
      await sql.run(`UPDATE triage_category SET ${cols.map(([c]) => `${c} = ?`).join(', ')}, updatedAt = ? WHERE \`key\` = ?`, [...cols.map(([, v]) => v), new Date(), key]);
    });
    this.triage.invalidate();
    return this.getCategory(key);
  }

  private async checkDepartment(sql: SqlSession, id: number | null | undefined, field = 'departmentId'): Promise<void> {
    if (id === null || id === undefined) return;
    if (!(await sql.rows('SELECT id FROM department WHERE id = ?', [id])).length) {
      throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${id} does not exist`, { field });
    }
  }

  // ── urgency settings ──

  async urgency(): Promise<UrgencySettings> {
    return this.db.sqlTx(readUrgency);
  }

  async setUrgency(patch: Partial<UrgencySettings>): Promise<UrgencySettings> {
    const next = { ...(await this.urgency()), ...patch };
    await this.db.sqlTx(async (sql) => {
      const { affected } = await sql.run('UPDATE setting SET value = ? WHERE `key` = ?', [JSON.stringify(next), URGENCY_SETTING]);
      if (!affected) await sql.run('INSERT INTO setting (`key`, value) VALUES (?, ?)', [URGENCY_SETTING, JSON.stringify(next)]);
    });
    this.triage.invalidate();
    return next;
  }

  // ── examples ──

  /** Labelled texts from elsewhere (an export of another helpdesk): all or nothing. */
  async importExamples(examples: ExampleInput[], agentId: number): Promise<{ imported: number }> {
    await this.db.sqlTx(async (sql) => {
      const active = new Set((await readCategories(sql)).filter((c) => c.active).map((c) => c.key));
      for (const [i, e] of examples.entries()) {
        if (e.category && !active.has(e.category)) throw new UnprocessableError('UNKNOWN_CATEGORY', `example ${i}: category "${e.category}" does not exist`, { field: `examples.${i}.category` });
        await sql.run('INSERT INTO triage_example (ticketId, text, type, category, source, agentId, createdAt) VALUES (NULL, ?, ?, ?, ?, ?, ?)',
          [e.text.slice(0, MAX_TEXT), e.type ?? null, e.category ?? null, 'import', agentId, new Date()]);
      }
    });
    await this.triage.syncModel(true);
    return { imported: examples.length };
  }

  async modelStats(): Promise<{ examples: number; bySource: Record<string, number>; labels: unknown }> {
    await this.triage.syncModel(true);
    const rows = await this.db.sqlTx((sql) => sql.rows<{ source: string; n: number }>('SELECT source, COUNT(*) AS n FROM triage_example GROUP BY source'));
    const { examples, labels } = this.triage.modelStats();
    return { examples, bySource: Object.fromEntries(rows.map((r) => [r.source, Number(r.n)])), labels };
  }

  /** Starter categories, rules and examples on a new installation (once; see SEEDED). */
  async ensureDefaults(): Promise<boolean> {
    const installed = await this.db.sqlTx(async (sql) => {
      if ((await sql.rows('SELECT `key` FROM setting WHERE `key` = ? FOR UPDATE', [SEEDED])).length) return false;
      await sql.run('INSERT INTO setting (`key`, value) VALUES (?, ?)', [SEEDED, new Date().toISOString()]);
      const now = new Date();
      for (const [i, c] of DEFAULT_CATEGORIES.entries()) {
        if ((await sql.rows('SELECT `key` FROM triage_category WHERE `key` = ?', [c.key])).length) continue;
        await sql.run('INSERT INTO triage_category (`key`, labelZh, labelEn, departmentId, position, active, createdAt, updatedAt) VALUES (?, ?, ?, NULL, ?, 1, ?, ?)',
          [c.key, c.labels['zh-CN'], c.labels.en, (i + 1) * 10, now, now]);
      }
      for (const [i, r] of DEFAULT_RULES.entries()) {
        await sql.run('INSERT INTO triage_rule (name, enabled, position, conditions, `match`, actions, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [r.name, r.enabled, (i + 1) * 10, JSON.stringify(r.conditions), JSON.stringify(r.match), JSON.stringify(r.actions), now, now]);
      }
      for (const e of SEED_EXAMPLES) {
        await sql.run('INSERT INTO triage_example (ticketId, text, type, category, source, agentId, createdAt) VALUES (NULL, ?, ?, ?, ?, NULL, ?)',
          [e.text, e.type ?? null, e.category ?? null, 'seed', now]);
      }
      return true;
    }, { retryOnConflict: true }).catch((err: unknown) => {
      if (isUniqueViolation(err)) return false; // another process installed them first
      throw err;
    });
    if (installed) {
      this.triage.invalidate();
      await this.triage.syncModel(true);
    }
    return installed;
  }
}
