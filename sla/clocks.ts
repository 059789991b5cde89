import { addWorkingMinutes, workingMinutesBetween, type BusinessCalendar } from './calendar.js';
import type { SlaTargets } from './policy.js';

/**
 * The three SLA clocks of a ticket as pure state transitions (ARCHITECTURE §5), with `at` always
 * given: first response runs from creation to the first public agent response; next response runs
 * from the oldest unanswered member message; resolution runs while new/open, pauses in
 * pending/on_hold, stops when solved/closed/merged and resumes (not restarts) on reopen.
 */
export const METRICS = ['first_response', 'next_response', 'resolution'] as const;
export type Metric = (typeof METRICS)[number];
export type AlertKind = 'warning' | 'breach';

/** Which warnings and breaches have fired for the current period of each clock. */
export const ALERT_BITS: Record<Metric, Record<AlertKind, number>> = {
  first_response: { warning: 1, breach: 2 },
  next_response: { warning: 4, breach: 8 },
  resolution: { warning: 16, breach: 32 },
};

export interface ClockState {
  createdAt: Date;
  status: string;
  firstResponseAt: Date | null;
  nextResponseSince: Date | null;
  nextResponseCycle: number;
  resolutionElapsedSeconds: number;
  resolutionRunningSince: Date | null;
  alerted: number;
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  firstResponseBreached: boolean;
  nextResponseBreached: boolean;
  resolutionBreached: boolean;
}

export type ClockEvent =
  | { type: 'member_message'; at: Date }
  /** The first public agent response (reply or outbound call). */
  | { type: 'first_response'; at: Date }
  /** Any public agent response: answers whatever the member was waiting for. */
  | { type: 'agent_response'; at: Date }
  | { type: 'status'; from: string; to: string; at: Date };

const RUNNING = new Set(['new', 'open']);
const ENDED = new Set(['solved', 'closed', 'merged']);

/** A ticket created at `at`: first response and resolution start running. */
export function initialState(at: Date, status = 'new'): ClockState {
  return {
    createdAt: at, status, firstResponseAt: null, nextResponseSince: null, nextResponseCycle: 0,
    resolutionElapsedSeconds: 0, resolutionRunningSince: RUNNING.has(status) ? at : null, alerted: 0,
    firstResponseMinutes: null, resolutionMinutes: null,
    firstResponseBreached: false, nextResponseBreached: false, resolutionBreached: false,
  };
}

export function applyClockEvent(s: ClockState, e: ClockEvent, cal: BusinessCalendar): ClockState {
  const next = { ...s };
  switch (e.type) {
    case 'member_message':
      // Before the first response the first-response clock already covers the member's wait.
      if (next.firstResponseAt && !next.nextResponseSince && !ENDED.has(next.status)) {
        next.nextResponseSince = e.at;
        next.nextResponseCycle += 1;
        next.alerted &= ~(ALERT_BITS.next_response.warning | ALERT_BITS.next_response.breach);
      }
      return next;
    case 'first_response':
      if (next.firstResponseMinutes === null) {
        next.firstResponseAt = e.at;
        next.firstResponseMinutes = Math.round(workingMinutesBetween(cal, next.createdAt, e.at));
      }
      return next;
    case 'agent_response':
      next.nextResponseSince = null;
      return next;
    case 'status': {
      next.status = e.to;
      if (RUNNING.has(e.to)) {
        // Resumes with the minutes already used: a reopened ticket does not get a fresh target.
        if (!next.resolutionRunningSince) next.resolutionRunningSince = e.at;
        if (ENDED.has(e.from)) next.resolutionMinutes = null;
      } else {
        if (next.resolutionRunningSince) {
          next.resolutionElapsedSeconds += Math.round(workingMinutesBetween(cal, next.resolutionRunningSince, e.at) * 60);
          next.resolutionRunningSince = null;
        }
        if (ENDED.has(e.to)) {
          next.resolutionMinutes = Math.round(next.resolutionElapsedSeconds / 60);
          next.nextResponseSince = null;
        }
      }
      return next;
    }
  }
}

export interface MetricClock {
  /** When the target is reached (null: not running now). */
  dueAt: Date | null;
  warnAt: Date | null;
  /** Period of the clock, for next response; 0 for the others. */
  cycle: number;
}

export type Deadlines = Record<Metric, MetricClock>;

/** Deadlines of the running clocks under the given targets and calendar. */
export function computeDeadlines(s: ClockState, t: SlaTargets | null, cal: BusinessCalendar): Deadlines {
  const none = (cycle = 0): MetricClock => ({ dueAt: null, warnAt: null, cycle });
  const out: Deadlines = { first_response: none(), next_response: none(s.nextResponseCycle), resolution: none() };
  if (!t) return out;
  const ended = ENDED.has(s.status);
  const warnShare = Math.min(Math.max(t.warningPercent, 1), 100) / 100;
  const clock = (start: Date, usedMinutes: number, target: number, cycle: number): MetricClock => ({
    dueAt: addWorkingMinutes(cal, start, Math.max(0, target - usedMinutes)),
    warnAt: addWorkingMinutes(cal, start, Math.max(0, target * warnShare - usedMinutes)),
    cycle,
  });
  if (t.firstResponseMinutes !== null && !s.firstResponseAt && !ended) {
    out.first_response = clock(s.createdAt, 0, t.firstResponseMinutes, 0);
  }
  if (t.nextResponseMinutes !== null && s.nextResponseSince && !ended) {
    out.next_response = clock(s.nextResponseSince, 0, t.nextResponseMinutes, s.nextResponseCycle);
  }
  if (t.resolutionMinutes !== null && s.resolutionRunningSince) {
    out.resolution = clock(s.resolutionRunningSince, s.resolutionElapsedSeconds / 60, t.resolutionMinutes, 0);
  }
  return out;
}

export interface DueAlert { metric: Metric; kind: AlertKind; cycle: number; dueAt: Date }

/** Warnings and breaches due at `now` that have not fired yet, breaches after their warnings. */
export function dueAlerts(s: ClockState, d: Deadlines, now: Date): DueAlert[] {
  const out: DueAlert[] = [];
  for (const metric of METRICS) {
    const c = d[metric];
    if (!c.dueAt || !c.warnAt) continue;
    const bits = ALERT_BITS[metric];
    const breached = c.dueAt.getTime() <= now.getTime();
    // A clock already past its deadline gets no separate warning: the breach says more.
    if (!breached && !(s.alerted & bits.warning) && c.warnAt.getTime() <= now.getTime()) out.push({ metric, kind: 'warning', cycle: c.cycle, dueAt: c.dueAt });
    if (breached && !(s.alerted & bits.breach)) out.push({ metric, kind: 'breach', cycle: c.cycle, dueAt: c.dueAt });
  }
  return out;
}

/** The state after recording alerts: bits set, breached flags (statistics) raised. */
export function markAlerted(s: ClockState, alerts: DueAlert[]): ClockState {
  const next = { ...s };
  for (const a of alerts) {
    next.alerted |= ALERT_BITS[a.metric][a.kind];
    if (a.kind === 'breach') {
      if (a.metric === 'first_response') next.firstResponseBreached = true;
      if (a.metric === 'next_response') next.nextResponseBreached = true;
      if (a.metric === 'resolution') next.resolutionBreached = true;
    }
  }
  return next;
}

/** When the scheduler must look at the ticket next: the earliest pending warning, deadline or escalation step. */
export function nextCheckAt(s: ClockState, d: Deadlines, escalationDueAt: Date | null): Date | null {
  let best: number | null = escalationDueAt ? escalationDueAt.getTime() : null;
  const consider = (t: Date | null) => { if (t && (best === null || t.getTime() < best)) best = t.getTime(); };
  for (const metric of METRICS) {
    const bits = ALERT_BITS[metric];
    const c = d[metric];
    if (!(s.alerted & bits.breach)) {
      if (!(s.alerted & bits.warning)) consider(c.warnAt);
      consider(c.dueAt);
    }
  }
  return best === null ? null : new Date(best);
}

/** Remaining working minutes to a deadline (negative once overdue), for the API. */
export function remainingMinutes(cal: BusinessCalendar, dueAt: Date, now: Date): number {
  return dueAt.getTime() >= now.getTime()
    ? Math.round(workingMinutesBetween(cal, now, dueAt) * 10) / 10
    : -Math.round(workingMinutesBetween(cal, dueAt, now) * 10) / 10;
}

/** The running clock due first (breached ones included: they head the queue), for the console's order and badge. */
export function earliestClock(d: Deadlines): MetricClock | null {
  let best: MetricClock | null = null;
  for (const metric of METRICS) {
    const c = d[metric];
    if (c.dueAt && (!best || c.dueAt.getTime() < best.dueAt!.getTime())) best = c;
  }
  return best;
}
