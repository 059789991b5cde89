/**
 * Wall clocks of IANA time zones, pure (Intl only): what a zone's clock reads at an instant, and which instant
 * a wall time names. Shared by the working-day maths (sla/working-days.ts), the reports' periods and buckets
 * and the digest's schedule. (The SLA calendar compiles its own transition table for speed: sla/calendar.ts.)
 */

const DAY_MS = 86_400_000;

export interface LocalDate { year: number; month: number; day: number }
export interface LocalDateTime extends LocalDate { hour: number; minute: number; second: number; ms: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA zone name this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `tz` at an instant. */
export function localAt(tz: string, ms: number): LocalDateTime {
  if (tz === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second!, ms: ((ms % 1000) + 1000) % 1000 };
}

/** Offset of `tz` from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function offsetAt(tz: string, ms: number): number {
  if (tz === 'UTC') return 0;
  const l = localAt(tz, ms);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.ms) - ms;
}

/**
 * The instant a wall time of `tz` names (`wall`: that wall time written as if it were UTC). A wall time skipped
 * by a DST change is read with the offset before it (so it lands after the gap); a repeated one is its first
 * occurrence.
 */
export function wallToUtc(tz: string, wall: number): number {
  if (tz === 'UTC') return wall;
  // The offsets in force a day before and a day after (zones change at most once in between).
  const before = wall - offsetAt(tz, wall - DAY_MS);
  const after = wall - offsetAt(tz, wall + DAY_MS);
  const reads = (ms: number) => ms + offsetAt(tz, ms) === wall;
  const ok = [before, after].filter(reads).sort((a, b) => a - b);
  return ok[0] ?? before;
}

/** The instant of a local date (and time, midnight by default) in `tz`; see wallToUtc for gaps and repeats. */
export function instantOf(tz: string, t: LocalDate & Partial<LocalDateTime>): number {
  return wallToUtc(tz, Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0, t.ms ?? 0));
}

/** A calendar date moved by whole days (months and years roll over). */
export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}
