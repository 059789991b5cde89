import type { Weekday } from './calendar.js';

/**
 * Shape checks for a stored business calendar, plus the small parsers the arithmetic shares with
 * them (so "what is a valid time" is decided in one place). Kept apart from calendar.ts because
 * the API calls `validateCalendar` on request bodies without needing the arithmetic.
 */

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const CLOCK = /^(\d{2}):(\d{2})$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Minutes after local midnight for "HH:MM", or null when malformed. "24:00" is accepted only as
 * an end (midnight closing the day), because as a start it would describe the next day.
 */
export function parseClock(text: unknown, asEnd: boolean): number | null {
  if (typeof text !== 'string') return null;
  const m = CLOCK.exec(text);
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours === 24 && minutes === 0) return asEnd ? 1440 : null;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** Days since 1970-01-01 for a real calendar date "YYYY-MM-DD" (2026-02-30 is refused), else null. */
export function parseLocalDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = LOCAL_DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.round(d.getTime() / DAY_MS);
}

/** Whether the runtime's Intl knows the zone: the arithmetic can only use zones Intl can format. */
function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems of one day's list of periods; `where` names it in messages (e.g. `weekly.mon`). */
function periodProblems(where: string, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${where} must be a list of ["HH:MM", "HH:MM"] periods`];
  const problems: string[] = [];
  const valid: Array<{ start: number; end: number; label: string }> = [];
  value.forEach((period: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!Array.isArray(period) || period.length !== 2) {
      problems.push(`${at} must be a ["HH:MM", "HH:MM"] pair`);
      return;
    }
    const [startText, endText] = period as [unknown, unknown];
    const start = parseClock(startText, false);
    const end = parseClock(endText, true);
    if (start === null) problems.push(`${at}: start ${JSON.stringify(startText)} is not a HH:MM time (00:00–23:59)`);
    if (end === null) problems.push(`${at}: end ${JSON.stringify(endText)} is not a HH:MM time (00:00–24:00)`);
    if (start === null || end === null) return;
    if (end <= start) {
      problems.push(`${at}: end ${String(endText)} must be after start ${String(startText)}`);
      return;
    }
    valid.push({ start, end, label: `${String(startText)}–${String(endText)}` });
  });
  // Input order does not matter (the arithmetic sorts); touching periods (12:00 end, 12:00 start) are fine.
  valid.sort((a, b) => a.start - b.start);
  for (let i = 1; i < valid.length; i++) {
    const prev = valid[i - 1]!;
    const cur = valid[i]!;
    if (cur.start < prev.end) problems.push(`${where}: periods ${prev.label} and ${cur.label} overlap`);
  }
  return problems;
}

/**
 * Every problem of a stored calendar as a readable sentence; empty when it is valid. Reports all
 * problems at once so an admin fixes a calendar in one round trip.
 */
export function validateCalendar(value: unknown): string[] {
  if (!isRecord(value)) return ['calendar must be an object'];
  const problems: string[] = [];

  const tz = value.timezone;
  if (typeof tz !== 'string' || tz === '') {
    problems.push('timezone is required (an IANA name such as "Asia/Shanghai")');
  } else if (!isKnownTimeZone(tz)) {
    problems.push(`timezone ${JSON.stringify(tz)} is not a known IANA time zone`);
  }

  if ('alwaysOpen' in value) {
    if (value.alwaysOpen !== true) problems.push('alwaysOpen must be true when present');
    for (const key of Object.keys(value)) {
      if (key !== 'timezone' && key !== 'alwaysOpen') {
        problems.push(`${key} is not allowed on an alwaysOpen calendar (it would be ignored)`);
      }
    }
    return problems;
  }

  for (const key of Object.keys(value)) {
    if (!['timezone', 'weekly', 'holidays', 'specialDays'].includes(key)) problems.push(`unknown field ${JSON.stringify(key)}`);
  }

  if (!isRecord(value.weekly)) {
    problems.push('weekly must be an object of weekday → periods (or set alwaysOpen: true)');
  } else {
    for (const [day, periods] of Object.entries(value.weekly)) {
      if (!(WEEKDAYS as readonly string[]).includes(day)) {
        problems.push(`weekly: unknown weekday ${JSON.stringify(day)} (expected one of ${WEEKDAYS.join(', ')})`);
        continue;
      }
      problems.push(...periodProblems(`weekly.${day}`, periods));
    }
    // Without a weekly opening every deadline eventually has no working time to land in, and the SLA
    // engine would fail for every ticket on this calendar; specialDays are exceptions, not a schedule.
    if (!Object.values(value.weekly).some((p) => Array.isArray(p) && p.length > 0)) {
      problems.push('weekly opens no day: give at least one weekday working hours (or set alwaysOpen: true)');
    }
  }

  if (value.holidays !== undefined) {
    if (!Array.isArray(value.holidays)) {
      problems.push('holidays must be a list of "YYYY-MM-DD" dates');
    } else {
      value.holidays.forEach((date: unknown, i) => {
        if (parseLocalDate(date) === null) problems.push(`holidays[${i}]: ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
      });
    }
  }

  if (value.specialDays !== undefined) {
    if (!isRecord(value.specialDays)) {
      problems.push('specialDays must be an object of "YYYY-MM-DD" → periods');
    } else {
      for (const [date, periods] of Object.entries(value.specialDays)) {
        if (parseLocalDate(date) === null) problems.push(`specialDays: key ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
        problems.push(...periodProblems(`specialDays[${JSON.stringify(date)}]`, periods));
      }
    }
  }
  return problems;
}
