import type { Database } from '../db/database.js';
import type { SqlSession } from '../db/sql-session.js';
import type { Logger } from '../logger.js';
import { classify, compileRules, TriageModel, type CompiledRules } from './engine/index.js';
import type { ClassifyInput, TrainingExample, TriageResult, UrgencySettings } from './engine/types.js';
import { MAX_TEXT, readCategories, readRules, readUrgency, type CategoryInfo } from './triage-rows.js';
import type { TicketType } from '../domain.js';
import type { TriageDecision, TriageInput, Triager } from './triager.js';


interface Knowledge {
  rules: CompiledRules;
  categories: CategoryInfo[];
  active: string[];
  urgency: UrgencySettings;
  until: number;
}

/**
 * Triage for the ticket path: rules, categories and urgency settings cached briefly (edits here apply
 * at once, another process's within `ttlMs`), and the learned model, trained in every process from
 * the `triage_example` rows: new rows are learned incrementally, a replaced or deleted row makes the
 * process retrain from scratch, so all processes classify with the same model.
 */
export class TriageService implements Triager {
  private knowledge: Knowledge | null = null;
  private generation = 0;
  private model = new TriageModel();
  private modelState = { maxId: 0, count: 0, sum: 0, checkedAt: 0 };
  private syncing: Promise<void> | null = null;

  constructor(private readonly o: { db: Database; log: Logger; ttlMs?: number; modelCheckMs?: number }) {}

  invalidate(): void {
    this.generation++;
    this.knowledge = null;
  }

  /** Outside any transaction: brings the model up to date with the examples table (at most every modelCheckMs). */
  async prepare(): Promise<void> {
    await this.syncModel();
    if (!this.knowledge || this.knowledge.until <= Date.now()) await this.get();
  }

  /** Forces the model to catch up now (after a correction in this process). */
  async syncModel(force = false): Promise<void> {
    if (force) {
      // A sync already running may have read the table before the caller's change committed: run another after it.
      if (this.syncing) await this.syncing;
      this.modelState.checkedAt = 0;
    }
    if (Date.now() - this.modelState.checkedAt < (this.o.modelCheckMs ?? 1_000)) return;
    this.syncing ??= this.o.db.sqlTx((sql) => this.sync(sql)).catch((err: unknown) => {
      this.o.log.error('triage model sync failed', { error: String(err) });
    }).finally(() => { this.syncing = null; });
    return this.syncing;
  }

  async decide(sql: SqlSession, input: TriageInput): Promise<TriageDecision> {
    const k = await this.get(sql);
    // Repeat contact is judged when a ticket opens; re-triage of that ticket keeps the priority it got then (priority only rises).
    const recentContacts = input.ticketId === undefined ? await this.recentContacts(sql, input.memberId, input.now, k.urgency.repeatContact.windowDays) : 0;
    const result = this.run(k, {
      text: input.text.slice(0, MAX_TEXT), subject: input.subject, channel: input.channel, memberTier: input.memberTier,
      departmentId: input.departmentHint, recentContacts,
    });
    return this.decision(k, result, input.now);
  }

  /** The full result without creating anything (admins testing rules: POST /api/triage/classify). */
  async preview(input: ClassifyInput): Promise<TriageResult & { route: { departmentId: number | null; reason: string | null } }> {
    await this.prepare();
    const k = await this.get();
    const result = this.run(k, { ...input, text: input.text.slice(0, MAX_TEXT) });
    return { ...result, route: this.route(k, result) };
  }

  modelStats(): { examples: number; labels: ReturnType<TriageModel['stats']> } {
    return { examples: this.modelState.count, labels: this.model.stats() };
  }

  async isCategory(sql: SqlSession, key: string): Promise<boolean> {
    return (await this.get(sql)).active.includes(key);
  }

  async categories(sql?: SqlSession): Promise<CategoryInfo[]> {
    return (await this.get(sql)).categories;
  }

  private run(k: Knowledge, input: ClassifyInput): TriageResult {
    return classify(input, { rules: k.rules, model: this.model, urgency: k.urgency, categories: k.active });
  }

  private decision(k: Knowledge, result: TriageResult, now: Date): TriageDecision {
    const route = this.route(k, result);
    return {
      type: result.type.value, category: result.category.value, priority: result.priority.value, language: result.language.value,
      tags: result.tags, departmentId: route.departmentId,
      record: { ...result, route, classifiedAt: now.toISOString(), modelExamples: this.modelState.count },
    };
  }

  /** A rule's department wins; otherwise the department of a category that a rule or the model (not a default) chose. */
  private route(k: Knowledge, r: TriageResult): { departmentId: number | null; reason: string | null } {
    if (r.department) return { departmentId: r.department.value, reason: 'rule' };
    if (r.category.confidence > 0 && r.category.reasons.some((x) => x.source === 'rule' || x.source === 'model' || x.source === 'agent')) {
      const dept = k.categories.find((c) => c.key === r.category.value)?.departmentId ?? null;
      if (dept !== null) return { departmentId: dept, reason: 'category' };
    }
    return { departmentId: null, reason: null };
  }

  private async recentContacts(sql: SqlSession, memberId: number, now: Date, windowDays: number): Promise<number> {
    if (windowDays <= 0) return 0;
    const since = new Date(now.getTime() - windowDays * 86_400_000);
    const [row] = await sql.rows<{ n: number }>('SELECT COUNT(*) AS n FROM ticket WHERE memberId = ? AND createdAt >= ?', [memberId, since]);
    return Number(row?.n ?? 0);
  }

  /** Inside a transaction pass its session (on the embedded engine a separate read would queue behind it). */
  private async get(sql?: SqlSession): Promise<Knowledge> {
    if (this.knowledge && this.knowledge.until > Date.now()) return this.knowledge;
    if (sql) return this.load(sql);
    return this.o.db.sqlTx((s) => this.load(s));
  }

  private async load(sql: SqlSession): Promise<Knowledge> {
    const generation = this.generation;
    const [rules, categories, urgency] = [await readRules(sql), await readCategories(sql), await readUrgency(sql)];
    let compiled: CompiledRules;
    try {
      compiled = compileRules(rules);
    } catch (err) {
      // Rules are checked when saved; one that no longer compiles (an engine upgrade) is skipped, not fatal to ingest.
      this.o.log.error('triage rules do not compile; running without the failing rule', { error: String(err) });
      compiled = compileRules(rules.filter((r) => { try { compileRules([r]); return true; } catch { return false; } }));
    }
    const k: Knowledge = {
      rules: compiled, categories, active: categories.filter((c) => c.active).map((c) => c.key), urgency,
      until: Date.now() + (this.o.ttlMs ?? 5_000),
    };
    if (generation === this.generation) this.knowledge = k;
    return k;
  }

  /**
   * The table's (max id, count, sum of ids) tells what changed since the last look, with no state of
   * its own: rows appended above the old max are learned one by one; anything else (a correction
   * replaced, an erasure, a row with a lower id committing late) makes the process retrain from scratch.
   */
  private async sync(sql: SqlSession): Promise<void> {
    const [head] = await sql.rows<{ maxId: number | null; n: number; total: number | string | null }>('SELECT MAX(id) AS maxId, COUNT(*) AS n, SUM(id) AS total FROM triage_example');
    const now = { maxId: Number(head?.maxId ?? 0), count: Number(head?.n ?? 0), sum: Number(head?.total ?? 0) };
    const s = this.modelState;
    if (now.maxId === s.maxId && now.count === s.count && now.sum === s.sum) { s.checkedAt = Date.now(); return; }
    const fresh = now.maxId > s.maxId
      ? await sql.rows<Record<string, unknown>>('SELECT id, text, type, category, source FROM triage_example WHERE id > ? AND id <= ? ORDER BY id', [s.maxId, now.maxId])
      : [];
    const appendedOnly = fresh.length > 0 && s.count + fresh.length === now.count && s.sum + fresh.reduce((a, r) => a + Number(r.id), 0) === now.sum;
    if (appendedOnly) {
      for (const row of fresh) this.model.learn(exampleOf(row), weightOf(row));
    } else {
      const all = await sql.rows<Record<string, unknown>>('SELECT id, text, type, category, source FROM triage_example WHERE id <= ? ORDER BY id', [now.maxId]);
      const model = new TriageModel();
      for (const row of all) model.learn(exampleOf(row), weightOf(row));
      this.model = model;
    }
    Object.assign(s, now, { checkedAt: Date.now() });
  }
}

/** An agent who corrected a ticket knows our members better than a seed sentence or an import does. */
function weightOf(row: Record<string, unknown>): number {
  return row.source === 'agent' ? 2 : 1;
}

function exampleOf(row: Record<string, unknown>): TrainingExample {
  return { text: String(row.text), type: (row.type as TicketType | null) ?? null, category: (row.category as string | null) ?? null };
}
