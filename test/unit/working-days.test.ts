import { expect } from 'chai';
import { addWorkingDays, InvalidCalendarError, isWorkingDay, type BusinessCalendar, type WorkingPeriod } from '../../sla/index.js';

/*
 * Working-day arithmetic for follow-ups (docs/follow-ups.md). Expected instants are written with their
 * local offset. Weekdays: 2026-06-05 is a Friday, 2026-09-25 a Friday, 2026-10-01 a Thursday,
 * 2026-03-27 a Friday (Berlin springs forward on Sunday 2026-03-29), 2026-10-23 a Friday (falls back 10-25).
 */

const NINE_TO_SIX: WorkingPeriod[] = [['09:00', '18:00']];
const weekdays = (p: WorkingPeriod[]) => ({ mon: p, tue: p, wed: p, thu: p, fri: p });

const SHANGHAI: BusinessCalendar = { timezone: 'Asia/Shanghai', weekly: weekdays(NINE_TO_SIX) };
/** National Day 10-01 … 10-07 closed; make-up working Sun 09-27 and Sat 10-10. */
const SHANGHAI_2026: BusinessCalendar = {
  timezone: 'Asia/Shanghai', weekly: weekdays(NINE_TO_SIX),
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  specialDays: { '2026-09-27': NINE_TO_SIX, '2026-10-10': NINE_TO_SIX },
};
const BERLIN: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: weekdays(NINE_TO_SIX) };
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('addWorkingDays', () => {
  it('skips the weekend: Friday + 1 is Monday, + 7 is the Tuesday after next, at the same time of day', () => {
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-05T10:30:00+08:00'), 1))).to.equal(iso(at('2026-06-08T10:30:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-05T10:30:00+08:00'), 7))).to.equal(iso(at('2026-06-16T10:30:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-01T09:00:00+08:00'), 5))).to.equal(iso(at('2026-06-08T09:00:00+08:00')));
  });

  it('keeps milliseconds and counts from a weekend start to the following working days', () => {
    // Saturday 11:00: one working day later is Monday 11:00 (Sunday is not a working day).
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-06T11:00:00.250+08:00'), 1))).to.equal(iso(at('2026-06-08T11:00:00.250+08:00')));
  });

  it('moves a time outside the target day\'s hours to the next opening', () => {
    // Solved Friday 20:00: Monday 20:00 is after hours → Tuesday 09:00.
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-05T20:00:00+08:00'), 1))).to.equal(iso(at('2026-06-09T09:00:00+08:00')));
    // Solved 07:00: Monday 07:00 is before opening → Monday 09:00.
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-05T07:00:00+08:00'), 1))).to.equal(iso(at('2026-06-08T09:00:00+08:00')));
  });

  it('0 days: the start inside working time, else the next opening', () => {
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-05T10:00:00+08:00'), 0))).to.equal(iso(at('2026-06-05T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI, at('2026-06-06T10:00:00+08:00'), 0))).to.equal(iso(at('2026-06-08T09:00:00+08:00')));
  });

  it('skips Chinese public holidays and counts make-up working days (specialDays)', () => {
    // Fri 09-25 10:00 +1 → Sun 09-27 (make-up day) 10:00; +2 → Mon 09-28; +4 → Wed 09-30;
    // +5 → Thu 10-08 (National Day week closed); +7 → Sat 10-10 (make-up day); +8 → Mon 10-12.
    const start = at('2026-09-25T10:00:00+08:00');
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 1))).to.equal(iso(at('2026-09-27T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 2))).to.equal(iso(at('2026-09-28T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 4))).to.equal(iso(at('2026-09-30T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 5))).to.equal(iso(at('2026-10-08T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 7))).to.equal(iso(at('2026-10-10T10:00:00+08:00')));
    expect(iso(addWorkingDays(SHANGHAI_2026, start, 8))).to.equal(iso(at('2026-10-12T10:00:00+08:00')));
  });

  it('a special day with shorter hours: a time after its close moves to the next opening', () => {
    const cal: BusinessCalendar = { ...SHANGHAI_2026, specialDays: { '2026-09-27': [['09:00', '12:00']] } };
    // Fri 15:00 + 1 → Sun 09-27 15:00, after that day's 12:00 close → Mon 09-28 09:00.
    expect(iso(addWorkingDays(cal, at('2026-09-25T15:00:00+08:00'), 1))).to.equal(iso(at('2026-09-28T09:00:00+08:00')));
  });

  it('keeps the local time of day across a DST change (Berlin, spring forward and fall back)', () => {
    // Fri 27 March 10:00 CET (+01:00) + 1 → Mon 30 March 10:00 CEST (+02:00): 71 real hours, not 72.
    const spring = addWorkingDays(BERLIN, at('2026-03-27T10:00:00+01:00'), 1);
    expect(iso(spring)).to.equal(iso(at('2026-03-30T10:00:00+02:00')));
    expect(spring.getTime() - at('2026-03-27T10:00:00+01:00').getTime()).to.equal(71 * 3_600_000);
    // Fri 23 October 10:00 CEST + 1 → Mon 26 October 10:00 CET: 73 real hours.
    expect(iso(addWorkingDays(BERLIN, at('2026-10-23T10:00:00+02:00'), 1))).to.equal(iso(at('2026-10-26T10:00:00+01:00')));
  });

  it('an always-open calendar counts every day, in its zone', () => {
    expect(iso(addWorkingDays({ timezone: 'UTC', alwaysOpen: true }, at('2026-06-05T23:30:00Z'), 7))).to.equal('2026-06-12T23:30:00.000Z');
    // New York springs forward on Sunday 2026-03-08: Saturday 12:00 EST + 1 day = Sunday 12:00 EDT (23 h).
    expect(iso(addWorkingDays({ timezone: 'America/New_York', alwaysOpen: true }, at('2026-03-07T12:00:00-05:00'), 1))).to.equal(iso(at('2026-03-08T12:00:00-04:00')));
  });

  it('a start in a DST gap on the target day moves forward like the SLA maths (24×7 Berlin, 02:30 on 29 March)', () => {
    const r = addWorkingDays({ timezone: 'Europe/Berlin', alwaysOpen: true }, at('2026-03-28T02:30:00+01:00'), 1);
    expect(iso(r)).to.equal(iso(at('2026-03-29T03:30:00+02:00')));
  });

  it('refuses bad input', () => {
    expect(() => addWorkingDays(SHANGHAI, at('2026-06-05T10:00:00Z'), -1)).to.throw(RangeError);
    expect(() => addWorkingDays(SHANGHAI, at('2026-06-05T10:00:00Z'), 1.5)).to.throw(RangeError);
    expect(() => addWorkingDays(SHANGHAI, new Date(Number.NaN), 1)).to.throw(TypeError);
    expect(() => addWorkingDays({ timezone: 'Nowhere/City', weekly: {} }, at('2026-06-05T10:00:00Z'), 1)).to.throw(InvalidCalendarError);
  });

  it('isWorkingDay reads specialDays before holidays and weekly hours', () => {
    const day = (d: string) => Math.floor(Date.parse(`${d}T00:00:00Z`) / 86_400_000);
    expect(isWorkingDay(SHANGHAI_2026, day('2026-09-27'))).to.equal(true);
    expect(isWorkingDay(SHANGHAI_2026, day('2026-10-01'))).to.equal(false);
    expect(isWorkingDay(SHANGHAI_2026, day('2026-10-03'))).to.equal(false);
    expect(isWorkingDay(SHANGHAI_2026, day('2026-10-09'))).to.equal(true);
    expect(isWorkingDay({ ...SHANGHAI, specialDays: { '2026-06-08': [] } }, day('2026-06-08'))).to.equal(false);
  });
});
