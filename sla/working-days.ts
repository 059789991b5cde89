import { isWorkingTime, nextOpening, validateCalendar, InvalidCalendarError, type BusinessCalendar } from './calendar.js';
import { WEEKDAYS } from './calendar-validation.js';
import { offsetAt, wallToUtc } from './zone.js';

/**
 * Working-day arithmetic for follow-ups (回访, docs/follow-ups.md): "7 working days after the solve".
 * Pure: the calendar and the start are inputs, `now` is never read.
 *
 * A working day is a local date (in the calendar's zone) with any working hours: its specialDays entry
 * when there is one (a make-up working Saturday counts, `[]` does not), else not a holiday and its weekday
 * has hours. An always-open calendar has every day. The answer keeps the start's local time of day on the
 * target date; a time that falls outside that day's hours (or in a DST gap) moves to the next opening.
 */

const DAY = 86_400_000;
/** Consecutive non-working days after which the search gives up (a calendar with no hours at all). */
const MAX_CLOSED_DAYS = 2 * 366 + 7;

function dateText(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Whether local date `day` (days since 1970-01-01) has any working hours in the calendar. */
export function isWorkingDay(calendar: BusinessCalendar, day: number): boolean {
  if ('alwaysOpen' in calendar) return true;
  const text = dateText(day);
  const special = calendar.specialDays?.[text];
  if (special !== undefined) return special.length > 0;
  if (calendar.holidays?.includes(text)) return false;
  const weekday = WEEKDAYS[(((day + 3) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
  return (calendar.weekly[weekday] ?? []).length > 0;
}

/**
 * The same local time of day `days` working days after `start` (a whole number ≥ 0), in the calendar's
 * zone; outside that day's hours, the next opening. `days = 0`: `start` itself inside working time, else
 * the next opening.
 */
export function addWorkingDays(calendar: BusinessCalendar, start: Date, days: number): Date {
  const t = start instanceof Date ? start.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError('start must be a valid Date');
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number ≥ 0, got ${String(days)}`);
  const problems = validateCalendar(calendar);
  if (problems.length) throw new InvalidCalendarError(problems);
  const offset = offsetAt(calendar.timezone, t);
  const localMs = t + offset;
  let day = Math.floor(localMs / DAY);
  const timeOfDay = localMs - day * DAY;
  let closed = 0;
  for (let left = days; left > 0;) {
    day++;
    if (isWorkingDay(calendar, day)) { left--; closed = 0; } else if (++closed > MAX_CLOSED_DAYS) {
      throw new Error(`business calendar (${calendar.timezone}) has no working day after ${start.toISOString()}`);
    }
  }
  const at = new Date(wallToUtc(calendar.timezone, day * DAY + timeOfDay));
  return isWorkingTime(calendar, at) ? at : nextOpening(calendar, at);
}
