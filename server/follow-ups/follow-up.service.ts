import { canSeeDepartment, seesAllDepartments, storeScoped, type Principal } from '../agents/principal.js';
import type { BusinessCalendar } from '../../sla/calendar.js';
import { addWorkingDays } from '../../sla/working-days.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { Ticket } from '../db/entities/index.js';
import type { FollowUpChannel } from '../db/entities/follow-up-rule.entity.js';
import { ticketVisible } from '../tickets/ticket-access.js';
import type { Database } from '../db/database.js';
import { toDate, type SqlSession } from '../db/sql-session.js';
import type { FollowUpReason, FollowUpStatus } from '../db/entities/follow-up.entity.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';
import type { Actor, SystemChangeContext, TicketService } from '../tickets/ticket.service.js';
import type { PendingEvent } from '../tickets/ticket.store.js';
import { followUpAssignee, matchingRules } from './follow-up-rules.js';
import { FollowUpRuleService, readFollowUpRules } from './follow-up-rule.service.js';
import type { FollowUpOutcome, FollowUpView, OutcomeResult } from './follow-up.contract.js';
import { notifyDepartmentStaff } from '../notify/department-staff.js';
import type { SlaConfig } from '../../sla/sla-config.js';

export { FOLLOW_UP_OUTCOMES, type FollowUpOutcome, type FollowUpView } from './follow-up.contract.js';

export interface FollowUpQuery {
  status?: 'open' | 'done' | 'cancelled' | 'all'; departmentId?: number; reason?: FollowUpReason; limit?: number; cursor?: string;
  /** Only those due now or overdue (dueAt <= now). */
  due?: boolean;
  /** `me`, `none` (the department's queue) or an agent id. */
  assigneeId?: string;
}

/** A follow-up an agent schedules by hand on a ticket. */
export interface ManualFollowUpInput { dueAt: string; channel: FollowUpChannel; script?: string | null; assigneeId?: number | null; maxAttempts?: number }

export interface OutcomeInput { outcome: FollowUpOutcome; note?: string | null; retryInDays?: number }

export type { OutcomeResult } from './follow-up.contract.js';

export interface FollowUpsDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  tickets: () => TicketService;
  /** Which staff channels (Slack, email) have a sender; rows are written only for those. */
  notifyChannels: () => { slack: boolean; email: boolean };
  ticketUrl: (ticketId: number) => string;
  /** Departments' calendars, shared with the SLA engine. */
  slaConfig: SlaConfig;
}

const SELECT_VIEW = 'SELECT f.id, f.ticketId, t.number AS ticketNumber, t.subject, f.departmentId, f.assigneeId, f.reason, f.surveyId, s.rating, f.status, f.channel, f.script, '
  + 'f.dueAt, f.createdAt, f.doneAt, f.doneBy, f.outcome, f.note, f.attempts, f.maxAttempts, f.ruleId, f.createdBy, f.dueNotifiedAt '
  + 'FROM follow_up f JOIN ticket t ON t.id = f.ticketId LEFT JOIN survey s ON s.id = f.surveyId';
const SYSTEM: Actor = { type: 'system', id: null };

/** A follow-up to write: where it comes from, when it is due, who does it. */
interface NewFollowUp {
  ticketId: number; departmentId: number; reason: FollowUpReason; surveyId: number | null; ruleId: number | null; channel: string | null; script: string | null;
  dueAt: Date; assigneeId: number | null; maxAttempts: number; createdBy: number | null;
}

/** The due time of a rule's follow-up: at once for 0 days, else `delayDays` working days in the calendar. */
export function ruleDueAt(calendar: BusinessCalendar, at: Date, delayDays: number): Date {
  return delayDays <= 0 ? at : addWorkingDays(calendar, at, delayDays);
}

/**
 * Follow-up tasks (回访) on tickets, for the ticket's department: opened by an unhappy survey answer
 * (and, in the follow-up issue, by rules or by hand), visible until someone records that it was done.
 */
export class FollowUps {
  private notified = false;
  private earliestDue: Date | null = null;
  /** The rules' admin side (`/api/follow-up-rules`). */
  readonly rules: FollowUpRuleService;

  constructor(private readonly d: FollowUpsDeps) {
    this.rules = new FollowUpRuleService({ db: d.db, clock: d.clock });
  }

  /** The earliest due time written since the last call (the worker arms its timer for it after commit). */
  takeEarliestDue(): Date | null {
    const e = this.earliestDue;
    this.earliestDue = null;
    return e;
  }

  /** Whether notification rows were written since the last call (the worker is kicked after commit). */
  takeNotificationsWritten(): boolean {
    const n = this.notified;
    this.notified = false;
    return n;
  }

  // ── creation, inside the ticket's transaction ────────────────────────────

  /**
   * Hook on every ticket change (after the SLA and survey hooks): a solve runs the `solved` rules (one
   * follow-up per matching rule, `followup.created`); a reopen (solved → anything but closed) cancels the
   * ticket's open rule follow-ups (`followup.cancelled`, reason `reopened`).
   */
  async onTicketEvents(sql: SqlSession, ticketId: number, events: PendingEvent[], now: Date): Promise<void> {
    for (const e of [...events]) {
      if (e.type === 'status.changed' && e.data.to === 'solved' && e.data.reason !== 'suggestion_decided') await this.openByRules(sql, ticketId, now);
      else if (e.type === 'status.changed' && e.data.from === 'solved' && e.data.to !== 'closed') await this.cancelRuleFollowUps(sql, ticketId, now);
      // Open follow-ups go where their ticket goes: a transfer hands them to the new department (an assignee who does not
      // work there lets go), a merge to the ticket it was merged into.
      else if (e.type === 'department.changed' && typeof e.data.to === 'number') {
        await sql.run("UPDATE follow_up SET departmentId = ? WHERE ticketId = ? AND status = 'open'", [e.data.to, ticketId]);
        await sql.run("UPDATE follow_up SET assigneeId = NULL WHERE ticketId = ? AND status = 'open' AND assigneeId IS NOT NULL AND assigneeId NOT IN (SELECT agentId FROM agent_department WHERE departmentId = ?)", [ticketId, e.data.to]);
      } else if (e.type === 'ticket.merged' && typeof e.data.into === 'number') {
        await sql.run("UPDATE follow_up SET ticketId = ?, departmentId = (SELECT departmentId FROM ticket WHERE id = ?) WHERE ticketId = ? AND status = 'open'", [e.data.into, e.data.into, ticketId]);
      }
    }
  }

  private async openByRules(sql: SqlSession, ticketId: number, now: Date): Promise<void> {
    const rules = await readFollowUpRules(sql, 'solved');
    if (!rules.length) return;
    const t = await this.ticketFacts(sql, ticketId);
    if (!t) return;
    const matched = matchingRules(rules, 'solved', t.subject);
    if (!matched.length) return;
    const calendar = await this.calendarOf(sql, t.subject.departmentId);
    const written: PendingEvent[] = [];
    for (const rule of matched) {
      const dueAt = ruleDueAt(calendar, now, rule.delayDays);
      const id = await this.insert(sql, {
        ticketId, departmentId: t.subject.departmentId, reason: 'rule', surveyId: null, ruleId: rule.id, channel: rule.channel, script: rule.script,
        dueAt, assigneeId: followUpAssignee(rule, t.assignee), maxAttempts: rule.maxAttempts, createdBy: null,
      }, now);
      written.push({ type: 'followup.created', data: { followUpId: id, reason: 'rule', ruleId: rule.id, dueAt: dueAt.toISOString() } });
    }
    await this.writeEvents(sql, ticketId, written, now);
  }

  private async cancelRuleFollowUps(sql: SqlSession, ticketId: number, now: Date): Promise<void> {
    const open = await sql.rows<{ id: number }>("SELECT id FROM follow_up WHERE ticketId = ? AND status = 'open' AND reason = 'rule' FOR UPDATE", [ticketId]);
    if (!open.length) return;
    await sql.run(`UPDATE follow_up SET status = 'cancelled', doneAt = ? WHERE id IN (${open.map(() => '?').join(', ')})`, [now, ...open.map((r) => r.id)]);
    await this.writeEvents(sql, ticketId, open.map((r) => ({ type: 'followup.cancelled', data: { followUpId: Number(r.id), reason: 'reopened' } })), now);
  }

  /** Events recorded beside the change that caused them (that change's own events are already written), like the survey hook's. */
  private async writeEvents(sql: SqlSession, ticketId: number, events: PendingEvent[], now: Date): Promise<void> {
    if (!events.length) return;
    await sql.run(`INSERT INTO ticket_event (ticketId, type, actorType, actorId, data, createdAt) VALUES ${events.map(() => "(?, ?, 'system', NULL, ?, ?)").join(', ')}`,
      events.flatMap((e) => [ticketId, e.type, JSON.stringify(e.data), now]));
  }

  /**
   * In the answer's transaction: the follow-up for a low rating, by the first active `low_rating` rule that
   * matches (none: no follow-up), at most one per survey, and a message to the department's head (or,
   * without one, its supervisors) by email and Slack. Returns what it opened, or null.
   */
  async openForLowRating(sql: SqlSession, f: { ticketId: number; surveyId: number; rating: number }, now: Date): Promise<{ id: number; dueAt: Date; ruleId: number; channel: string } | null> {
    if ((await sql.rows('SELECT id FROM follow_up WHERE surveyId = ?', [f.surveyId])).length) return null;
    const rules = await readFollowUpRules(sql, 'low_rating');
    if (!rules.length) return null;
    const facts = await this.ticketFacts(sql, f.ticketId);
    if (!facts) return null;
    const [rule] = matchingRules(rules, 'low_rating', facts.subject);
    if (!rule) return null;
    const departmentId = facts.subject.departmentId;
    const dueAt = ruleDueAt(await this.calendarOf(sql, departmentId), now, rule.delayDays);
    const id = await this.insert(sql, {
      ticketId: f.ticketId, departmentId, reason: 'low_rating', surveyId: f.surveyId, ruleId: rule.id, channel: rule.channel, script: rule.script,
      dueAt, assigneeId: followUpAssignee(rule, facts.assignee), maxAttempts: rule.maxAttempts, createdBy: null,
    }, now);
    await this.notifyDepartment(sql, { departmentId, number: facts.number, subject: facts.subjectLine, priority: facts.priority }, { ticketId: f.ticketId, rating: f.rating, dueAt }, now);
    return { id, dueAt, ruleId: rule.id, channel: rule.channel };
  }

  private async insert(sql: SqlSession, f: NewFollowUp, now: Date): Promise<number> {
    const { insertId } = await sql.run(
      'INSERT INTO follow_up (ticketId, departmentId, assigneeId, reason, surveyId, ruleId, status, channel, script, dueAt, attempts, maxAttempts, createdBy, createdAt) '
        + "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, 0, ?, ?, ?)",
      [f.ticketId, f.departmentId, f.assigneeId, f.reason, f.surveyId, f.ruleId, f.channel, f.script, f.dueAt, f.maxAttempts, f.createdBy, now]);
    this.noteDue(f.dueAt);
    return insertId;
  }

  private noteDue(at: Date): void {
    if (!this.earliestDue || at < this.earliestDue) this.earliestDue = at;
  }

  /** What rules match on, read with the ticket: type, member tier, category, department, channel; and its assignee. */
  private async ticketFacts(sql: SqlSession, ticketId: number) {
    const [t] = await sql.rows<Record<string, unknown>>(
      'SELECT t.type, t.category, t.departmentId, t.channel, t.assigneeId, t.number, t.subject, t.priority, m.tier, a.active AS assigneeActive '
        + 'FROM ticket t JOIN member m ON m.id = t.memberId LEFT JOIN agent a ON a.id = t.assigneeId WHERE t.id = ?', [ticketId]);
    if (!t) return null;
    return {
      subject: { type: String(t.type), tier: String(t.tier), category: (t.category as string | null) ?? null, departmentId: Number(t.departmentId), channel: String(t.channel) },
      assignee: t.assigneeId === null || t.assigneeId === undefined ? null : { id: Number(t.assigneeId), active: Boolean(Number(t.assigneeActive)) },
      number: String(t.number), subjectLine: String(t.subject), priority: String(t.priority),
    };
  }

  /** The department's business calendar (none: 24×7 UTC), as the SLA reads it. */
  /** The department's business calendar, as the SLA engine reads it (cached briefly; 24×7 without one). */
  private async calendarOf(sql: SqlSession, departmentId: number): Promise<BusinessCalendar> {
    return this.d.slaConfig.calendarOf(await this.d.slaConfig.get(sql), null, departmentId);
  }

  private async notifyDepartment(sql: SqlSession, t: { departmentId: number; number: string; subject: string; priority: string }, f: { ticketId: number; rating: number; dueAt: Date }, now: Date): Promise<void> {
    const [dept] = await sql.rows<{ name: string; headAgentId: number | null; slackChannel: string | null }>('SELECT name, headAgentId, slackChannel FROM department WHERE id = ?', [t.departmentId]);
    if (!dept) return;
    const written = await notifyDepartmentStaff(sql, {
      department: { id: t.departmentId, headAgentId: dept.headAgentId === null ? null : Number(dept.headAgentId), slackChannel: dept.slackChannel },
      channels: this.d.notifyChannels(), ticketId: f.ticketId, now,
      payloadFor: (c) => ({
        kind: 'survey.low_rating', alertId: 0, rating: f.rating, ticketId: f.ticketId, ticketNumber: t.number, subject: t.subject, departmentName: dept.name,
        priority: t.priority, metric: null, level: 1, dueAt: f.dueAt.toISOString(),
        contact: { agentId: c.id, name: c.name, slackUserId: c.slackUserId, locale: c.locale }, ticketUrl: this.d.ticketUrl(f.ticketId),
      }),
    });
    if (written) this.notified = true;
  }

  // ── reads ─────────────────────────────────────────────────────────────────

  /** The principal's departments' follow-ups, soonest due first (keyset cursor on dueAt, id). */
  async list(p: Principal, q: FollowUpQuery): Promise<Page<FollowUpView>> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
    const status = q.status ?? 'open';
    const now = this.d.clock.now();
    const where: string[] = [];
    const params: unknown[] = [];
    if (status !== 'all') { where.push('f.status = ?'); params.push(status); }
    if (q.reason) { where.push('f.reason = ?'); params.push(q.reason); }
    if (q.due) { where.push('f.dueAt <= ?'); params.push(now); }
    if (q.assigneeId !== undefined) {
      if (q.assigneeId === 'none') where.push('f.assigneeId IS NULL');
      else { where.push('f.assigneeId = ?'); params.push(q.assigneeId === 'me' ? p.agentId : Number(q.assigneeId)); }
    }
    if (q.departmentId !== undefined) {
      if (!canSeeDepartment(p, q.departmentId)) return { items: [], nextCursor: null };
      where.push('f.departmentId = ?'); params.push(q.departmentId);
    } else if (!seesAllDepartments(p)) {
      if (!p.departmentIds.length) return { items: [], nextCursor: null };
      where.push(`f.departmentId IN (${p.departmentIds.map(() => '?').join(', ')})`); params.push(...p.departmentIds);
    }
    // A store-bound agent sees follow-ups of their stores' members only, like their tickets.
    if (storeScoped(p)) { where.push(`t.memberId IN (SELECT sm.id FROM member sm WHERE sm.homeStore IN (${p.stores!.map(() => '?').join(', ')}))`); params.push(...p.stores!); }
    // Keyset on (dueAt, id): open work is read soonest-due first.
    const after = decodeCursor(q.cursor);
    if (after) { where.push('(f.dueAt > ? OR (f.dueAt = ? AND f.id > ?))'); const at = new Date(String(after[0])); params.push(at, at, after[1]); }
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(
      `${SELECT_VIEW}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY f.dueAt, f.id LIMIT ${limit + 1}`, params));
    const items = rows.slice(0, limit).map((r) => followUpView(r, now));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.dueAt, last.id]) : null };
  }

  async listForTicket(p: Principal, ticketId: number): Promise<{ items: FollowUpView[] }> {
    const now = this.d.clock.now();
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`${SELECT_VIEW} WHERE f.ticketId = ? ORDER BY f.id DESC`, [ticketId]));
    return { items: rows.map((r) => followUpView(r, now)).filter((f) => canSeeDepartment(p, f.departmentId)) };
  }

  private async view(id: number): Promise<FollowUpView> {
    const [row] = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`${SELECT_VIEW} WHERE f.id = ?`, [id]));
    if (!row) throw new NotFoundError('follow-up');
    return followUpView(row, this.d.clock.now());
  }

  private async assertTicketVisible(p: Principal, ticketId: number): Promise<{ departmentId: number }> {
    const t = await this.d.db.read(async (m) => {
      const found = await m.findOne(Ticket, { where: { id: ticketId }, select: { id: true, departmentId: true, memberId: true } });
      return found !== null && (await ticketVisible(m, p, found)) ? found : null;
    });
    if (!t) throw new NotFoundError('ticket');
    return { departmentId: t.departmentId };
  }

  // ── by hand ───────────────────────────────────────────────────────────────

  /** A follow-up an agent schedules on a ticket they see, for its department (or an agent of it). */
  async createManual(p: Principal, ticketId: number, input: ManualFollowUpInput): Promise<FollowUpView> {
    await this.assertTicketVisible(p, ticketId);
    const dueAt = new Date(input.dueAt);
    const id = await this.d.tickets().systemChange(ticketId, { type: 'agent', id: p.agentId }, async (c) => {
      const [t] = await c.sql.rows<{ departmentId: number }>('SELECT departmentId FROM ticket WHERE id = ?', [ticketId]);
      const departmentId = Number(t!.departmentId);
      const assigneeId = input.assigneeId ?? null;
      if (assigneeId !== null) {
        const [a] = await c.sql.rows<{ role: string; member: number | null }>(
          'SELECT a.role, ad.agentId AS member FROM agent a LEFT JOIN agent_department ad ON ad.agentId = a.id AND ad.departmentId = ? WHERE a.id = ? AND a.active = 1', [departmentId, assigneeId]);
        if (!a || (a.role !== 'admin' && (a.member === null || a.member === undefined))) {
          throw new UnprocessableError('UNKNOWN_AGENT', `agent ${assigneeId} does not exist, is inactive or does not work in this ticket's department`, { field: 'assigneeId' });
        }
      }
      const script = input.script?.trim() ? input.script.trim().slice(0, 4000) : null;
      const fid = await this.insert(c.sql, {
        ticketId, departmentId, reason: 'manual', surveyId: null, ruleId: null, channel: input.channel, script, dueAt, assigneeId,
        maxAttempts: input.maxAttempts ?? 3, createdBy: p.agentId,
      }, c.now);
      c.events.push({ type: 'followup.created', data: { followUpId: fid, reason: 'manual', ruleId: null, dueAt: dueAt.toISOString() } });
      return fid;
    });
    return this.view(id);
  }

  // ── outcomes ──────────────────────────────────────────────────────────────

  /**
   * Records the outcome of an open follow-up, in its ticket's history, with the ticket locked:
   * satisfied / other → done; not_satisfied → done and a solved ticket reopened; unreachable → tried
   * again `retryInDays` working days later (default 1) until `maxAttempts`, then done as unreachable.
   */
  async markDone(p: Principal, id: number, input: OutcomeInput): Promise<OutcomeResult> {
    const [ref] = await this.d.db.sqlTx((sql) => sql.rows<{ ticketId: number; departmentId: number }>('SELECT ticketId, departmentId FROM follow_up WHERE id = ?', [id]));
    const visible = ref !== undefined && canSeeDepartment(p, Number(ref.departmentId)) && (await this.d.db.read(async (m) => {
      const t = await m.findOne(Ticket, { where: { id: Number(ref.ticketId) }, select: { id: true, departmentId: true, memberId: true } });
      return t !== null && ticketVisible(m, p, t);
    }));
    if (!ref || !visible) throw new NotFoundError('follow-up');
    if (input.retryInDays !== undefined && input.outcome !== 'unreachable') {
      throw new UnprocessableError('RETRY_NOT_UNREACHABLE', 'retryInDays is for an unreachable member only', { field: 'retryInDays' });
    }
    const flags = await this.d.tickets().systemChange(Number(ref.ticketId), { type: 'agent', id: p.agentId }, (c) => this.record(c, p.agentId, id, input));
    return { ...(await this.view(id)), ...flags };
  }

  private async record(c: SystemChangeContext, agentId: number, id: number, input: OutcomeInput): Promise<{ reopened?: boolean; retried?: boolean }> {
    const [f] = await c.sql.rows<{ status: string; attempts: number; maxAttempts: number; departmentId: number }>('SELECT status, attempts, maxAttempts, departmentId FROM follow_up WHERE id = ? FOR UPDATE', [id]);
    if (!f) throw new NotFoundError('follow-up');
    if (f.status !== 'open') throw new ConflictError('FOLLOW_UP_CLOSED', `this follow-up is already ${f.status}`);
    const note = input.note?.trim() ? input.note.trim().slice(0, 4000) : null;
    const attempts = Number(f.attempts) + 1;
    if (input.outcome === 'unreachable' && attempts < Number(f.maxAttempts)) {
      const calendar = await this.calendarOf(c.sql, Number(f.departmentId));
      const dueAt = addWorkingDays(calendar, c.now, input.retryInDays ?? 1);
      await c.sql.run('UPDATE follow_up SET attempts = ?, dueAt = ?, dueNotifiedAt = NULL, outcome = ?, note = ? WHERE id = ?', [attempts, dueAt, 'unreachable', note, id]);
      c.events.push({ type: 'followup.retry', data: { followUpId: id, attempt: attempts, maxAttempts: Number(f.maxAttempts), dueAt: dueAt.toISOString(), note } });
      this.noteDue(dueAt);
      return { retried: true };
    }
    await c.sql.run("UPDATE follow_up SET status = 'done', outcome = ?, note = ?, doneAt = ?, doneBy = ?, attempts = ? WHERE id = ?", [input.outcome, note, c.now, agentId, attempts, id]);
    c.events.push({ type: 'followup.done', data: { followUpId: id, outcome: input.outcome, note, attempts } });
    if (input.outcome !== 'not_satisfied') return {};
    // The member is not satisfied: a solved ticket goes back to work. The SLA hook resumes its resolution
    // clock and the survey hook cancels an unanswered survey on the status.changed event below.
    if (c.ticket.status !== 'solved') return { reopened: false };
    await c.sql.run("UPDATE ticket SET status = 'open', solvedAt = NULL, reopenCount = reopenCount + 1, updatedAt = ? WHERE id = ?", [c.now, c.ticket.id]);
    c.events.push({ type: 'status.changed', data: { from: 'solved', to: 'open', reason: 'follow_up_not_satisfied', followUpId: id } });
    return { reopened: true };
  }

  // ── the worker's pass ─────────────────────────────────────────────────────

  /**
   * Tells the consoles of follow-ups that fell due (`followup.due`, once per due time), each under its
   * ticket's lock and re-checked there. Returns how long until the next known due time (ms), or null.
   */
  async runDue(limit = 100): Promise<{ handled: number; nextInMs: number | null }> {
    const now = this.d.clock.now();
    const pending = "status = 'open' AND (dueNotifiedAt IS NULL OR dueNotifiedAt < dueAt)";
    const due = await this.d.db.sqlTx((sql) => sql.rows<{ id: number; ticketId: number }>(
      `SELECT id, ticketId FROM follow_up WHERE ${pending} AND dueAt <= ? ORDER BY dueAt, id LIMIT ${Number(limit)}`, [now]));
    let handled = 0;
    for (const f of due) {
      try {
        if (await this.d.tickets().systemChange(Number(f.ticketId), SYSTEM, (c) => this.announceDue(c, Number(f.id)))) handled++;
      } catch (err) {
        // Looked at again on the next pass.
        this.d.log.error('follow-up due notice failed', { followUpId: Number(f.id), error: String(err) });
      }
    }
    const [next] = await this.d.db.sqlTx((sql) => sql.rows<{ next: unknown }>(`SELECT MIN(dueAt) AS next FROM follow_up WHERE ${pending}`));
    const nextInMs = next?.next === null || next?.next === undefined ? null : Math.max(0, toDate(next.next).getTime() - this.d.clock.now().getTime());
    return { handled, nextInMs: due.length === limit ? 0 : nextInMs };
  }

  private async announceDue(c: SystemChangeContext, id: number): Promise<boolean> {
    const [row] = await c.sql.rows<Record<string, unknown>>('SELECT status, dueAt, dueNotifiedAt, assigneeId, departmentId, attempts FROM follow_up WHERE id = ? FOR UPDATE', [id]);
    if (!row || row.status !== 'open') return false;
    const dueAt = toDate(row.dueAt);
    const notified = row.dueNotifiedAt === null || row.dueNotifiedAt === undefined ? null : toDate(row.dueNotifiedAt);
    if (dueAt.getTime() > c.now.getTime() || (notified && notified.getTime() >= dueAt.getTime())) return false;
    await c.sql.run('UPDATE follow_up SET dueNotifiedAt = ? WHERE id = ?', [c.now, id]);
    c.events.push({ type: 'followup.due', data: {
      followUpId: id, dueAt: dueAt.toISOString(), assigneeId: row.assigneeId === null ? null : Number(row.assigneeId), departmentId: Number(row.departmentId), attempts: Number(row.attempts),
    } });
    return true;
  }
}

function followUpView(r: Record<string, unknown>, now: Date): FollowUpView {
  const iso = (v: unknown) => (v === null || v === undefined ? null : toDate(v).toISOString());
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const status = r.status as FollowUpStatus;
  const dueAt = iso(r.dueAt)!;
  return {
    id: Number(r.id), ticketId: Number(r.ticketId), ticketNumber: String(r.ticketNumber), subject: String(r.subject), departmentId: Number(r.departmentId),
    assigneeId: num(r.assigneeId), reason: r.reason as FollowUpReason,
    surveyId: num(r.surveyId), rating: num(r.rating),
    status, channel: (r.channel as string | null) ?? null, script: (r.script as string | null) ?? null,
    dueAt, createdAt: iso(r.createdAt)!, doneAt: iso(r.doneAt), doneBy: num(r.doneBy),
    outcome: (r.outcome as FollowUpOutcome | null) ?? null, note: (r.note as string | null) ?? null,
    attempts: Number(r.attempts ?? 0), maxAttempts: Number(r.maxAttempts ?? 3), ruleId: num(r.ruleId), createdBy: num(r.createdBy), dueNotifiedAt: iso(r.dueNotifiedAt),
    overdue: status === 'open' && new Date(dueAt).getTime() < now.getTime(),
  };
}
