import { canManageDepartment, canSeeDepartment, seesAllDepartments, storeScoped, type Principal } from '../agents/principal.js';
import type { Clock } from '../clock.js';
import { isUniqueViolation, type Database } from '../db/database.js';
import { toDate, type SqlSession } from '../db/sql-session.js';
import type { SuggestionOutcome } from '../db/entities/suggestion.entity.js';
import type { Channel } from '../domain.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { notifyDepartmentStaff } from '../notify/department-staff.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';
import type { SlaAdminService } from '../../sla/sla-admin.service.js';
import type { SystemChangeContext, TicketService } from '../tickets/ticket.service.js';
import { digestPeriod, latestDigestTime, type DigestInput, type DigestSchedule, type SuggestionCounts } from './digest.js';
import {
  DEFAULT_TEMPLATES, effectiveText, memberLanguages, PLACEHOLDERS, renderTemplate, sentence, templateKey, TEMPLATE_KEYS, TEMPLATE_LANGUAGES,
  unknownPlaceholders, type TemplateKey, type TemplateLanguage,
} from './template.js';

export interface SuggestionServiceDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  tickets: TicketService;
  /** Installs the default policy; its own recompute is off (see ensureDefaults). */
  slaAdmin: SlaAdminService;
  /** Re-evaluates live tickets in the background under the current SLA rules. */
  recomputeSla: () => void;
  /** Which staff channels (Slack, email) have a sender; digest rows are written only for those. */
  notifyChannels: () => { slack: boolean; email: boolean };
  /** After digest notification rows committed: the notification worker is kicked. */
  onNotificationsWritten: () => void;
  /** The console's suggestions queue (in the digest). */
  queueUrl: string;
  /** When the weekly digest goes out; null: never. */
  digest: DigestSchedule | null;
}

export type SuggestionState = 'awaiting' | 'decided' | 'all';

export interface SuggestionQuery { state?: SuggestionState; departmentId?: number; q?: string; cursor?: string; limit?: number }

export interface DecisionSummary { id: number; outcome: SuggestionOutcome; summary: string; effectiveOn: string | null; decidedAt: string; decidedBy: number }

export interface SuggestionItem {
  ticketId: number; number: string; subject: string; excerpt: string; departmentId: number; status: string; memberTier: string; channel: string;
  language: string | null; createdAt: string; resolutionDueAt: string | null; resolutionBreached: boolean; decision: DecisionSummary | null;
}

export interface DecisionView extends DecisionSummary { departmentId: number; updatedAt: string; tickets: SuggestionItem[] }

export interface DecideInput { ticketIds: number[]; outcome: SuggestionOutcome; summary: string; effectiveOn?: string | null }

export interface TemplateView {
  key: TemplateKey; language: TemplateLanguage; body: string;
  /** department: this department's own; installation: department 0's; builtin: the shipped default. */
  source: 'department' | 'installation' | 'builtin';
  departmentId: number; updatedAt: string | null; updatedBy: number | null;
}

export interface ReportRow {
  ticketId: number; number: string; subject: string | null; departmentId: number; createdAt: string; state: 'awaiting' | 'decided' | 'closed';
  outcome: SuggestionOutcome | null; decidedAt: string | null; dueAt: string | null; overdue: boolean;
}

export interface SuggestionFigures extends SuggestionCounts { period: { from: string; to: string }; rows: ReportRow[] }

/** The SLA policy installed once (ensureDefaults): decision within 10 working days of 8 hours. */
export const SUGGESTION_POLICY_NAME = 'Suggestions: decision within 10 working days';
export const SUGGESTION_RESOLUTION_MINUTES = 10 * 8 * 60;
const POLICY_SETTING = 'suggestions.slaPolicy';
const DIGEST_KIND = 'suggestions';
const EXCERPT = 200;
const HOUR_MS = 3_600_000;

const ITEM_SELECT = 'SELECT t.id, t.number, t.subject, t.departmentId, t.status, t.channel, t.language, t.createdAt, t.resolutionDueAt, t.resolutionBreached, m.tier, '
  + "(SELECT x.text FROM message x WHERE x.ticketId = t.id AND x.direction = 'inbound' ORDER BY x.id LIMIT 1) AS excerpt, "
  + "d.id AS dId, d.outcome AS dOutcome, d.summary AS dSummary, d.effectiveOn AS dEffectiveOn, d.decidedBy AS dDecidedBy, "
  + "(SELECT MIN(e.createdAt) FROM ticket_event e WHERE e.ticketId = t.id AND e.type = 'suggestion.decided') AS dDecidedAt "
  + 'FROM ticket t JOIN member m ON m.id = t.memberId LEFT JOIN suggestion_decision d ON d.id = t.suggestionDecisionId';

/** Refusals of a decision; stable codes the console switches on. */
const notSuggestion = (id: number) => new UnprocessableError('SUGGESTION_NOT_A_SUGGESTION', `ticket ${id} is not a suggestion`, { ticketId: id });
const decided = (id: number) => new ConflictError('SUGGESTION_ALREADY_DECIDED', `ticket ${id} already has a decision`, { ticketId: id });
const closed = (id: number, status: string) => new ConflictError('SUGGESTION_CLOSED', `ticket ${id} is ${status}`, { ticketId: id, status });

/**
 * Suggestions (docs/suggestions.md): the department's evaluation queue, decisions sent to every member
 * they answer (one decision may group many alike suggestions), the templates of those messages, the
 * decision SLA policy, and the weekly digest to the department head with its report twin.
 */
export class SuggestionService {
  constructor(private readonly d: SuggestionServiceDeps) {}

  get digestSchedule(): DigestSchedule | null {
    return this.d.digest;
  }

  /** Once per installation: the SLA policy for suggestions, first in the order. Returns whether it was created now. */
  async ensureDefaults(): Promise<boolean> {
    // Claimed first (one process installs it); a claim left 'pending' by a process that died before installing is taken
    // over once it is a minute old, so the policy is never lost.
    const claim = `pending:${Date.now()}`;
    try {
      await this.d.db.sqlTx((sql) => sql.run('INSERT INTO setting (`key`, value) VALUES (?, ?)', [POLICY_SETTING, claim]));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const [row] = await this.d.db.sqlTx((sql) => sql.rows<{ value: string }>('SELECT value FROM setting WHERE `key` = ?', [POLICY_SETTING]));
      const stale = row !== undefined && /^pending(:\d+)?$/.test(row.value) && Date.now() - Number(row.value.split(':')[1] ?? 0) > 60_000;
      if (!stale) return false;
      const taken = await this.d.db.sqlTx((sql) => sql.run('UPDATE setting SET value = ? WHERE `key` = ? AND value = ?', [claim, POLICY_SETTING, row.value]));
      if (taken.affected !== 1) return false;
    }
    const policy = await this.d.slaAdmin.savePolicy(null, {
      name: SUGGESTION_POLICY_NAME, conditions: { types: ['suggestion'] }, position: 1,
      firstResponseMinutes: null, nextResponseMinutes: null, resolutionMinutes: SUGGESTION_RESOLUTION_MINUTES,
    });
    await this.d.db.sqlTx((sql) => sql.run('UPDATE setting SET value = ? WHERE `key` = ?', [String(policy.id), POLICY_SETTING]));
    // An installation upgraded with suggestions already waiting puts them on the new policy; a fresh one has nothing to redo.
    const [live] = await this.d.db.sqlTx((sql) => sql.rows<{ n: unknown }>("SELECT COUNT(*) AS n FROM ticket WHERE type = 'suggestion' AND status IN ('new', 'open', 'pending', 'on_hold')"));
    if (Number(live?.n ?? 0) > 0) this.d.recomputeSla();
    return true;
  }

  // ── the evaluation queue ────────────────────────────────────────────────

  /** Suggestions the principal may see, oldest first (keyset cursor on createdAt, id). */
  async list(p: Principal, q: SuggestionQuery): Promise<Page<SuggestionItem>> {
    const limit = Math.min(Math.max(q.limit ?? 25, 1), 100);
    const where: string[] = ["t.type = 'suggestion'", "t.status <> 'merged'"];
    const params: unknown[] = [];
    const state = q.state ?? 'awaiting';
    if (state === 'awaiting') where.push("t.suggestionDecisionId IS NULL AND t.status <> 'closed'");
    else if (state === 'decided') where.push('t.suggestionDecisionId IS NOT NULL');
    if (!this.scope(p, q.departmentId, where, params)) return { items: [], nextCursor: null };
    if (q.q?.trim()) {
      // '!' escapes: a backslash means different things in MySQL and SQLite string literals.
      const like = `%${q.q.trim().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      where.push("(t.subject LIKE ? ESCAPE '!' OR t.number LIKE ? ESCAPE '!')");
      params.push(like, like);
    }
    const after = decodeCursor(q.cursor);
    if (after) { const at = new Date(String(after[0])); where.push('(t.createdAt > ? OR (t.createdAt = ? AND t.id > ?))'); params.push(at, at, after[1]); }
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(
      `${ITEM_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.createdAt, t.id LIMIT ${limit + 1}`, params));
    const items = rows.slice(0, limit).map(item);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.ticketId]) : null };
  }

  /** Department and store scope as SQL; false when the principal can see none of it. */
  private scope(p: Principal, departmentId: number | undefined, where: string[], params: unknown[]): boolean {
    if (p.role === 'analyst') return false;
    if (departmentId !== undefined) {
      if (!canSeeDepartment(p, departmentId)) return false;
      where.push('t.departmentId = ?'); params.push(departmentId);
    } else if (!seesAllDepartments(p)) {
      if (!p.departmentIds.length) return false;
      where.push(`t.departmentId IN (${p.departmentIds.map(() => '?').join(', ')})`); params.push(...p.departmentIds);
    }
    if (storeScoped(p)) { where.push(`m.homeStore IN (${p.stores!.map(() => '?').join(', ')})`); params.push(...p.stores!); }
    return true;
  }

  // ── decisions ───────────────────────────────────────────────────────────

  /** One decision for one or more suggestions of a department; each member is told on their channel. */
  async decide(p: Principal, input: DecideInput): Promise<DecisionView> {
    const ticketIds = unique(input.ticketIds);
    const summary = input.summary.trim();
    if (!summary) throw new UnprocessableError('SUGGESTION_SUMMARY_EMPTY', 'the summary must not be blank', { field: 'summary' });
    const departmentId = await this.checkTickets(p, ticketIds, null);
    let decisionId = 0;
    // One transaction for the decision and every ticket it answers: a refusal found under the locks (a ticket decided,
    // closed or merged meanwhile) leaves nothing behind, and no member is told unless all are.
    await this.d.tickets.systemChanges(ticketIds, { type: 'agent', id: p.agentId }, async (c, i) => {
      if (i === 0) {
        decisionId = (await c.sql.run('INSERT INTO suggestion_decision (departmentId, outcome, summary, effectiveOn, decidedBy, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [departmentId, input.outcome, summary, input.effectiveOn ?? null, p.agentId, c.now, c.now])).insertId;
      }
      await this.apply(c, decisionId);
    });
    return this.decision(p, decisionId);
  }

  /** More suggestions under an existing decision (many members asked for the same thing); each new member is told. */
  async addTickets(p: Principal, decisionId: number, ticketIdsIn: number[]): Promise<DecisionView> {
    const dec = await this.decisionRow(decisionId);
    if (!dec || !canSeeDepartment(p, dec.departmentId) || p.role === 'analyst') throw new NotFoundError('decision');
    const ticketIds = unique(ticketIdsIn);
    await this.checkTickets(p, ticketIds, dec.departmentId);
    await this.d.tickets.systemChanges(ticketIds, { type: 'agent', id: p.agentId }, (c) => this.apply(c, decisionId));
    await this.d.db.sqlTx((sql) => sql.run('UPDATE suggestion_decision SET updatedAt = ? WHERE id = ?', [this.d.clock.now(), decisionId]));
    return this.decision(p, decisionId);
  }

  /**
   * Corrects a decision's record (summary, effective date); the outcome stays. Members are not written to
   * again (what they were sent is in each ticket's history); each ticket records the correction.
   */
  async updateDecision(p: Principal, id: number, input: { summary?: string; effectiveOn?: string | null }): Promise<DecisionView> {
    const dec = await this.decisionRow(id);
    if (!dec || !canSeeDepartment(p, dec.departmentId) || p.role === 'analyst') throw new NotFoundError('decision');
    const summary = input.summary === undefined ? undefined : input.summary.trim();
    if (summary === '') throw new UnprocessableError('SUGGESTION_SUMMARY_EMPTY', 'the summary must not be blank', { field: 'summary' });
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    if (summary !== undefined && summary !== dec.summary) changes.summary = { from: dec.summary, to: summary };
    if (input.effectiveOn !== undefined && input.effectiveOn !== dec.effectiveOn) changes.effectiveOn = { from: dec.effectiveOn, to: input.effectiveOn };
    if (!Object.keys(changes).length) return this.decision(p, id);
    const now = this.d.clock.now();
    await this.d.db.sqlTx((sql) => sql.run('UPDATE suggestion_decision SET summary = ?, effectiveOn = ?, updatedAt = ? WHERE id = ?',
      [changes.summary?.to ?? dec.summary, changes.effectiveOn ? changes.effectiveOn.to : dec.effectiveOn, now, id]));
    const tickets = await this.d.db.sqlTx((sql) => sql.rows<{ id: number }>('SELECT id FROM ticket WHERE suggestionDecisionId = ? ORDER BY id', [id]));
    for (const t of tickets) {
      await this.d.tickets.systemChange(Number(t.id), { type: 'agent', id: p.agentId }, async (c) => {
        c.events.push({ type: 'suggestion.decision_updated', data: { decisionId: id, changes } });
      });
    }
    return this.decision(p, id);
  }

  async decision(p: Principal, id: number): Promise<DecisionView> {
    const dec = await this.decisionRow(id);
    if (!dec || !canSeeDepartment(p, dec.departmentId) || p.role === 'analyst') throw new NotFoundError('decision');
    const where = ['t.suggestionDecisionId = ?'];
    const params: unknown[] = [id];
    this.scope(p, undefined, where, params);
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`${ITEM_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.id`, params));
    const tickets = rows.map(item);
    const decidedAt = tickets.map((t) => t.decision?.decidedAt).filter((x): x is string => !!x).sort()[0] ?? dec.createdAt.toISOString();
    return {
      id: dec.id, departmentId: dec.departmentId, outcome: dec.outcome, summary: dec.summary, effectiveOn: dec.effectiveOn, decidedBy: dec.decidedBy,
      decidedAt, updatedAt: dec.updatedAt.toISOString(), tickets,
    };
  }

  private async decisionRow(id: number): Promise<{ id: number; departmentId: number; outcome: SuggestionOutcome; summary: string; effectiveOn: string | null; decidedBy: number; createdAt: Date; updatedAt: Date } | null> {
    const [r] = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>('SELECT id, departmentId, outcome, summary, effectiveOn, decidedBy, createdAt, updatedAt FROM suggestion_decision WHERE id = ?', [id]));
    if (!r) return null;
    return {
      id: Number(r.id), departmentId: Number(r.departmentId), outcome: r.outcome as SuggestionOutcome, summary: String(r.summary),
      effectiveOn: (r.effectiveOn as string | null) ?? null, decidedBy: Number(r.decidedBy), createdAt: toDate(r.createdAt), updatedAt: toDate(r.updatedAt),
    };
  }

  /**
   * Every ticket visible (else 404, as if missing), a suggestion, of one department (the decision's, when
   * given), without a decision and not closed or merged. Checked before anything is written.
   */
  private async checkTickets(p: Principal, ticketIds: number[], departmentId: number | null): Promise<number> {
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(
      `SELECT t.id, t.type, t.status, t.departmentId, t.suggestionDecisionId, m.homeStore FROM ticket t JOIN member m ON m.id = t.memberId WHERE t.id IN (${ticketIds.map(() => '?').join(', ')})`, ticketIds));
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    let dept = departmentId;
    for (const id of ticketIds) {
      const r = byId.get(id);
      const store = (r?.homeStore as string | null) ?? null;
      if (!r || p.role === 'analyst' || !canSeeDepartment(p, Number(r.departmentId)) || (storeScoped(p) && (store === null || !p.stores!.includes(store)))) throw new NotFoundError('ticket');
    }
    for (const id of ticketIds) {
      const r = byId.get(id)!;
      if (r.type !== 'suggestion') throw notSuggestion(id);
      if (dept !== null && Number(r.departmentId) !== dept) {
        throw new UnprocessableError('SUGGESTION_DEPARTMENT_MISMATCH', 'a decision covers suggestions of one department only', { ticketId: id, departmentId: Number(r.departmentId), expected: dept });
      }
      dept = Number(r.departmentId);
      if (r.suggestionDecisionId !== null && r.suggestionDecisionId !== undefined) throw decided(id);
      if (r.status === 'closed' || r.status === 'merged') throw closed(id, String(r.status));
    }
    return dept!;
  }

  /**
   * Under the ticket's lock: links the decision, tells the member on their channel, and solves the ticket
   * (reason `suggestion_decided`: no survey; the SLA hook stops the resolution clock). A ticket another
   * request decided, closed or merged meanwhile is refused (and the whole decision with it).
   */
  private async apply(c: SystemChangeContext, decisionId: number): Promise<void> {
    const [t] = await c.sql.rows<Record<string, unknown>>(
      'SELECT t.channel, t.memberId, t.language, t.number, t.departmentId, t.suggestionDecisionId, d.name AS departmentName FROM ticket t JOIN department d ON d.id = t.departmentId WHERE t.id = ?', [c.ticket.id]);
    if (!t) throw new NotFoundError('ticket');
    const raced = (t.suggestionDecisionId !== null && t.suggestionDecisionId !== undefined) || c.ticket.status === 'closed' || c.ticket.status === 'merged';
    if (raced) {
      if (c.ticket.status === 'closed' || c.ticket.status === 'merged') throw closed(c.ticket.id, c.ticket.status);
      throw decided(c.ticket.id);
    }
    const dec = (await c.sql.rows<Record<string, unknown>>('SELECT outcome, summary, effectiveOn FROM suggestion_decision WHERE id = ?', [decisionId]))[0]!;
    const outcome = dec.outcome as SuggestionOutcome;
    await c.sql.run('UPDATE ticket SET suggestionDecisionId = ? WHERE id = ?', [decisionId, c.ticket.id]);
    const channel = await this.memberChannel(c.sql, String(t.channel) as Channel, Number(t.memberId));
    let messageId: number | null = null;
    if (channel) {
      const text = await this.messageText(c.sql, {
        departmentId: Number(t.departmentId), outcome, language: (t.language as string | null) ?? null,
        values: { ticketNumber: String(t.number), summary: String(dec.summary), effectiveOn: (dec.effectiveOn as string | null) ?? null, department: String(t.departmentName) },
      });
      messageId = await c.post({ channel, text, meta: { suggestionDecision: decisionId } });
    }
    c.events.push({ type: 'suggestion.decided', data: { decisionId, outcome, messageId, channel } });
    if (messageId !== null) c.events.push({ type: 'message.sent', data: { messageId, channel, visibility: 'public', automatic: true } });
    if (c.ticket.status !== 'solved') {
      await c.sql.run("UPDATE ticket SET status = 'solved', solvedAt = ? WHERE id = ?", [c.now, c.ticket.id]);
      c.events.push({ type: 'status.changed', data: { from: c.ticket.status, to: 'solved', reason: 'suggestion_decided' } });
    }
  }

  /** The ticket's own channel; a phone suggestion is answered by email when the member has an address, else not in writing. */
  private async memberChannel(sql: SqlSession, channel: Channel, memberId: number): Promise<Channel | null> {
    if (channel !== 'phone') return channel;
    const email = await sql.rows("SELECT memberId FROM member_identity WHERE memberId = ? AND kind = 'email'", [memberId]);
    return email.length ? 'email' : null;
  }

  private async messageText(sql: SqlSession, m: { departmentId: number; outcome: SuggestionOutcome; language: string | null; values: { ticketNumber: string; summary: string; effectiveOn: string | null; department: string } }): Promise<string> {
    const key = templateKey(m.outcome);
    const stored = await sql.rows<{ departmentId: number; language: string; body: string }>(
      'SELECT departmentId, language, body FROM message_template WHERE departmentId IN (0, ?) AND `key` = ?', [m.departmentId, key]);
    return memberLanguages(m.language).map((lang) => {
      const own = stored.find((s) => Number(s.departmentId) === m.departmentId && s.language === lang) ?? stored.find((s) => Number(s.departmentId) === 0 && s.language === lang);
      const body = own?.body ?? DEFAULT_TEMPLATES[key][lang];
      return renderTemplate(body, { ticketNumber: m.values.ticketNumber, summary: sentence(m.values.summary, lang), effectiveOn: effectiveText(m.values.effectiveOn, lang), department: m.values.department });
    }).join('\n\n');
  }

  // ── templates ───────────────────────────────────────────────────────────

  /** The templates in force for a department (0: the installation's), each with where it comes from. */
  async templates(p: Principal, departmentId: number): Promise<{ departmentId: number; placeholders: readonly string[]; items: TemplateView[] }> {
    if (departmentId !== 0) await this.assertDepartment(departmentId, () => canSeeDepartment(p, departmentId));
    const stored = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(
      'SELECT departmentId, `key`, language, body, updatedBy, updatedAt FROM message_template WHERE departmentId IN (0, ?)', [departmentId]));
    const items: TemplateView[] = [];
    for (const key of TEMPLATE_KEYS) {
      for (const language of TEMPLATE_LANGUAGES) {
        const find = (dept: number) => stored.find((s) => Number(s.departmentId) === dept && s.key === key && s.language === language);
        const own = departmentId !== 0 ? find(departmentId) : undefined;
        const installation = find(0);
        const row = own ?? installation;
        items.push({
          key, language, body: row ? String(row.body) : DEFAULT_TEMPLATES[key][language],
          source: own ? 'department' : installation ? 'installation' : 'builtin', departmentId: row ? Number(row.departmentId) : 0,
          updatedAt: row ? toDate(row.updatedAt).toISOString() : null, updatedBy: row?.updatedBy === null || row?.updatedBy === undefined ? null : Number(row.updatedBy),
        });
      }
    }
    return { departmentId, placeholders: PLACEHOLDERS, items };
  }

  /** A department's own wording (its supervisors, admins), or the installation's (department 0: admins only). */
  async saveTemplate(p: Principal, departmentId: number, key: TemplateKey, language: TemplateLanguage, body: string): Promise<TemplateView> {
    await this.assertTemplateEditor(p, departmentId);
    const unknown = unknownPlaceholders(body);
    if (unknown.length) {
      throw new UnprocessableError('TEMPLATE_UNKNOWN_PLACEHOLDER', `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{${u}}`).join(', ')}; known: ${PLACEHOLDERS.map((x) => `{${x}}`).join(', ')}`, { unknown, known: PLACEHOLDERS });
    }
    if (!body.trim()) throw new UnprocessableError('TEMPLATE_EMPTY', 'a template must not be blank', { field: 'body' });
    const now = this.d.clock.now();
    await this.d.db.sqlTx(async (sql) => {
      const done = await sql.run('UPDATE message_template SET body = ?, updatedBy = ?, updatedAt = ? WHERE departmentId = ? AND `key` = ? AND language = ?', [body, p.agentId, now, departmentId, key, language]);
      if (!done.affected) await sql.run('INSERT INTO message_template (departmentId, `key`, language, body, updatedBy, updatedAt) VALUES (?, ?, ?, ?, ?, ?)', [departmentId, key, language, body, p.agentId, now]);
    }, { retryOnConflict: true });
    return { key, language, body, source: departmentId === 0 ? 'installation' : 'department', departmentId, updatedAt: now.toISOString(), updatedBy: p.agentId };
  }

  /** Back to the installation's wording (or, for department 0, the built-in one). */
  async resetTemplate(p: Principal, departmentId: number, key: TemplateKey, language: TemplateLanguage): Promise<void> {
    await this.assertTemplateEditor(p, departmentId);
    await this.d.db.sqlTx((sql) => sql.run('DELETE FROM message_template WHERE departmentId = ? AND `key` = ? AND language = ?', [departmentId, key, language]));
  }

  private async assertTemplateEditor(p: Principal, departmentId: number): Promise<void> {
    if (departmentId === 0) {
      if (p.role !== 'admin') throw new ForbiddenError('the installation\'s templates are edited by admins');
      return;
    }
    await this.assertDepartment(departmentId, () => canSeeDepartment(p, departmentId));
    if (!canManageDepartment(p, departmentId)) throw new ForbiddenError('a department\'s templates are edited by its supervisors and admins');
  }

  private async assertDepartment(departmentId: number, visible: () => boolean): Promise<void> {
    const exists = (await this.d.db.sqlTx((sql) => sql.rows('SELECT id FROM department WHERE id = ?', [departmentId]))).length > 0;
    if (!exists) throw new NotFoundError('department');
    if (!visible()) throw new ForbiddenError('not one of your departments');
  }

  // ── figures, report and digest ──────────────────────────────────────────

  /**
   * A period's figures for departments: new (created in [from, to)), decided in it by outcome (tickets,
   * i.e. members told), and now awaiting / overdue; with one row per suggestion concerned.
   */
  async figures(departmentIds: number[], from: Date, to: Date, opts: { subjects?: boolean } = {}): Promise<SuggestionFigures> {
    const out: SuggestionFigures = { period: { from: from.toISOString(), to: to.toISOString() }, new: 0, decided: { adopted: 0, planned: 0, declined: 0 }, awaiting: 0, overdue: 0, rows: [] };
    if (!departmentIds.length) return out;
    const now = this.d.clock.now();
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(
      'SELECT t.id, t.number, t.subject, t.departmentId, t.status, t.createdAt, t.resolutionDueAt, t.resolutionBreached, t.suggestionDecisionId, d.outcome, '
        + "(SELECT MIN(e.createdAt) FROM ticket_event e WHERE e.ticketId = t.id AND e.type = 'suggestion.decided') AS decidedAt "
        + "FROM ticket t LEFT JOIN suggestion_decision d ON d.id = t.suggestionDecisionId WHERE t.type = 'suggestion' AND t.status <> 'merged' "
        + `AND t.departmentId IN (${departmentIds.map(() => '?').join(', ')}) AND t.createdAt < ? `
        + "AND (t.createdAt >= ? OR (t.suggestionDecisionId IS NULL AND t.status <> 'closed') OR d.updatedAt >= ?) ORDER BY t.createdAt, t.id",
      [...departmentIds, to, from, from]));
    for (const r of rows) {
      const createdAt = toDate(r.createdAt);
      const decidedAt = r.decidedAt === null || r.decidedAt === undefined ? null : toDate(r.decidedAt);
      const hasDecision = r.suggestionDecisionId !== null && r.suggestionDecisionId !== undefined;
      const dueAt = r.resolutionDueAt === null || r.resolutionDueAt === undefined ? null : toDate(r.resolutionDueAt);
      const state: ReportRow['state'] = hasDecision ? 'decided' : r.status === 'closed' ? 'closed' : 'awaiting';
      const overdue = state === 'awaiting' && (truthy(r.resolutionBreached) || (dueAt !== null && dueAt.getTime() <= now.getTime()));
      const isNew = createdAt >= from && createdAt < to;
      const decidedIn = decidedAt !== null && decidedAt >= from && decidedAt < to;
      if (!isNew && !decidedIn && state !== 'awaiting') continue;
      if (isNew) out.new++;
      if (decidedIn && r.outcome) out.decided[r.outcome as SuggestionOutcome]++;
      if (state === 'awaiting') out.awaiting++;
      if (overdue) out.overdue++;
      out.rows.push({
        ticketId: Number(r.id), number: String(r.number), subject: opts.subjects === false ? null : String(r.subject), departmentId: Number(r.departmentId),
        createdAt: createdAt.toISOString(), state, outcome: (r.outcome as SuggestionOutcome | null) ?? null, decidedAt: decidedAt?.toISOString() ?? null,
        dueAt: dueAt?.toISOString() ?? null, overdue,
      });
    }
    return out;
  }

  /**
   * The worker's pass: for each department, the week that closed at the latest scheduled time, once
   * (the `digest_run` row claims it across processes), to its head or else its supervisors.
   * Returns the digests written and the ms until the next scheduled time.
   */
  async runDigests(): Promise<{ sent: number; nextInMs: number | null }> {
    const schedule = this.d.digest;
    if (!schedule) return { sent: 0, nextInMs: null };
    const now = this.d.clock.now();
    const at = latestDigestTime(schedule, now.getTime());
    // The next scheduled time is a week later in local time: 7 days ± the hour a daylight-saving change moves it.
    const nextInMs = latestDigestTime(schedule, at + 7 * 24 * HOUR_MS + HOUR_MS) - now.getTime();
    const channels = this.d.notifyChannels();
    if (!channels.email && !channels.slack) return { sent: 0, nextInMs };
    const departments = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>('SELECT id, name, headAgentId, slackChannel, createdAt FROM department ORDER BY id'));
    const period = digestPeriod(schedule, at);
    let sent = 0;
    for (const dept of departments) {
      // A department created after the week closed has no week to report.
      if (toDate(dept.createdAt).getTime() > at) continue;
      try {
        if (await this.sendDigest({ id: Number(dept.id), name: String(dept.name), headAgentId: dept.headAgentId === null ? null : Number(dept.headAgentId), slackChannel: (dept.slackChannel as string | null) ?? null }, period, channels)) sent++;
      } catch (err) {
        this.d.log.error('suggestion digest failed', { departmentId: Number(dept.id), error: String(err) });
      }
    }
    if (sent) this.d.onNotificationsWritten();
    return { sent, nextInMs };
  }

  private async sendDigest(dept: { id: number; name: string; headAgentId: number | null; slackChannel: string | null }, period: { from: Date; to: Date }, channels: { slack: boolean; email: boolean }): Promise<boolean> {
    const figures = await this.figures([dept.id], period.from, period.to);
    if (!figures.new && !figures.awaiting && !figures.decided.adopted && !figures.decided.planned && !figures.decided.declined) return false;
    const now = this.d.clock.now();
    try {
      return await this.d.db.sqlTx(async (sql) => {
        await sql.run('INSERT INTO digest_run (kind, departmentId, periodStart, sentAt) VALUES (?, ?, ?, ?)', [DIGEST_KIND, dept.id, period.from, now]);
        const overdue = figures.rows.filter((r) => r.overdue).sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt)))
          .map((r) => ({ number: r.number, subject: r.subject ?? '', dueAt: r.dueAt }));
        const counts: SuggestionCounts = { new: figures.new, decided: figures.decided, awaiting: figures.awaiting, overdue: figures.overdue };
        const written = await notifyDepartmentStaff(sql, {
          department: dept, channels, ticketId: 0, now,
          payloadFor: (c) => {
            const digest: DigestInput = { departmentName: dept.name, contact: { name: c.name, locale: c.locale }, period: figures.period, counts, overdue, queueUrl: this.d.queueUrl };
            return {
              kind: 'suggestion.digest', alertId: 0, ticketId: 0, ticketNumber: '', subject: '', departmentName: dept.name, priority: 'normal', metric: null, level: 1,
              dueAt: null, contact: { agentId: c.id, name: c.name, slackUserId: c.slackUserId, locale: c.locale }, ticketUrl: this.d.queueUrl, digest,
            };
          },
        });
        return written > 0;
      });
    } catch (err) {
      // Another process claimed this department's week first.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1';
}

function item(r: Record<string, unknown>): SuggestionItem {
  const iso = (v: unknown) => (v === null || v === undefined ? null : toDate(v).toISOString());
  const text = String(r.excerpt ?? '').replace(/\s+/g, ' ').trim();
  return {
    ticketId: Number(r.id), number: String(r.number), subject: String(r.subject), excerpt: text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text,
    departmentId: Number(r.departmentId), status: String(r.status), memberTier: String(r.tier), channel: String(r.channel), language: (r.language as string | null) ?? null,
    createdAt: iso(r.createdAt)!, resolutionDueAt: iso(r.resolutionDueAt), resolutionBreached: truthy(r.resolutionBreached),
    decision: r.dId === null || r.dId === undefined ? null : {
      id: Number(r.dId), outcome: r.dOutcome as SuggestionOutcome, summary: String(r.dSummary), effectiveOn: (r.dEffectiveOn as string | null) ?? null,
      decidedAt: iso(r.dDecidedAt) ?? '', decidedBy: Number(r.dDecidedBy),
    },
  };
}
