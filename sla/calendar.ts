import { parseClock, parseLocalDate, validateCalendar, WEEKDAYS } from './calendar-validation.js';

export { validateCalendar } from './calendar-validation.js';

/**
 * Business-calendar arithmetic for SLA deadlines (ARCHITECTURE §5): how many working minutes lie
 * between two instants, and which instant is N working minutes after another.
 *
 * Model. Opening hours are local wall-clock periods in the calendar's IANA zone. Each local date
 * turns into a short sorted list of UTC intervals [start, end) (half-open: at the closing instant
 * the desk is closed). Working time is REAL elapsed time inside those intervals, so a 01:00–04:00
 * period lasts 2 h on a spring-forward night and 4 h on a fall-back night.
 *
 * Speed. Nothing steps minute by minute: the walk goes interval by interval, day by day, and skips
 * whole weeks arithmetically when a week is "plain" (no holiday, special day or UTC-offset change
 * nearby), because such a week holds exactly the nominal weekly total. Zone offsets come from a
 * per-zone transition table built lazily with Intl (so the hot path makes no Intl calls), and each
 * local date's intervals are kept in a small LRU per calendar.
 *
 * All internal arithmetic is in integer milliseconds; minutes are converted once at the edges.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A local wall-clock period ["HH:MM", "HH:MM"]; the end may be "24:00". */
export type WorkingPeriod = [string, string];

export type BusinessCalendar =
  | { timezone: string; alwaysOpen: true }
  | {
      /** IANA zone, e.g. "Asia/Shanghai". */
      timezone: string;
      /** Periods per weekday, e.g. [["09:00","12:00"],["13:00","18:00"]]; missing day = closed. */
      weekly: Partial<Record<Weekday, WorkingPeriod[]>>;
      /** Local dates "YYYY-MM-DD" closed all day. */
      holidays?: string[];
      /** Local date → that day's hours; overrides weekly AND holidays ([] = closed). */
      specialDays?: Record<string, WorkingPeriod[]>;
    };

export const ALWAYS_OPEN_UTC: BusinessCalendar = { timezone: 'UTC', alwaysOpen: true };

/** Thrown when arithmetic is asked of a calendar that `validateCalendar` rejects. */
export class InvalidCalendarError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid business calendar: ${problems.join('; ')}`);
    this.name = 'InvalidCalendarError';
    this.problems = problems;
  }
}

const SECOND = 1_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/**
 * Slack around a local day/week when asking "is there an offset change near here". Real offsets
 * stay within ±15 h and a conversion looks one day either side, so two days covers everything.
 */
const NEAR = 2 * DAY;
/** Consecutive closed days after which `addWorkingMinutes` gives up instead of looping forever. */
const MAX_CLOSED_DAYS = 2 * 366 + 7;
const DAY_CACHE_SIZE = 1024;
const MODEL_CACHE_SIZE = 64;

// ---------------------------------------------------------------------------------------------
// Time zones: UTC offsets from Intl, turned into a lazily built transition table.
// ---------------------------------------------------------------------------------------------

/** An offset change: from `at` (UTC ms) on, local time = UTC + `offset` ms. */
interface Transition {
  readonly at: number;
  readonly offset: number;
}

/** A fixed slice of the UTC time line: the offset at its start and the changes inside it. */
interface ZoneChunk {
  readonly startOffset: number;
  readonly transitions: readonly Transition[];
}

/** 32 days: small enough that building a slice is cheap, large enough that lookups rarely cross one. */
const CHUNK_DAYS = 32;
const CHUNK = CHUNK_DAYS * DAY;
const MAX_CHUNKS_PER_ZONE = 4096;
const FORMATTED = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

class Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly chunks = new Map<number, ZoneChunk>();

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Offset (ms) in effect at UTC instant `t`. */
  offsetAt(t: number): number {
    const chunk = this.chunk(Math.floor(t / CHUNK));
    let offset = chunk.startOffset;
    for (const tr of chunk.transitions) {
      if (tr.at > t) break;
      offset = tr.offset;
    }
    return offset;
  }

  /** Whether the offset changes at some instant in (from, to]. */
  changesWithin(from: number, to: number): boolean {
    for (let i = Math.floor(from / CHUNK), last = Math.floor(to / CHUNK); i <= last; i++) {
      for (const tr of this.chunk(i).transitions) {
        if (tr.at > from && tr.at <= to) return true;
      }
    }
    return false;
  }

  /**
   * Samples the offset once a day and bisects each change to the second (Intl's resolution).
   * Real zones change at most a few times a year, so daily sampling only misses a pair of changes
   * within one day that cancel out — not something tzdb contains for the dates SLAs deal with.
   */
  private chunk(index: number): ZoneChunk {
    const cached = this.chunks.get(index);
    if (cached) return cached;
    const start = index * CHUNK;
    const samples: number[] = [];
    for (let i = 0; i <= CHUNK_DAYS; i++) samples.push(this.intlOffset(start + i * DAY));
    const transitions: Transition[] = [];
    for (let i = 0; i < CHUNK_DAYS; i++) {
      const after = samples[i + 1]!;
      if (samples[i] === after) continue;
      let lo = start + i * DAY;
      let hi = lo + DAY;
      while (hi - lo > SECOND) {
        const mid = lo + Math.floor((hi - lo) / (2 * SECOND)) * SECOND;
        if (this.intlOffset(mid) === after) hi = mid;
        else lo = mid;
      }
      transitions.push({ at: hi, offset: after });
    }
    const chunk: ZoneChunk = { startOffset: samples[0]!, transitions };
    // Unbounded history would only grow if someone walked centuries; forgetting is harmless.
    if (this.chunks.size >= MAX_CHUNKS_PER_ZONE) this.chunks.clear();
    this.chunks.set(index, chunk);
    return chunk;
  }

  /** The zone's offset at a whole-second instant, straight from Intl (slow: ~2 µs). */
  private intlOffset(t: number): number {
    // format() + a regex is ~4× faster than formatToParts(); the latter is the fallback for
    // output the regex does not expect (e.g. an era for years before 1).
    const m = FORMATTED.exec(this.format.format(t));
    if (m) {
      const year = +m[3]!;
      // Date.UTC reads years 0–99 as 1900–1999; only then pay for the exact setter.
      if (year >= 100) return Date.UTC(year, +m[1]! - 1, +m[2]!, +m[4]!, +m[5]!, +m[6]!) - t;
      return utcOfAnyYear(year, +m[1]!, +m[2]!, +m[4]!, +m[5]!, +m[6]!) - t;
    }
    const parts: Record<string, string> = {};
    for (const p of this.format.formatToParts(t)) parts[p.type] = p.value;
    let year = Number(parts.year);
    if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
    return utcOfAnyYear(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - t;
  }
}

/** Date.UTC for any year (Date.UTC maps 0–99 to 1900–1999); month is 1-based. */
function utcOfAnyYear(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

const zones = new Map<string, Zone>();

function zoneNamed(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new Zone(name);
    zones.set(name, zone);
  }
  return zone;
}

/**
 * The UTC instant of a local wall time (`wall` = the wall time written as if it were UTC).
 * - Gap (spring forward): no instant shows that wall time; keep the offset from before the gap,
 *   which moves it forward by the gap's length (Berlin 02:30 → 03:30 CEST), as Temporal's
 *   "compatible" disambiguation and most calendaring software do.
 * - Overlap (fall back): the wall time happens twice; `prefer` picks which. Periods start at the
 *   earlier and end at the later occurrence, so a period spanning the repeated hour contains it
 *   twice — the real time people work.
 */
function wallToUtc(zone: Zone, wall: number, prefer: 'earlier' | 'later'): number {
  const before = zone.offsetAt(wall - DAY);
  const after = zone.offsetAt(wall + DAY);
  if (before === after) return wall - before;
  const viaBefore = wall - before;
  const viaAfter = wall - after;
  const beforeFits = zone.offsetAt(viaBefore) === before;
  const afterFits = zone.offsetAt(viaAfter) === after;
  if (beforeFits && afterFits) {
    return prefer === 'earlier' ? Math.min(viaBefore, viaAfter) : Math.max(viaBefore, viaAfter);
  }
  if (afterFits) return viaAfter;
  return viaBefore; // fits before the change, or falls in a gap
}

// ---------------------------------------------------------------------------------------------
// Compiled calendars
// ---------------------------------------------------------------------------------------------

/** [start, end) in minutes after local midnight. */
type Span = readonly [number, number];
/** [start, end) in UTC ms. */
type Interval = readonly [number, number];

function compileSpans(periods: readonly WorkingPeriod[]): Span[] {
  return periods
    .map(([start, end]): Span => [parseClock(start, false)!, parseClock(end, true)!])
    .sort((a, b) => a[0] - b[0]);
}

/** First index in ascending `sorted` whose value is >= `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class ScheduleModel {
  private readonly zone: Zone;
  /** Index 0 = Monday. */
  private readonly weekly: ReadonlyArray<readonly Span[]>;
  /** Nominal working ms in a week without exceptions or offset changes. */
  private readonly weekMs: number;
  private readonly holidays: ReadonlySet<number>;
  private readonly special: ReadonlyMap<number, readonly Span[]>;
  /** Sorted local day numbers where the weekly pattern does not apply. */
  private readonly exceptionDays: readonly number[];
  /** Sorted special days that have hours: the only open days of a calendar with an empty week. */
  private readonly openSpecialDays: readonly number[];
  private readonly dayCache = new Map<number, readonly Interval[]>();

  constructor(calendar: Exclude<BusinessCalendar, { alwaysOpen: true }>) {
    this.zone = zoneNamed(calendar.timezone);
    this.weekly = WEEKDAYS.map((d) => compileSpans(calendar.weekly[d] ?? []));
    this.weekMs = this.weekly.flat().reduce((sum, [s, e]) => sum + (e - s) * MINUTE, 0);
    this.holidays = new Set((calendar.holidays ?? []).map((d) => parseLocalDate(d)!));
    const special = new Map<number, Span[]>();
    for (const [date, periods] of Object.entries(calendar.specialDays ?? {})) special.set(parseLocalDate(date)!, compileSpans(periods));
    this.special = special;
    this.exceptionDays = [...new Set([...this.holidays, ...special.keys()])].sort((a, b) => a - b);
    this.openSpecialDays = [...special].filter(([, spans]) => spans.length > 0).map(([d]) => d).sort((a, b) => a - b);
  }

  /** The working instant `amount` ms after `from` (the earliest such; 0 → the next opening). */
  advance(from: number, amount: number): number {
    let remaining = amount;
    let cursor = from;
    // Start a day early: the previous local date's last period can reach past `from` (24:00 ends,
    // fall-back nights).
    let day = this.localDay(from) - 1;
    let closedStreak = 0;
    for (;;) {
      if (this.weekMs === 0) {
        const next = this.nextOpenSpecialDay(day);
        if (next === undefined) throw this.noWorkingTime(from, 'the weekly hours are empty and no special day with hours follows');
        day = next;
      }
      // Strictly greater: when the amount ends exactly with a week, the answer is that week's last
      // closing instant, which only the interval walk can name.
      while (this.weekMs > 0 && remaining > this.weekMs && this.isPlainWeek(day)) {
        const offset = this.zone.offsetAt(day * DAY);
        if (cursor > day * DAY - offset) break;
        remaining -= this.weekMs;
        day += 7;
        cursor = day * DAY - offset;
      }
      const intervals = this.intervals(day);
      for (const [start, end] of intervals) {
        if (end <= cursor) continue;
        const at = start > cursor ? start : cursor;
        if (remaining <= end - at) return at + remaining;
        remaining -= end - at;
        cursor = end;
      }
      closedStreak = intervals.length === 0 ? closedStreak + 1 : 0;
      if (closedStreak > MAX_CLOSED_DAYS) throw this.noWorkingTime(from, `no opening in ${MAX_CLOSED_DAYS} consecutive days`);
      day++;
    }
  }

  /** Working ms in [from, to). */
  workingBetween(from: number, to: number): number {
    let total = 0;
    let cursor = from;
    let day = this.localDay(from) - 1;
    // A local day's intervals all start after day*DAY - NEAR, so later days cannot reach below `to`.
    while (day * DAY - NEAR < to) {
      if (this.weekMs === 0) {
        const next = this.nextOpenSpecialDay(day);
        if (next === undefined) break;
        day = next;
        if (day * DAY - NEAR >= to) break;
      }
      while (this.weekMs > 0 && this.isPlainWeek(day)) {
        const offset = this.zone.offsetAt(day * DAY);
        const weekStart = day * DAY - offset;
        const weekEnd = weekStart + 7 * DAY;
        if (cursor > weekStart || weekEnd > to) break;
        total += this.weekMs;
        cursor = weekEnd;
        day += 7;
      }
      for (const [start, end] of this.intervals(day)) {
        // Clipping against the cursor keeps an instant from counting twice where two local dates'
        // intervals overlap (only possible around an offset change at midnight).
        const a = start > cursor ? start : cursor;
        const b = end < to ? end : to;
        if (b > a) {
          total += b - a;
          cursor = b;
        }
      }
      day++;
    }
    return total;
  }

  isWorking(t: number): boolean {
    const day = this.localDay(t);
    for (let d = day - 1; d <= day + 1; d++) {
      for (const [start, end] of this.intervals(d)) if (start <= t && t < end) return true;
    }
    return false;
  }

  /** Local date (days since 1970-01-01 in the calendar's zone) of a UTC instant. */
  private localDay(t: number): number {
    return Math.floor((t + this.zone.offsetAt(t)) / DAY);
  }

  /** Seven local days from `day` follow the weekly pattern with one constant offset. */
  private isPlainWeek(day: number): boolean {
    const i = lowerBound(this.exceptionDays, day);
    if (i < this.exceptionDays.length && this.exceptionDays[i]! < day + 7) return false;
    return !this.zone.changesWithin(day * DAY - NEAR, (day + 7) * DAY + NEAR);
  }

  private nextOpenSpecialDay(day: number): number | undefined {
    return this.openSpecialDays[lowerBound(this.openSpecialDays, day)];
  }

  /** One local date's working intervals in UTC, sorted and merged (LRU-cached). */
  private intervals(day: number): readonly Interval[] {
    const cached = this.dayCache.get(day);
    if (cached) {
      // Re-insert so Map order is recency order and the oldest entry is first to go.
      this.dayCache.delete(day);
      this.dayCache.set(day, cached);
      return cached;
    }
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (index 3)
    const spans = this.special.get(day) ?? (this.holidays.has(day) ? [] : this.weekly[weekday]!);
    const result: Array<[number, number]> = [];
    const midnight = day * DAY;
    for (const [s, e] of spans) {
      const start = wallToUtc(this.zone, midnight + s * MINUTE, 'earlier');
      const end = wallToUtc(this.zone, midnight + e * MINUTE, 'later');
      if (end <= start) continue;
      // Around an offset change, neighbouring periods can map onto overlapping instants
      // (…–02:30 and 02:30–… on a fall-back night); merging keeps each instant counted once.
      const last = result[result.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else result.push([start, end]);
    }
    if (this.dayCache.size >= DAY_CACHE_SIZE) this.dayCache.delete(this.dayCache.keys().next().value!);
    this.dayCache.set(day, result);
    return result;
  }

  private noWorkingTime(from: number, why: string): Error {
    return new Error(`business calendar (${this.zone.name}) has no working time after ${new Date(from).toISOString()}: ${why}`);
  }
}

type Model = { alwaysOpen: true } | ScheduleModel;

// Calendars are values (the API hands out freshly parsed JSON each time), so besides identity
// they are cached by their JSON text; both caches assume a calendar object is never mutated.
const modelsByObject = new WeakMap<object, Model>();
const modelsByText = new Map<string, Model>();

function modelOf(calendar: BusinessCalendar): Model {
  const byObject = modelsByObject.get(calendar);
  if (byObject) return byObject;
  const text = JSON.stringify(calendar);
  let model = modelsByText.get(text);
  if (!model) {
    const problems = validateCalendar(calendar);
    if (problems.length) throw new InvalidCalendarError(problems);
    model = 'alwaysOpen' in calendar ? { alwaysOpen: true } : new ScheduleModel(calendar);
    if (modelsByText.size >= MODEL_CACHE_SIZE) modelsByText.delete(modelsByText.keys().next().value!);
    modelsByText.set(text, model);
  }
  modelsByObject.set(calendar, model);
  return model;
}

function instant(value: Date, name: string): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError(`${name} must be a valid Date`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * The instant at which `minutes` working minutes have elapsed since `start` (fractional minutes
 * allowed, rounded to the millisecond). Counting starts at the next opening when `start` is
 * outside working time. When the amount runs out exactly at a closing time the result is that
 * closing instant (Friday 18:00, not Monday 09:00) — the earliest instant with that much work
 * behind it. `minutes = 0` returns `start` inside working time, else the next opening.
 */
export function addWorkingMinutes(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  const from = instant(start, 'start');
  if (typeof minutes !== 'number' || !Number.isFinite(minutes)) throw new RangeError(`minutes must be a finite number, got ${String(minutes)}`);
  if (minutes < 0) throw new RangeError(`minutes must not be negative, got ${minutes}`);
  const amount = Math.round(minutes * MINUTE);
  const model = modelOf(calendar);
  if (model instanceof ScheduleModel) return new Date(model.advance(from, amount));
  return new Date(from + amount);
}

/** Working minutes in [from, to), exact (fractional, e.g. 90.5); 0 when `to` <= `from`. */
export function workingMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const a = instant(from, 'from');
  const b = instant(to, 'to');
  const model = modelOf(calendar);
  if (b <= a) return 0;
  if (model instanceof ScheduleModel) return model.workingBetween(a, b) / MINUTE;
  return (b - a) / MINUTE;
}

/** Whether `at` lies inside a working period (periods are [start, end): closed at the end). */
export function isWorkingTime(calendar: BusinessCalendar, at: Date): boolean {
  const t = instant(at, 'at');
  const model = modelOf(calendar);
  return model instanceof ScheduleModel ? model.isWorking(t) : true;
}

/** `at` itself inside working time, otherwise the start of the next working period. */
export function nextOpening(calendar: BusinessCalendar, at: Date): Date {
  return addWorkingMinutes(calendar, at, 0);
}
