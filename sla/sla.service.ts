import type { Clock } from '../server/clock.js';
import { isDeadlock, isUniqueViolation, type Database } from '../server/db/database.js';
import type { Logger } from '../server/logger.js';
import { toDate, type SqlSession } from '../server/db/sql-session.js';
import type { NotificationPayload } from '../server/notify/notification.js';
import { TicketStore, type PendingEvent } from '../server/tickets/ticket.store.js';
import { workingMinutesBetween, type BusinessCalendar } from './calendar.js';
import {
  ALERT_BITS, METRICS, applyClockEvent, computeDeadlines, dueAlerts, initialState, markAlerted, nextCheckAt, remainingMinutes, earliestClock,
  type ClockEvent, type ClockState, type Deadlines, type DueAlert, type Metric,
} from './clocks.js';
import { matchPolicy, type PolicyRule } from './policy.js';
import type { ContactAgent, DepartmentSla, SlaConfig } from './sla-config.js';

/** The ticket columns SLA reads and writes, plus the member's tier. */
export interface SlaRow extends ClockState {
  id: number;
  number: string;
  subject: string;
  priority: string;
  type: string;
  category: string;
  channel: string;
  departmentId: number;
  tier: string;
  slaPolicyId: number | null;
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  escalationAlertId: number | null;
  escalationLevel: number;
  escalationDueAt: Date | null;
}

const COLUMNS = `t.id, t.number, t.subject, t.status, t.priority, t.type, t.category, t.channel, t.departmentId, t.createdAt, t.firstResponseAt,
  t.slaPolicyId, t.firstResponseDueAt, t.nextResponseDueAt, t.resolutionDueAt, t.nextResponseSince, t.nextResponseCycle,
  t.resolutionElapsedSeconds, t.resolutionRunningSince, t.slaAlerted, t.escalationAlertId, t.escalationLevel, t.escalationDueAt,
  t.firstResponseMinutes, t.resolutionMinutes, t.firstResponseBreached, t.nextResponseBreached, t.resolutionBreached, mb.tier AS tier`;

export interface SlaServiceOptions {
  db: Database;
  config: SlaConfig;
  clock: Clock;
  /** Which staff notification channels are configured (rows are only written for those). */
  channels: () => { slack: boolean; email: boolean };
  links: { ticketUrl(ticketId: number): string; ackUrl(alertId: number, agentId: number): string };
  log: Logger;
}

const ENDED = new Set(['solved', 'closed', 'merged']);
const RUNNING = new Set(['new', 'open']);
/** A ticket whose evaluation failed is looked at again after this long (an admin may fix its calendar). */
const RETRY_FAILED_MS = 5 * 60_000;
/** Ticket events that can change which policy applies or its calendar. */
const REMATCH = new Set(['ticket.created', 'priority.changed', 'department.changed', 'ticket.merged_from', 'triage.updated', 'triage.corrected']);

/**
 * SLA for one ticket at a time, inside the transaction of the change that touched it (the ticket
 * service's hook) or of the scheduler's claim: clocks, deadlines, warnings, breaches, escalation steps
 * and urgent-ticket alerts. Each alert row is unique per (ticket, metric, cycle, kind, level), so a
 * retry or a second process can never fire one twice.
 */
export class SlaService {
  private notificationsWritten = false;
  private earliestCheck: number | null = null;
  private fired: FiredAlert[] = [];

  constructor(private readonly o: SlaServiceOptions) {}

  /** Whether notification rows were written since the last call (the caller kicks the sender after commit). */
  takeNotificationsWritten(): boolean {
    const v = this.notificationsWritten;
    this.notificationsWritten = false;
    return v;
  }

  /** The earliest next check written since the last call, for the scheduler to wake by (after commit). */
  takeEarliestCheck(): Date | null {
    const v = this.earliestCheck;
    this.earliestCheck = null;
    return v === null ? null : new Date(v);
  }

  /**
   * Alerts inserted since the last call, for the console (after commit). A transaction that rolled
   * back and was retried inserted them twice here: the same alert is listed once.
   */
  takeFiredAlerts(): FiredAlert[] {
    const seen = new Set<string>();
    const out = this.fired.filter((a) => {
      const key = `${a.ticketId}:${a.metric}:${a.cycle}:${a.kind}:${a.level}`;
      return !seen.has(key) && (seen.add(key), true);
    });
    this.fired = [];
    return out;
  }

  async loadRows(sql: SqlSession, ids: number[]): Promise<SlaRow[]> {
    if (!ids.length) return [];
    const rows = await sql.rows<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM ticket t LEFT JOIN member mb ON mb.id = t.memberId WHERE t.id IN (${ids.map(() => '?').join(', ')})`, ids);
    return rows.map(parseRow);
  }

  /** The ticket service's hook: called in the change's transaction, after the ticket row was written. */
  async onTicketEvents(sql: SqlSession, ticketId: number, events: PendingEvent[], now: Date): Promise<void> {
    const [row] = await this.loadRows(sql, [ticketId]);
    if (!row) return;
    const clockEvents: ClockEvent[] = [];
    let rematch = false;
    let urgent = false;
    for (const e of events) {
      if (REMATCH.has(e.type)) rematch = true;
      if (e.type === 'message.received') clockEvents.push({ type: 'member_message', at: now });
      else if (e.type === 'first_response') clockEvents.push({ type: 'first_response', at: typeof e.data.at === 'string' ? new Date(e.data.at) : now });
      else if (e.type === 'message.sent' && e.data.visibility === 'public' && !e.data.automatic) clockEvents.push({ type: 'agent_response', at: now });
      else if (e.type === 'status.changed') clockEvents.push({ type: 'status', from: String(e.data.from), to: String(e.data.to), at: now });
      else if (e.type === 'ticket.merged') clockEvents.push({ type: 'status', from: String(e.data.from), to: 'merged', at: now });
      if ((e.type === 'ticket.created' && row.priority === 'urgent') || (e.type === 'priority.changed' && e.data.to === 'urgent')) urgent = true;
    }
    const created = events.some((e) => e.type === 'ticket.created');
    if (created) Object.assign(row, initialState(row.createdAt, row.status));
    if (!clockEvents.length && !rematch && !urgent) return;
    await this.evaluateGuarded(sql, row, now, { clockEvents, urgent });
  }

  /**
   * `evaluate` inside a savepoint. One ticket's failure (say, a calendar that can no longer place a
   * deadline) is rolled back for that ticket alone, logged, and looked at again later: it must neither
   * refuse a member's message nor stall the scheduler's whole batch. Deadlocks still abort the
   * transaction, which the caller retries.
   */
  async evaluateGuarded(sql: SqlSession, row: SlaRow, now: Date, change: { clockEvents?: ClockEvent[]; urgent?: boolean } = {}): Promise<number> {
    await sql.run('SAVEPOINT sla_evaluate');
    try {
      const fired = await this.evaluate(sql, row, now, change);
      await sql.run('RELEASE SAVEPOINT sla_evaluate');
      return fired;
    } catch (err) {
      if (isDeadlock(err)) throw err;
      await sql.run('ROLLBACK TO SAVEPOINT sla_evaluate');
      await sql.run('RELEASE SAVEPOINT sla_evaluate');
      this.o.log.error('sla evaluation failed; retrying this ticket later', { ticketId: row.id, error: String(err instanceof Error ? err.message : err) });
      await sql.run('UPDATE ticket SET nextSlaCheckAt = ? WHERE id = ?', [new Date(now.getTime() + RETRY_FAILED_MS), row.id]);
      return 0;
    }
  }

  /**
   * Brings one ticket up to date at `now`: breaches of deadlines that passed under the rules in force
   * until now, then the events, then whatever the new deadlines make due, escalation steps, and the
   * columns. Returns how many alerts fired.
   */
  private async evaluate(sql: SqlSession, row: SlaRow, now: Date, change: { clockEvents?: ClockEvent[]; urgent?: boolean } = {}): Promise<number> {
    const snap = await this.o.config.get(sql);
    const dept = snap.departments.get(row.departmentId);
    let state: ClockState = row;
    const events: PendingEvent[] = [];
    let fired = 0;
    const esc = { alertId: row.escalationAlertId, level: row.escalationLevel, dueAt: row.escalationDueAt };

    // Deadlines stored before this change that have already passed: they breached under the old rules.
    const stored: Record<Metric, Date | null> = { first_response: row.firstResponseDueAt, next_response: row.nextResponseDueAt, resolution: row.resolutionDueAt };
    const overdue: DueAlert[] = METRICS.filter((m) => stored[m] && stored[m]!.getTime() <= now.getTime() && !(state.alerted & ALERT_BITS[m].breach))
      .map((m) => ({ metric: m, kind: 'breach', cycle: m === 'next_response' ? state.nextResponseCycle : 0, dueAt: stored[m]! }));
    if (overdue.length) {
      fired += await this.fire(sql, row, dept, snap.agents, overdue, now, events, esc);
      state = markAlerted(state, overdue);
    }

    // A live ticket whose resolution clock never started (created before the SLA engine existed) starts from creation.
    if (!state.resolutionRunningSince && RUNNING.has(state.status) && state.resolutionElapsedSeconds === 0 && state.resolutionMinutes === null) {
      state = { ...state, resolutionRunningSince: state.createdAt };
    }
    const policy = matchPolicy(snap.policies, { type: row.type, category: row.category, priority: row.priority, channel: row.channel, tier: row.tier, departmentId: row.departmentId });
    const cal = this.o.config.calendarOf(snap, policy, row.departmentId);
    for (const e of change.clockEvents ?? []) state = applyClockEvent(state, e, cal);
    const deadlines = computeDeadlines(state, policy, cal);
    const due = dueAlerts(state, deadlines, now);
    if (due.length) {
      fired += await this.fire(sql, row, dept, snap.agents, due, now, events, esc);
      state = markAlerted(state, due);
    }
    if (esc.alertId !== null && esc.dueAt && esc.dueAt.getTime() <= now.getTime() && !ENDED.has(state.status)) {
      fired += await this.escalate(sql, row, dept, snap.agents, now, events, esc);
    }
    // A finished ticket needs no one else woken: the chain ends (the alert rows stay for the record), and
    // a breach after a reopen starts a new one.
    if (ENDED.has(state.status)) Object.assign(esc, { alertId: null, level: 0, dueAt: null });
    if (change.urgent && !ENDED.has(state.status)) fired += await this.urgent(sql, row, dept, snap.agents, now, events);
    if ((policy?.id ?? null) !== row.slaPolicyId) {
      events.unshift({ type: 'sla.policy_applied', data: { from: row.slaPolicyId, to: policy?.id ?? null, name: policy?.name ?? null, calendar: cal.timezone } });
    }
    await this.write(sql, row.id, state, policy, deadlines, esc);
    if (events.length) await new TicketStore(sql).insertEvents(row.id, { type: 'system', id: null }, events, now);
    return fired;
  }

  /**
   * Re-evaluates every live ticket under the current policies and calendars (after an admin changed
   * them), in batches of locked rows so a concurrent reply is never overwritten. Returns how many.
   */
  async recomputeLive(scope: { memberId?: number; departmentId?: number } = {}, batch = 200): Promise<number> {
    let after = 0;
    let total = 0;
    for (;;) {
      const n = await this.o.db.sqlTx(async (sql) => {
        const filters = [['memberId', scope.memberId], ['departmentId', scope.departmentId]].filter(([, v]) => v !== undefined) as Array<[string, number]>;
        const ids = (await sql.rows<{ id: number }>(
          `SELECT id FROM ticket WHERE id > ?${filters.map(([c]) => ` AND ${c} = ?`).join('')} AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY id LIMIT ${batch} FOR UPDATE`,
          [after, ...filters.map(([, v]) => v)]))
          .map((r) => Number(r.id));
        const now = this.o.clock.now();
        for (const row of await this.loadRows(sql, ids)) await this.evaluateGuarded(sql, row, now);
        if (ids.length) after = ids[ids.length - 1]!;
        return ids.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }

  /** The SLA view of one ticket (the caller has checked that it may see it). */
  async viewOf(ticketId: number): Promise<SlaView | null> {
    const [row] = await this.o.db.sqlTx((sql) => this.loadRows(sql, [ticketId]));
    return row ? this.view(row, this.o.clock.now()) : null;
  }

  /** The SLA part of a ticket's API view: policy, deadlines, remaining working minutes, breaches, statistics. */
  async view(row: SlaRow, now: Date): Promise<SlaView> {
    const snap = await this.o.config.get();
    const policy = row.slaPolicyId !== null ? snap.policies.find((p) => p.id === row.slaPolicyId) ?? null : null;
    const cal = this.o.config.calendarOf(snap, policy, row.departmentId);
    const clock = (dueAt: Date | null, breached: boolean) => ({
      dueAt: dueAt?.toISOString() ?? null,
      remainingMinutes: dueAt ? remainingMinutes(cal, dueAt, now) : null,
      breached: breached || (dueAt !== null && dueAt.getTime() <= now.getTime()),
    });
    return {
      policy: policy ? { id: policy.id, name: policy.name } : row.slaPolicyId !== null ? { id: row.slaPolicyId, name: null } : null,
      calendar: cal,
      firstResponse: { ...clock(row.firstResponseDueAt, row.firstResponseBreached), achievedAt: row.firstResponseAt?.toISOString() ?? null, workingMinutes: row.firstResponseMinutes },
      nextResponse: { ...clock(row.nextResponseDueAt, row.nextResponseBreached), waitingSince: row.nextResponseSince?.toISOString() ?? null },
      resolution: {
        ...clock(row.resolutionDueAt, row.resolutionBreached),
        paused: row.resolutionRunningSince === null && !ENDED.has(row.status) && policy?.resolutionMinutes != null,
        usedMinutes: Math.round((row.resolutionElapsedSeconds / 60 + (row.resolutionRunningSince ? workingMinutesBetween(cal, row.resolutionRunningSince, now) : 0)) * 10) / 10,
        workingMinutes: row.resolutionMinutes,
      },
      escalation: row.escalationAlertId !== null ? { alertId: row.escalationAlertId, level: row.escalationLevel, nextLevelAt: row.escalationDueAt?.toISOString() ?? null } : null,
    };
  }

  // ── alerts ───────────────────────────────────────────────────────────────

  private async fire(sql: SqlSession, row: SlaRow, dept: DepartmentSla | undefined, agents: Map<number, ContactAgent>, alerts: DueAlert[], now: Date, events: PendingEvent[], esc: Escalation): Promise<number> {
    let fired = 0;
    for (const a of alerts) {
      if (a.kind === 'warning') {
        const id = await this.insertAlert(sql, { ticketId: row.id, metric: a.metric, cycle: a.cycle, kind: 'warning', level: 0, departmentId: row.departmentId, contactAgentId: null, dueAt: a.dueAt, firedAt: now });
        if (id === null) continue;
        events.push({ type: 'sla.warning', data: { alertId: id, metric: a.metric, dueAt: a.dueAt.toISOString(), cycle: a.cycle } });
        fired++;
        continue;
      }
      const level = dept?.chain[0];
      const id = await this.insertAlert(sql, { ticketId: row.id, metric: a.metric, cycle: a.cycle, kind: 'breach', level: 1, departmentId: row.departmentId, contactAgentId: level?.agentId ?? null, dueAt: a.dueAt, firedAt: now });
      if (id === null) continue;
      fired++;
      events.push({ type: 'sla.breached', data: { alertId: id, metric: a.metric, dueAt: a.dueAt.toISOString(), cycle: a.cycle, level: 1, contactAgentId: level?.agentId ?? null, lagMs: now.getTime() - a.dueAt.getTime() } });
      if (level) await this.notifyContact(sql, row, dept!, agents.get(level.agentId), 1, { kind: 'sla.breached', alertId: id, metric: a.metric, dueAt: a.dueAt }, now);
      // A chain still running for an unacknowledged breach keeps its pace: restarting it at level 1
      // would let a ticket that keeps breaching never reach level 2. A new chain starts otherwise
      // (none running, or the last one reached its final level).
      if (esc.alertId === null || esc.dueAt === null) {
        esc.alertId = id;
        esc.level = 1;
        esc.dueAt = dept && dept.chain.length > 1 ? new Date(now.getTime() + level!.delayMinutes * 60_000) : null;
      }
    }
    return fired;
  }

  private async escalate(sql: SqlSession, row: SlaRow, dept: DepartmentSla | undefined, agents: Map<number, ContactAgent>, now: Date, events: PendingEvent[], esc: Escalation): Promise<number> {
    const [base] = await sql.rows<{ metric: string; cycle: number; dueAt: unknown; acknowledgedAt: unknown }>('SELECT metric, cycle, dueAt, acknowledgedAt FROM sla_alert WHERE id = ?', [esc.alertId]);
    const nextLevel = esc.level + 1;
    const level = dept?.chain[nextLevel - 1];
    if (!base || base.acknowledgedAt || !level) {
      esc.dueAt = null;
      return 0;
    }
    const metric = base.metric as Metric;
    const dueAt = base.dueAt ? toDate(base.dueAt) : null;
    const id = await this.insertAlert(sql, { ticketId: row.id, metric, cycle: Number(base.cycle), kind: 'breach', level: nextLevel, departmentId: row.departmentId, contactAgentId: level.agentId, dueAt, firedAt: now });
    esc.level = nextLevel;
    esc.dueAt = dept!.chain.length > nextLevel ? new Date(now.getTime() + level.delayMinutes * 60_000) : null;
    if (id === null) return 0;
    events.push({ type: 'sla.escalated', data: { alertId: id, breachAlertId: esc.alertId, metric, level: nextLevel, contactAgentId: level.agentId } });
    await this.notifyContact(sql, row, dept!, agents.get(level.agentId), nextLevel, { kind: 'sla.escalated', alertId: id, metric, dueAt }, now);
    return 1;
  }

  /** An urgent ticket: the department head hears of it at once, not only at a breach. */
  private async urgent(sql: SqlSession, row: SlaRow, dept: DepartmentSla | undefined, agents: Map<number, ContactAgent>, now: Date, events: PendingEvent[]): Promise<number> {
    const level = dept?.chain[0];
    const id = await this.insertAlert(sql, { ticketId: row.id, metric: 'ticket', cycle: 0, kind: 'urgent', level: 1, departmentId: row.departmentId, contactAgentId: level?.agentId ?? null, dueAt: null, firedAt: now });
    if (id === null) return 0;
    events.push({ type: 'sla.urgent_notified', data: { alertId: id, contactAgentId: level?.agentId ?? null } });
    if (level) await this.notifyContact(sql, row, dept!, agents.get(level.agentId), 1, { kind: 'ticket.urgent', alertId: id, metric: null, dueAt: null }, now);
    return 1;
  }

  /**
   * The alert's id, or null when it had fired already (the unique index says so). Only that duplicate
   * is tolerated: INSERT IGNORE would also swallow any other failure and lose the alert silently. A
   * refused statement does not end the transaction on either engine.
   */
  private async insertAlert(sql: SqlSession, a: AlertInsert): Promise<number | null> {
    try {
      const res = await sql.run('INSERT INTO sla_alert (ticketId, metric, cycle, kind, level, departmentId, contactAgentId, dueAt, firedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [a.ticketId, a.metric, a.cycle, a.kind, a.level, a.departmentId, a.contactAgentId, a.dueAt, a.firedAt]);
      this.fired.push({ ...a, alertId: res.insertId });
      return res.insertId;
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /**
   * Slack (the department's channel for level 1, else the contact's own Slack user) and email to the
   * contact, as notification rows sent after commit.
   */
  private async notifyContact(sql: SqlSession, row: SlaRow, dept: DepartmentSla, contact: ContactAgent | undefined, level: number, what: { kind: NotificationPayload['kind']; alertId: number; metric: Metric | null; dueAt: Date | null }, now: Date): Promise<void> {
    if (!contact || !contact.active) return;
    const channels = this.o.channels();
    const payload: NotificationPayload = {
      kind: what.kind, alertId: what.alertId, ticketId: row.id, ticketNumber: row.number, subject: row.subject, departmentName: dept.name,
      priority: row.priority, metric: what.metric, level, dueAt: what.dueAt?.toISOString() ?? null,
      contact: { agentId: contact.id, name: contact.name, slackUserId: contact.slackUserId, locale: contact.locale },
      ticketUrl: this.o.links.ticketUrl(row.id),
    };
    const slackTarget = level === 1 ? dept.slackChannel ?? contact.slackUserId : contact.slackUserId ?? dept.slackChannel;
    const rows: Array<[string, string, NotificationPayload]> = [];
    if (channels.slack && slackTarget) rows.push(['slack', slackTarget, payload]);
    if (channels.email) rows.push(['email', contact.email, { ...payload, ackUrl: this.o.links.ackUrl(what.alertId, contact.id) }]);
    for (const [channel, target, p] of rows) {
      await sql.run('INSERT INTO notification (channel, alertId, ticketId, agentId, target, payload, status, attempts, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [channel, what.alertId, row.id, contact.id, target, JSON.stringify(p), 'pending', now, now]);
      this.notificationsWritten = true;
    }
  }

  private async write(sql: SqlSession, id: number, s: ClockState, policy: PolicyRule | null, d: Deadlines, esc: Escalation): Promise<void> {
    const check = nextCheckAt(s, d, esc.dueAt);
    if (check && (this.earliestCheck === null || check.getTime() < this.earliestCheck)) this.earliestCheck = check.getTime();
    const head = earliestClock(d);
    await sql.run(`UPDATE ticket SET slaPolicyId = ?, firstResponseDueAt = ?, nextResponseDueAt = ?, resolutionDueAt = ?, nextSlaCheckAt = ?, slaDueAt = ?, slaWarnAt = ?,
      nextResponseSince = ?, nextResponseCycle = ?, resolutionElapsedSeconds = ?, resolutionRunningSince = ?, slaAlerted = ?,
      escalationAlertId = ?, escalationLevel = ?, escalationDueAt = ?, firstResponseMinutes = ?, resolutionMinutes = ?,
      firstResponseBreached = ?, nextResponseBreached = ?, resolutionBreached = ? WHERE id = ?`, [
      policy?.id ?? null, d.first_response.dueAt, d.next_response.dueAt, d.resolution.dueAt, check, head?.dueAt ?? null, head?.warnAt ?? null,
      s.nextResponseSince, s.nextResponseCycle, s.resolutionElapsedSeconds, s.resolutionRunningSince, s.alerted,
      esc.alertId, esc.level, esc.dueAt, s.firstResponseMinutes, s.resolutionMinutes,
      s.firstResponseBreached, s.nextResponseBreached, s.resolutionBreached, id]);
  }
}

interface Escalation { alertId: number | null; level: number; dueAt: Date | null }

interface AlertInsert {
  ticketId: number; metric: string; cycle: number; kind: 'warning' | 'breach' | 'urgent'; level: number; departmentId: number;
  contactAgentId: number | null; dueAt: Date | null; firedAt: Date;
}

/** An alert row written (warning, breach at a level, urgent ticket), as the console is told of it. */
export interface FiredAlert extends AlertInsert { alertId: number }

export interface SlaClockView { dueAt: string | null; remainingMinutes: number | null; breached: boolean }
export interface SlaView {
  policy: { id: number; name: string | null } | null;
  calendar: BusinessCalendar;
  firstResponse: SlaClockView & { achievedAt: string | null; workingMinutes: number | null };
  nextResponse: SlaClockView & { waitingSince: string | null };
  resolution: SlaClockView & { paused: boolean; usedMinutes: number; workingMinutes: number | null };
  escalation: { alertId: number; level: number; nextLevelAt: string | null } | null;
}

function parseRow(r: Record<string, unknown>): SlaRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : toDate(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id), number: String(r.number ?? ''), subject: String(r.subject), status: String(r.status), priority: String(r.priority),
    type: String(r.type), category: String(r.category), channel: String(r.channel), departmentId: Number(r.departmentId), tier: String(r.tier ?? 'standard'),
    createdAt: toDate(r.createdAt), firstResponseAt: date(r.firstResponseAt), slaPolicyId: num(r.slaPolicyId),
    firstResponseDueAt: date(r.firstResponseDueAt), nextResponseDueAt: date(r.nextResponseDueAt), resolutionDueAt: date(r.resolutionDueAt),
    nextResponseSince: date(r.nextResponseSince), nextResponseCycle: Number(r.nextResponseCycle ?? 0),
    resolutionElapsedSeconds: Number(r.resolutionElapsedSeconds ?? 0), resolutionRunningSince: date(r.resolutionRunningSince),
    alerted: Number(r.slaAlerted ?? 0), escalationAlertId: num(r.escalationAlertId), escalationLevel: Number(r.escalationLevel ?? 0), escalationDueAt: date(r.escalationDueAt),
    firstResponseMinutes: num(r.firstResponseMinutes), resolutionMinutes: num(r.resolutionMinutes),
    firstResponseBreached: Boolean(Number(r.firstResponseBreached)), nextResponseBreached: Boolean(Number(r.nextResponseBreached)), resolutionBreached: Boolean(Number(r.resolutionBreached)),
  };
}
