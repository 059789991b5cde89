import { canSeeDepartment, seesAllDepartments, storeScoped, type Principal } from '../agents/principal.js';
import { Ticket } from '../db/entities/index.js';
import { ticketVisible } from '../tickets/ticket-access.js';
import type { Database } from '../db/database.js';
import { toDate, type SqlSession } from '../db/sql-session.js';
import type { FollowUpReason, FollowUpStatus } from '../db/entities/follow-up.entity.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { NotificationPayload } from '../notify/notification.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';
import type { TicketService } from '../tickets/ticket.service.js';

export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not_satisfied', 'unreachable', 'other'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export interface FollowUpView {
  id: number; ticketId: number; ticketNumber: string; subject: string; departmentId: number; assigneeId: number | null;
  reason: FollowUpReason; surveyId: number | null; rating: number | null; status: FollowUpStatus; channel: string | null; script: string | null;
  dueAt: string; createdAt: string; doneAt: string | null; doneBy: number | null; outcome: string | null; note: string | null;
}

export interface FollowUpQuery { status?: 'open' | 'done' | 'all'; departmentId?: number; reason?: FollowUpReason; limit?: number; cursor?: string }

export interface FollowUpsDeps {
  db: Database;
  tickets: () => TicketService;
  /** Which staff channels (Slack, email) have a sender; rows are written only for those. */
  notifyChannels: () => { slack: boolean; email: boolean };
  ticketUrl: (ticketId: number) => string;
}

const SELECT_VIEW = 'SELECT f.id, f.ticketId, t.number AS ticketNumber, t.subject, f.departmentId, f.assigneeId, f.reason, f.surveyId, s.rating, f.status, f.channel, f.script, '
  + 'f.dueAt, f.createdAt, f.doneAt, f.doneBy, f.outcome, f.note FROM follow_up f JOIN ticket t ON t.id = f.ticketId LEFT JOIN survey s ON s.id = f.surveyId';

/**
 * Follow-up tasks (回访) on tickets, for the ticket's department: opened by an unhappy survey answer
 * (and, in the follow-up issue, by rules or by hand), visible until someone records that it was done.
 */
export class FollowUps {
  private notified = false;

  constructor(private readonly d: FollowUpsDeps) {}

  /** Whether notification rows were written since the last call (the worker is kicked after commit). */
  takeNotificationsWritten(): boolean {
    const n = this.notified;
    this.notified = false;
    return n;
  }

  /**
   * In the answer's transaction: the follow-up for a low rating, at most one per survey, and a message to the
   * department's head (or, without one, its supervisors) by email and Slack. Returns its id, or null if it existed.
   */
  async openForLowRating(sql: SqlSession, f: { ticketId: number; surveyId: number; rating: number; dueAt: Date; channel: string }, now: Date): Promise<number | null> {
    if ((await sql.rows('SELECT id FROM follow_up WHERE surveyId = ?', [f.surveyId])).length) return null;
    const [t] = await sql.rows<{ departmentId: number; number: string; subject: string; priority: string }>('SELECT departmentId, number, subject, priority FROM ticket WHERE id = ?', [f.ticketId]);
    if (!t) return null;
    const departmentId = Number(t.departmentId);
    const { insertId } = await sql.run(
      "INSERT INTO follow_up (ticketId, departmentId, reason, surveyId, status, channel, dueAt, attempts, createdAt) VALUES (?, ?, 'low_rating', ?, 'open', ?, ?, 0, ?)",
      [f.ticketId, departmentId, f.surveyId, f.channel, f.dueAt, now]);
    await this.notifyDepartment(sql, { ...t, departmentId }, f, now);
    return insertId;
  }

  private async notifyDepartment(sql: SqlSession, t: { departmentId: number; number: string; subject: string; priority: string }, f: { ticketId: number; rating: number; dueAt: Date }, now: Date): Promise<void> {
    const channels = this.d.notifyChannels();
    if (!channels.email && !channels.slack) return;
    const [dept] = await sql.rows<{ name: string; headAgentId: number | null; slackChannel: string | null }>('SELECT name, headAgentId, slackChannel FROM department WHERE id = ?', [t.departmentId]);
    if (!dept) return;
    type Contact = { id: number; name: string; email: string; locale: string; slackUserId: string | null };
    const cols = 'a.id, a.name, a.email, a.locale, a.slackUserId';
    let contacts = dept.headAgentId === null ? [] : await sql.rows<Contact>(`SELECT ${cols} FROM agent a WHERE a.id = ? AND a.active = 1`, [dept.headAgentId]);
    if (!contacts.length) {
      contacts = await sql.rows<Contact>(`SELECT ${cols} FROM agent a JOIN agent_department ad ON ad.agentId = a.id WHERE ad.departmentId = ? AND a.role = 'supervisor' AND a.active = 1 ORDER BY a.id`, [t.departmentId]);
    }
    const rows: Array<[string, string, number, NotificationPayload]> = [];
    for (const [i, c] of contacts.entries()) {
      const payload: NotificationPayload = {
        kind: 'survey.low_rating', alertId: 0, rating: f.rating, ticketId: f.ticketId, ticketNumber: t.number, subject: t.subject, departmentName: dept.name,
        priority: t.priority, metric: null, level: 1, dueAt: f.dueAt.toISOString(),
        contact: { agentId: Number(c.id), name: c.name, slackUserId: c.slackUserId, locale: c.locale }, ticketUrl: this.d.ticketUrl(f.ticketId),
      };
      if (channels.email) rows.push(['email', c.email, Number(c.id), payload]);
      // One Slack message: the department's channel, else the first contact's own Slack user.
      const slackTarget = dept.slackChannel ?? c.slackUserId;
      if (channels.slack && i === 0 && slackTarget) rows.push(['slack', slackTarget, Number(c.id), payload]);
    }
    for (const [channel, target, agentId, payload] of rows) {
      await sql.run("INSERT INTO notification (channel, alertId, ticketId, agentId, target, payload, status, attempts, nextAttemptAt, createdAt) VALUES (?, NULL, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        [channel, f.ticketId, agentId, target, JSON.stringify(payload), now, now]);
    }
    if (rows.length) this.notified = true;
  }

  /** The principal's departments' follow-ups, open ones first by due time (then done ones, newest first). */
  async list(p: Principal, q: FollowUpQuery): Promise<Page<FollowUpView>> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
    const status = q.status ?? 'open';
    const where: string[] = [];
    const params: unknown[] = [];
    if (status !== 'all') { where.push('f.status = ?'); params.push(status); }
    if (q.reason) { where.push('f.reason = ?'); params.push(q.reason); }
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
    const items = rows.slice(0, limit).map(followUpView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.dueAt, last.id]) : null };
  }

  async listForTicket(p: Principal, ticketId: number): Promise<{ items: FollowUpView[] }> {
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`${SELECT_VIEW} WHERE f.ticketId = ? ORDER BY f.id DESC`, [ticketId]));
    return { items: rows.map(followUpView).filter((f) => canSeeDepartment(p, f.departmentId)) };
  }

  /** Records the outcome of an open follow-up, in its ticket's history. */
  async markDone(p: Principal, id: number, input: { outcome: FollowUpOutcome; note?: string | null }): Promise<FollowUpView> {
    const [ref] = await this.d.db.sqlTx((sql) => sql.rows<{ ticketId: number; departmentId: number }>('SELECT ticketId, departmentId FROM follow_up WHERE id = ?', [id]));
    const visible = ref !== undefined && canSeeDepartment(p, Number(ref.departmentId)) && (await this.d.db.read(async (m) => {
      const t = await m.findOne(Ticket, { where: { id: Number(ref.ticketId) }, select: { id: true, departmentId: true, memberId: true } });
      return t !== null && ticketVisible(m, p, t);
    }));
    if (!ref || !visible) throw new NotFoundError('follow-up');
    await this.d.tickets().systemChange(Number(ref.ticketId), { type: 'agent', id: p.agentId }, async (c) => {
      const [f] = await c.sql.rows<{ status: string }>('SELECT status FROM follow_up WHERE id = ? FOR UPDATE', [id]);
      if (!f) throw new NotFoundError('follow-up');
      if (f.status !== 'open') throw new ConflictError('FOLLOW_UP_CLOSED', `this follow-up is already ${f.status}`);
      const note = input.note?.trim() ? input.note.trim().slice(0, 4000) : null;
      await c.sql.run("UPDATE follow_up SET status = 'done', outcome = ?, note = ?, doneAt = ?, doneBy = ?, attempts = attempts + 1 WHERE id = ?", [input.outcome, note, c.now, p.agentId, id]);
      c.events.push({ type: 'followup.done', data: { followUpId: id, outcome: input.outcome, note } });
    });
    const [row] = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`${SELECT_VIEW} WHERE f.id = ?`, [id]));
    return followUpView(row!);
  }
}

function followUpView(r: Record<string, unknown>): FollowUpView {
  const iso = (v: unknown) => (v === null || v === undefined ? null : toDate(v).toISOString());
  return {
    id: Number(r.id), ticketId: Number(r.ticketId), ticketNumber: String(r.ticketNumber), subject: String(r.subject), departmentId: Number(r.departmentId),
    assigneeId: r.assigneeId === null ? null : Number(r.assigneeId), reason: r.reason as FollowUpReason,
    surveyId: r.surveyId === null ? null : Number(r.surveyId), rating: r.rating === null || r.rating === undefined ? null : Number(r.rating),
    status: r.status as FollowUpStatus, channel: (r.channel as string | null) ?? null, script: (r.script as string | null) ?? null,
    dueAt: iso(r.dueAt)!, createdAt: iso(r.createdAt)!, doneAt: iso(r.doneAt), doneBy: r.doneBy === null ? null : Number(r.doneBy),
    outcome: (r.outcome as string | null) ?? null, note: (r.note as string | null) ?? null,
  };
}
