import type { Principal } from '../agents/principal.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { toDate, type SqlSession } from '../db/sql-session.js';
import type { SurveyAnswerVia, SurveyChannel, SurveyStatus, SurveyView } from './survey.contract.js';
import { AppError, ConflictError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { FollowUps } from '../follow-ups/follow-up.service.js';
import type { Actor, ClaimedReply, SystemChangeContext, TicketService } from '../tickets/ticket.service.js';
import type { PendingEvent } from '../tickets/ticket.store.js';
import { ticketVisible } from '../tickets/ticket-access.js';
import { Message, Survey, Ticket, TicketEvent } from '../db/entities/index.js';
import type { EntityManager } from 'typeorm';
import { row } from '../db/row.js';
import type { SurveySettings } from './survey-settings.js';
import { SurveyLinks } from './survey-link.js';
import { answerAck, emailPrompt, parseRatingReply, replyPrompt, SURVEY_LINK_MARKER, surveyLocale, widgetPrompt } from './survey-texts.js';

export interface SurveyServiceDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  tickets: TicketService;
  links: SurveyLinks;
  settings: SurveySettings;
  followUps: FollowUps;
}

export type { SurveyView } from './survey.contract.js';

export interface AnswerInput { rating: number; comment?: string | null }

/** Why a link or answer is refused; stable codes the survey page and the widget switch on. */
export class SurveyError extends AppError {}

const invalidLink = () => new SurveyError('SURVEY_LINK_INVALID', 'this survey link is not valid: it may have been mistyped or altered', 400);

interface SurveyRow {
  id: number; ticketId: number; memberId: number; channel: SurveyChannel; status: SurveyStatus; nonce: string;
  solvedAt: Date; sendAt: Date; sentAt: Date | null; remindedAt: Date | null; expiresAt: Date | null; nextCheckAt: Date | null;
  rating: number | null; comment: string | null; answeredAt: Date | null; answeredVia: SurveyAnswerVia | null;
  agentId: number | null; departmentId: number; recordedBy: number | null; cancelReason: string | null; language: string | null;
}

const SURVEY_COLUMNS = 'id, ticketId, memberId, channel, status, nonce, solvedAt, sendAt, sentAt, remindedAt, expiresAt, nextCheckAt, rating, comment, answeredAt, answeredVia, agentId, departmentId, recordedBy, cancelReason, language';
const OPEN: readonly SurveyStatus[] = ['scheduled', 'sent'];
const SYSTEM: Actor = { type: 'system', id: null };
const MAX_COMMENT = 2000;

/**
 * Satisfaction surveys (docs/surveys.md). A solve schedules one survey (in the solve's transaction, through
 * the ticket service's event hook); a worker sends it on the ticket's own channel when due, reminds once,
 * and expires it. Answers come by the signed email link, the chat widget, a WeChat reply or an agent who
 * called; each is applied once, under the ticket's lock, and a low rating opens a follow-up (回访).
 */
export class SurveyService {
  private earliest: Date | null = null;

  constructor(private readonly d: SurveyServiceDeps) {}

  /** The earliest send/remind/expiry time written since the last call (the worker arms its timer for it). */
  takeEarliestCheck(): Date | null {
    const e = this.earliest;
    this.earliest = null;
    return e;
  }

  // ── inside the ticket's transaction ─────────────────────────────────────

  /** Hook on every ticket change: a solve schedules a survey; leaving `solved` for work (a reopen) or a merge cancels the unanswered one. */
  async onTicketEvents(sql: SqlSession, ticketId: number, events: PendingEvent[], now: Date): Promise<void> {
    for (const e of events) {
      // A suggestion solved by its decision is answered by that decision's message, not asked for a rating.
      if (e.type === 'status.changed' && e.data.to === 'solved' && e.data.reason !== 'suggestion_decided') await this.schedule(sql, ticketId, now);
      else if (e.type === 'status.changed' && e.data.from === 'solved' && e.data.to !== 'closed') await this.cancelOpen(sql, ticketId, 'reopened', now);
      else if (e.type === 'ticket.merged') await this.cancelOpen(sql, ticketId, 'merged', now);
    }
  }

  private async schedule(sql: SqlSession, ticketId: number, now: Date): Promise<void> {
    const [t] = await sql.rows<Record<string, unknown>>(
      'SELECT t.memberId, t.departmentId, t.assigneeId, t.category, t.type, t.channel, t.language, m.tier FROM ticket t JOIN member m ON m.id = t.memberId WHERE t.id = ?', [ticketId]);
    if (!t) return;
    // Attributed to the assignee, or to the agent who solved an unassigned ticket (the solve's event, just written).
    const [solver] = t.assigneeId === null || t.assigneeId === undefined
      ? await sql.rows<{ actorId: number | null }>("SELECT actorId FROM ticket_event WHERE ticketId = ? AND type = 'status.changed' AND actorType = 'agent' ORDER BY id DESC LIMIT 1", [ticketId])
      : [];
    const agentId = t.assigneeId ?? solver?.actorId ?? null;
    const channel = await this.channelFor(sql, String(t.channel) as SurveyChannel | 'phone', Number(t.memberId));
    const sendAt = new Date(now.getTime() + this.d.settings.delayMinutes * 60_000);
    await sql.run(
      'INSERT INTO survey (ticketId, memberId, channel, status, solvedAt, agentId, departmentId, category, type, ticketChannel, tier, language, sendAt, nextCheckAt, nonce, createdAt) '
        + "VALUES (?, ?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [ticketId, t.memberId, channel, now, agentId, t.departmentId, t.category, t.type, t.channel, t.tier, t.language ?? null, sendAt, sendAt, SurveyLinks.nonce(), now]);
    this.noteCheck(sendAt);
  }

  /** The channel the member used; a phone-only ticket gets the email link when an address is known, else an agent asks on a call. */
  private async channelFor(sql: SqlSession, ticketChannel: SurveyChannel | 'phone', memberId: number): Promise<SurveyChannel> {
    if (ticketChannel !== 'phone') return ticketChannel;
    const email = await sql.rows("SELECT memberId FROM member_identity WHERE memberId = ? AND kind = 'email'", [memberId]);
    return email.length ? 'email' : 'call';
  }

  private async cancelOpen(sql: SqlSession, ticketId: number, reason: string, now: Date): Promise<void> {
    const open = await sql.rows<{ id: number }>(`SELECT id FROM survey WHERE ticketId = ? AND status IN ('scheduled', 'sent') FOR UPDATE`, [ticketId]);
    if (!open.length) return;
    await sql.run(`UPDATE survey SET status = 'cancelled', cancelReason = ?, nextCheckAt = NULL WHERE ticketId = ? AND status IN ('scheduled', 'sent')`, [reason, ticketId]);
    // Recorded beside the change that caused it (the reopen's own events are already written).
    const events = open.map((s) => ({ type: 'survey.cancelled', data: { surveyId: Number(s.id), reason } }));
    await sql.run(`INSERT INTO ticket_event (ticketId, type, actorType, actorId, data, createdAt) VALUES ${events.map(() => "(?, ?, 'system', NULL, ?, ?)").join(', ')}`,
      events.flatMap((e) => [ticketId, e.type, JSON.stringify(e.data), now]));
  }

  // ── the worker's pass ─────────────────────────────────────────────────────

  /** Sends, reminds and expires what is due. Returns how long until the next known check (ms), or null. */
  async runDue(limit = 100): Promise<{ handled: number; nextInMs: number | null }> {
    const now = this.d.clock.now();
    const due = await this.d.db.sqlTx((sql) => sql.rows<{ id: number; ticketId: number }>(
      `SELECT id, ticketId FROM survey WHERE status IN ('scheduled', 'sent') AND nextCheckAt <= ? ORDER BY nextCheckAt LIMIT ${Number(limit)}`, [now]));
    let handled = 0;
    for (const s of due) {
      try {
        if (await this.d.tickets.systemChange(Number(s.ticketId), SYSTEM, (c) => this.advance(c, Number(s.id)))) handled++;
      } catch (err) {
        this.d.log.error('survey step failed', { surveyId: Number(s.id), error: String(err) });
      }
    }
    const [next] = await this.d.db.sqlTx((sql) => sql.rows<{ next: unknown }>("SELECT MIN(nextCheckAt) AS next FROM survey WHERE status IN ('scheduled', 'sent')"));
    const nextInMs = next?.next === null || next?.next === undefined ? null : Math.max(0, toDate(next.next).getTime() - this.d.clock.now().getTime());
    // A full batch: more may be due now, so run again at once.
    return { handled, nextInMs: due.length === limit ? 0 : nextInMs };
  }

  /** One survey's due step, with its ticket locked (another process may have done it already: then nothing). */
  private async advance(c: SystemChangeContext, surveyId: number): Promise<boolean> {
    const s = await this.lockSurvey(c.sql, surveyId);
    if (!s || !OPEN.includes(s.status) || !s.nextCheckAt || s.nextCheckAt.getTime() > c.now.getTime()) return false;
    if (s.status === 'scheduled') {
      if (c.ticket.status !== 'solved' && c.ticket.status !== 'closed') {
        await c.sql.run("UPDATE survey SET status = 'cancelled', cancelReason = 'not_solved', nextCheckAt = NULL WHERE id = ?", [s.id]);
        c.events.push({ type: 'survey.cancelled', data: { surveyId: s.id, reason: 'not_solved' } });
        return true;
      }
      const expiresAt = new Date(c.now.getTime() + this.d.settings.expiryDays * 86_400_000);
      const messageId = await this.ask(c, s, false);
      // No reminder on WeChat: an Official Account may only write within 48 h of the member's last message, and a chat
      // nudge reads as pestering; email and the widget get one.
      const remind = this.d.settings.reminderHours > 0 && s.channel !== 'call' && s.channel !== 'wechat' ? new Date(c.now.getTime() + this.d.settings.reminderHours * 3_600_000) : null;
      const next = remind && remind < expiresAt ? remind : expiresAt;
      await c.sql.run("UPDATE survey SET status = 'sent', sentAt = ?, expiresAt = ?, nextCheckAt = ? WHERE id = ?", [c.now, expiresAt, next, s.id]);
      c.events.push({ type: 'survey.sent', data: { surveyId: s.id, channel: s.channel, messageId, expiresAt: expiresAt.toISOString() } });
      this.noteCheck(next);
      return true;
    }
    if (s.expiresAt && s.expiresAt.getTime() <= c.now.getTime()) {
      await c.sql.run("UPDATE survey SET status = 'expired', nextCheckAt = NULL WHERE id = ?", [s.id]);
      c.events.push({ type: 'survey.expired', data: { surveyId: s.id } });
      return true;
    }
    if (!s.remindedAt && s.channel !== 'call' && s.channel !== 'wechat') {
      const messageId = await this.ask(c, s, true);
      await c.sql.run('UPDATE survey SET remindedAt = ?, nextCheckAt = ? WHERE id = ?', [c.now, s.expiresAt, s.id]);
      c.events.push({ type: 'survey.reminded', data: { surveyId: s.id, channel: s.channel, messageId } });
      if (s.expiresAt) this.noteCheck(s.expiresAt);
      return true;
    }
    await c.sql.run('UPDATE survey SET nextCheckAt = ? WHERE id = ?', [s.expiresAt, s.id]);
    return true;
  }

  /** The prompt on the survey's channel, as an automatic message with its delivery; a call survey waits for an agent (no message). */
  private async ask(c: SystemChangeContext, s: SurveyRow, reminder: boolean): Promise<number | null> {
    const base = { locale: surveyLocale(s.language), ticketNumber: c.ticket.number, reminder, expiryDays: this.d.settings.expiryDays };
    const meta = { survey: { id: s.id, reminder } };
    // The link itself is put in only when the delivery is sent (expandLink): the stored thread, which agents read, never holds it.
    const url = SURVEY_LINK_MARKER;
    switch (s.channel) {
      case 'email': return c.post({ channel: 'email', text: emailPrompt({ ...base, url }), meta });
      // The widget shows stars for a message carrying `survey`; the link serves a visitor who reads it by email.
      case 'webchat': return c.post({ channel: 'webchat', text: `${widgetPrompt(base)}\n${url}`, meta });
      case 'wechat': return c.post({ channel: 'wechat', text: replyPrompt(base), meta });
      case 'call': return null;
    }
  }

  /** At send time: the stored prompt's link marker becomes the member's signed link (for the delivery worker). */
  async expandLink(text: string, meta: Record<string, unknown> | null): Promise<string> {
    const id = (meta?.['survey'] as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'number' || !text.includes(SURVEY_LINK_MARKER)) return text;
    const [row] = await this.d.db.sqlTx((sql) => sql.rows<{ nonce: string }>('SELECT nonce FROM survey WHERE id = ?', [id]));
    return row ? text.split(SURVEY_LINK_MARKER).join(this.d.links.url(id, row.nonce)) : text;
  }

  /**
   * A survey's first prompt could not be delivered for good (a refused address; WeChat's 48-hour window): the survey
   * never reached the member, so it is withdrawn (`undeliverable`) and the response rate does not count it as sent.
   * A failed reminder changes nothing: the first prompt arrived. Runs in the delivery worker's transaction.
   */
  async onPromptUndeliverable(m: EntityManager, messageId: number, now: Date): Promise<void> {
    const message = await m.findOne(Message, { where: { id: messageId }, select: { id: true, ticketId: true, meta: true } });
    const ref = message?.meta?.['survey'] as { id?: unknown; reminder?: unknown } | undefined;
    if (!message || typeof ref?.id !== 'number' || ref.reminder === true) return;
    const survey = await m.findOne(Survey, { where: { id: ref.id, status: 'sent' }, select: { id: true } });
    if (!survey) return;
    await m.update(Survey, { id: survey.id }, { status: 'cancelled', cancelReason: 'undeliverable', nextCheckAt: null });
    await m.insert(TicketEvent, row<TicketEvent>({ ticketId: message.ticketId, type: 'survey.cancelled', actorType: 'system', actorId: null, data: { surveyId: ref.id, reason: 'undeliverable' }, createdAt: now }));
  }

  // ── answers ───────────────────────────────────────────────────────────────

  /** What the survey page shows for a link: the ticket it is about, or why it can no longer be answered. */
  async linkInfo(token: string): Promise<{ status: 'sent'; ticketNumber: string; subject: string; language: string | null; solvedAt: string }> {
    const ref = this.d.links.verify(token);
    if (!ref) throw invalidLink();
    const found = await this.d.db.sqlTx(async (sql) => {
      const [s] = await sql.rows<Record<string, unknown>>(`SELECT ${SURVEY_COLUMNS} FROM survey WHERE id = ?`, [ref.surveyId]);
      if (!s) return null;
      const [t] = await sql.rows<{ number: string; subject: string }>('SELECT number, subject FROM ticket WHERE id = ?', [s.ticketId]);
      return { s: surveyRow(s), t };
    });
    if (!found || found.s.nonce !== ref.nonce) throw invalidLink();
    assertAnswerable(found.s, this.d.clock.now());
    return { status: 'sent', ticketNumber: found.t?.number ?? '', subject: found.t?.subject ?? '', language: found.s.language, solvedAt: found.s.solvedAt.toISOString() };
  }

  async answerByLink(token: string, input: AnswerInput): Promise<{ status: 'answered'; rating: number }> {
    const ref = this.d.links.verify(token);
    if (!ref) throw invalidLink();
    return this.answer(ref.surveyId, input, { via: 'link', nonce: ref.nonce });
  }

  /** From the chat widget: only the survey's own member (the signed-in or cookie-identified visitor) may answer it. */
  async answerFromWidget(memberId: number, surveyId: number, input: AnswerInput): Promise<{ status: 'answered'; rating: number }> {
    return this.answer(surveyId, input, { via: 'widget', memberId });
  }

  /** An agent records what the member said on a follow-up call (a phone-only ticket, or a member who prefers to talk). */
  async recordByAgent(p: Principal, ticketId: number, surveyId: number, input: AnswerInput): Promise<{ status: 'answered'; rating: number }> {
    await this.assertVisible(p, ticketId);
    return this.answer(surveyId, input, { via: 'agent', agentId: p.agentId, ticketId });
  }

  private async answer(surveyId: number, input: AnswerInput, who: { via: SurveyAnswerVia; nonce?: string; memberId?: number; agentId?: number; ticketId?: number }): Promise<{ status: 'answered'; rating: number }> {
    const [ref] = await this.d.db.sqlTx((sql) => sql.rows<{ ticketId: number; memberId: number; nonce: string }>('SELECT ticketId, memberId, nonce FROM survey WHERE id = ?', [surveyId]));
    const mismatch = !ref || (who.nonce !== undefined && ref.nonce !== who.nonce) || (who.memberId !== undefined && Number(ref.memberId) !== who.memberId)
      || (who.ticketId !== undefined && Number(ref.ticketId) !== who.ticketId);
    if (mismatch) throw who.via === 'link' ? invalidLink() : new NotFoundError('survey', 'SURVEY_NOT_FOUND');
    const actor: Actor = who.via === 'agent' ? { type: 'agent', id: who.agentId! } : { type: 'member', id: Number(ref.memberId) };
    await this.d.tickets.systemChange(Number(ref.ticketId), actor, async (c) => {
      const s = await this.lockSurvey(c.sql, surveyId);
      if (!s) throw new NotFoundError('survey', 'SURVEY_NOT_FOUND');
      assertAnswerable(s, c.now);
      c.events.push(...(await this.apply(c.sql, s, input, who.via, who.agentId ?? null, c.now)));
    });
    return { status: 'answered', rating: input.rating };
  }

  /**
   * A WeChat message that answers the member's open WeChat survey ("5", "2，太慢了"), claimed inside the ingest
   * transaction: stored on the surveyed ticket, never a new ticket or a reopen. Anything else goes its usual way.
   */
  async claimReply(sql: SqlSession, c: { memberId: number; msg: { channel: string; text: string }; now: Date }): Promise<ClaimedReply | null> {
    if (c.msg.channel !== 'wechat') return null;
    const parsed = parseRatingReply(c.msg.text);
    if (!parsed) return null;
    const [open] = await sql.rows<{ id: number; ticketId: number }>(
      "SELECT id, ticketId FROM survey WHERE memberId = ? AND channel = 'wechat' AND status = 'sent' AND expiresAt > ? ORDER BY sentAt DESC, id DESC LIMIT 1", [c.memberId, c.now]);
    if (!open) return null;
    // A member in another live WeChat conversation may be answering that one's agent ("2" to "how many cards?"): not a rating.
    const live = await sql.rows(
      "SELECT id FROM ticket WHERE memberId = ? AND channel = 'wechat' AND status IN ('new', 'open', 'pending', 'on_hold') AND id <> ? LIMIT 1", [c.memberId, open.ticketId]);
    if (live.length) return null;
    // Ticket first, then survey: the order every survey change locks in.
    await sql.rows('SELECT id FROM ticket WHERE id = ? FOR UPDATE', [open.ticketId]);
    const s = await this.lockSurvey(sql, Number(open.id));
    if (!s || s.status !== 'sent' || (s.expiresAt && s.expiresAt.getTime() <= c.now.getTime())) return null;
    const events = await this.apply(sql, s, parsed, 'wechat', null, c.now);
    return { ticketId: s.ticketId, events, meta: { surveyAnswer: s.id }, ack: answerAck(surveyLocale(s.language), parsed.rating <= this.d.settings.lowRatingMax) };
  }

  /** Records the answer; a low one opens the department's follow-up and tells its head or supervisors. */
  private async apply(sql: SqlSession, s: SurveyRow, input: AnswerInput, via: SurveyAnswerVia, agentId: number | null, now: Date): Promise<PendingEvent[]> {
    const comment = input.comment?.trim() ? input.comment.trim().slice(0, MAX_COMMENT) : null;
    await sql.run("UPDATE survey SET status = 'answered', rating = ?, comment = ?, answeredAt = ?, answeredVia = ?, recordedBy = ?, nextCheckAt = NULL WHERE id = ?",
      [input.rating, comment, now, via, agentId, s.id]);
    const events: PendingEvent[] = [{ type: 'survey.answered', data: { surveyId: s.id, rating: input.rating, via, comment } }];
    if (input.rating <= this.d.settings.lowRatingMax) {
      // The low_rating follow-up rules decide whether, when and how (docs/follow-ups.md).
      const followUp = await this.d.followUps.openForLowRating(sql, { ticketId: s.ticketId, surveyId: s.id, rating: input.rating }, now);
      if (followUp) events.push({ type: 'followup.created', data: { followUpId: followUp.id, reason: 'low_rating', ruleId: followUp.ruleId, rating: input.rating, surveyId: s.id, dueAt: followUp.dueAt.toISOString() } });
    }
    return events;
  }

  // ── reads ─────────────────────────────────────────────────────────────────

  async listForTicket(p: Principal, ticketId: number): Promise<{ items: SurveyView[] }> {
    await this.assertVisible(p, ticketId);
    const rows = await this.d.db.sqlTx((sql) => sql.rows<Record<string, unknown>>(`SELECT ${SURVEY_COLUMNS} FROM survey WHERE ticketId = ? ORDER BY id DESC`, [ticketId]));
    return { items: rows.map((r) => view(surveyRow(r))) };
  }

  private async lockSurvey(sql: SqlSession, id: number): Promise<SurveyRow | null> {
    const [row] = await sql.rows<Record<string, unknown>>(`SELECT ${SURVEY_COLUMNS} FROM survey WHERE id = ? FOR UPDATE`, [id]);
    return row ? surveyRow(row) : null;
  }

  private async assertVisible(p: Principal, ticketId: number): Promise<void> {
    const ok = await this.d.db.read(async (m) => {
      const t = await m.findOne(Ticket, { where: { id: ticketId }, select: { id: true, departmentId: true, memberId: true } });
      return t !== null && (await ticketVisible(m, p, t));
    });
    if (!ok) throw new NotFoundError('ticket');
  }

  private noteCheck(at: Date): void {
    if (!this.earliest || at < this.earliest) this.earliest = at;
  }
}

/** Why a survey cannot take an answer now, as the member-facing codes. */
function assertAnswerable(s: SurveyRow, now: Date): void {
  if (s.status === 'answered') throw new SurveyError('SURVEY_ANSWERED', 'this survey has already been answered', 409, { rating: s.rating });
  if (s.status === 'cancelled') throw new SurveyError('SURVEY_CANCELLED', 'this survey was withdrawn because the request was reopened', 410, { reason: s.cancelReason });
  if (s.status === 'expired' || (s.expiresAt && s.expiresAt.getTime() <= now.getTime())) throw new SurveyError('SURVEY_EXPIRED', 'this survey link has expired', 410);
  if (s.status === 'scheduled') throw new ConflictError('SURVEY_NOT_SENT', 'this survey has not been sent yet');
}

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : toDate(v);
}

function surveyRow(r: Record<string, unknown>): SurveyRow {
  return {
    id: Number(r.id), ticketId: Number(r.ticketId), memberId: Number(r.memberId), channel: r.channel as SurveyChannel, status: r.status as SurveyStatus,
    nonce: String(r.nonce), solvedAt: toDate(r.solvedAt), sendAt: toDate(r.sendAt), sentAt: dateOrNull(r.sentAt), remindedAt: dateOrNull(r.remindedAt),
    expiresAt: dateOrNull(r.expiresAt), nextCheckAt: dateOrNull(r.nextCheckAt), rating: r.rating === null ? null : Number(r.rating),
    comment: (r.comment as string | null) ?? null, answeredAt: dateOrNull(r.answeredAt), answeredVia: (r.answeredVia as SurveyAnswerVia | null) ?? null,
    agentId: r.agentId === null ? null : Number(r.agentId), departmentId: Number(r.departmentId), recordedBy: r.recordedBy === null ? null : Number(r.recordedBy),
    cancelReason: (r.cancelReason as string | null) ?? null, language: (r.language as string | null) ?? null,
  };
}

function view(s: SurveyRow): SurveyView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: s.id, ticketId: s.ticketId, status: s.status, channel: s.channel, rating: s.rating, comment: s.comment,
    solvedAt: s.solvedAt.toISOString(), sendAt: s.sendAt.toISOString(), sentAt: iso(s.sentAt), remindedAt: iso(s.remindedAt),
    expiresAt: iso(s.expiresAt), answeredAt: iso(s.answeredAt), answeredVia: s.answeredVia, agentId: s.agentId, departmentId: s.departmentId,
    recordedBy: s.recordedBy, cancelReason: s.cancelReason,
  };
}
