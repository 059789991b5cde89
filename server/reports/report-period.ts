/**
 * Periods and trend buckets of the reports, pure: a period is [from, to) in instants; date-only and
 * offset-less parameters are wall times in the report's time zone (UTC unless `tz` says otherwise);
 * day, week (Monday first) and month buckets are the calendar units of that zone.
 */

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 400;

/** A date (2026-03-01), or a date and time with optional seconds, milliseconds and offset (2026-03-01T08:00, …T08:00:00.000Z). */
export const DATE_PARAM_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';
const DATE_PARAM = new RegExp(DATE_PARAM_PATTERN);

import { addDays, instantOf, isTimeZone, localAt, type LocalDate } from '../../sla/zone.js';

export { addDays, instantOf, isTimeZone, localAt, type LocalDate };

// ── parameters ───────────────────────────────────────────────────────────────

/** A date or date-time parameter as an instant; null when it is no real date (2026-02-30, 25:00). */
export function parseDateParam(value: string, tz: string): number | null {
  if (!DATE_PARAM.test(value)) return null;
  const [date, time] = value.split('T') as [string, string | undefined];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || year < 1970) return null;
  if (time === undefined) return instantOf(tz, { year, month, day });
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(time)!;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3] ?? 0);
  const ms = Number((m[4] ?? '0').padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return null;
  const zone = m[5];
  if (zone === undefined) return instantOf(tz, { year, month, day, hour, minute, second, ms });
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
  if (oh > 23 || om > 59) return null;
  return wall - sign * (oh * 60 + om) * 60_000;
}

export type PeriodProblem = 'from' | 'to' | 'reversed' | 'too_long';

/**
 * The period asked for: both ends given, one (the other is 30 days away), or neither (the 30 local
 * days ending with today: from 29 days before today's midnight to tomorrow's midnight).
 */
export function resolvePeriod(q: { from?: string; to?: string }, tz: string, nowMs: number): { from: number; to: number } | { problem: PeriodProblem } {
  const from = q.from !== undefined ? parseDateParam(q.from, tz) : undefined;
  const to = q.to !== undefined ? parseDateParam(q.to, tz) : undefined;
  if (from === null) return { problem: 'from' };
  if (to === null) return { problem: 'to' };
  const shift = (ms: number, days: number) => {
    const l = localAt(tz, ms);
    return instantOf(tz, { ...l, ...addDays(l, days) });
  };
  let f: number;
  let t: number;
  if (from !== undefined && to !== undefined) [f, t] = [from, to];
  else if (to !== undefined) [f, t] = [shift(to, -DEFAULT_PERIOD_DAYS), to];
  else if (from !== undefined) [f, t] = [from, shift(from, DEFAULT_PERIOD_DAYS)];
  else {
    const tomorrow = addDays(localAt(tz, nowMs), 1);
    t = instantOf(tz, tomorrow);
    f = instantOf(tz, addDays(tomorrow, -DEFAULT_PERIOD_DAYS));
  }
  if (f >= t) return { problem: 'reversed' };
  // One hour of slack: 400 local days may hold a DST change.
  if (t - f > MAX_PERIOD_DAYS * DAY_MS + 3_600_000) return { problem: 'too_long' };
  return { from: f, to: t };
}

// ── buckets ──────────────────────────────────────────────────────────────────

/** The local calendar date starting the day, week (Monday) or month that holds `ms`. */
function unitStart(tz: string, ms: number, interval: Interval): LocalDate {
  const l = localAt(tz, ms);
  if (interval === 'month') return { year: l.year, month: l.month, day: 1 };
  if (interval === 'day') return { year: l.year, month: l.month, day: l.day };
  const weekday = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay(); // 0 = Sunday
  return addDays({ year: l.year, month: l.month, day: l.day }, -((weekday + 6) % 7));
}

function nextUnit(d: LocalDate, interval: Interval): LocalDate {
  if (interval === 'day') return addDays(d, 1);
  if (interval === 'week') return addDays(d, 7);
  return d.month === 12 ? { year: d.year + 1, month: 1, day: 1 } : { year: d.year, month: d.month + 1, day: 1 };
}

/**
 * Start instants of every calendar day/week/month of `tz` that overlaps [from, to), ascending. The
 * first may start before `from` and the last end after `to`: such a bucket counts only what falls in
 * the period.
 */
export function bucketStarts(from: number, to: number, interval: Interval, tz: string): number[] {
  const out: number[] = [];
  let d = unitStart(tz, from, interval);
  for (let start = instantOf(tz, d); start < to; d = nextUnit(d, interval), start = instantOf(tz, d)) {
    if (out.length && start <= out[out.length - 1]!) throw new Error(`bucket boundaries do not advance in ${tz}`);
    out.push(start);
  }
  return out;
}

/** Index of the bucket holding `ms` (the last start ≤ ms), or -1 before the first. */
export function bucketIndex(starts: readonly number[], ms: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= ms) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** The local calendar date of an instant as YYYY-MM-DD (file names, CSV). */
export function localDateText(tz: string, ms: number): string {
  const l = localAt(tz, ms);
  return `${String(l.year).padStart(4, '0')}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/**
 * SQL that numbers the bucket holding `column`'s value: a binary search over the bucket starts as nested
 * CASE expressions (⌈log2 n⌉ comparisons a row, for any zone and interval), with its `?` parameters in
 * order. Values before the second start are bucket 0: the caller's WHERE keeps them inside the period.
 */
export function bucketCase(column: string, starts: readonly number[]): { sql: string; params: Date[] } {
  const params: Date[] = [];
  const build = (lo: number, hi: number): string => {
    if (lo >= hi) return String(lo);
    const mid = (lo + hi + 1) >> 1;
    params.push(new Date(starts[mid]!));
    const left = build(lo, mid - 1);
    const right = build(mid, hi);
    return `CASE WHEN ${column} < ? THEN ${left} ELSE ${right} END`;
  };
  const sql = build(0, Math.max(0, starts.length - 1));
  return { sql, params };
}
