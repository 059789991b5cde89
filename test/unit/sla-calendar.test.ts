import { expect } from 'chai';
import {
  addWorkingMinutes, ALWAYS_OPEN_UTC, InvalidCalendarError, isWorkingTime, nextOpening, validateCalendar,
  workingMinutesBetween, type BusinessCalendar, type WorkingPeriod,
} from '../../sla/index.js';
import { mulberry32 } from '../helpers/prng.js';

/*
 * Business-calendar arithmetic (ARCHITECTURE §5). Every expected instant below was worked out by
 * hand from the timeline in the test's comment and is written with its local offset, so a failure
 * reads as "expected Monday 09:30 +08:00, got …". Weekdays used: 2026-06-01 is a Monday,
 * 2026-10-01 a Thursday, 2026-03-29 / 2026-10-25 / 2026-03-08 / 2026-11-01 are Sundays.
 */

const NINE_TO_SIX: WorkingPeriod[] = [['09:00', '18:00']];
const SPLIT_SHIFT: WorkingPeriod[] = [['09:00', '12:00'], ['13:00', '18:00']];

function weekdays(periods: WorkingPeriod[]): Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri', WorkingPeriod[]>> {
  return { mon: periods, tue: periods, wed: periods, thu: periods, fri: periods };
}

/** Shanghai has no DST (+08:00 all year), so these timelines are plain wall-clock arithmetic. */
const SHANGHAI_9_TO_6: BusinessCalendar = { timezone: 'Asia/Shanghai', weekly: weekdays(NINE_TO_SIX) };
const SHANGHAI_SPLIT: BusinessCalendar = { timezone: 'Asia/Shanghai', weekly: weekdays(SPLIT_SHIFT) };

/** National Day week 2026-10-01 (Thu) … 10-07 (Wed) closed; make-up working Sun 09-27 and Sat 10-10. */
const SHANGHAI_2026: BusinessCalendar = {
  timezone: 'Asia/Shanghai',
  weekly: weekdays(SPLIT_SHIFT),
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  specialDays: { '2026-09-27': SPLIT_SHIFT, '2026-10-10': SPLIT_SHIFT },
};

/** Sunday night shift 01:00–04:00 wall time: spans both of 2026's DST changes in each zone. */
const BERLIN_SUNDAY_NIGHT: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: { sun: [['01:00', '04:00']] } };
const NEW_YORK_SUNDAY_NIGHT: BusinessCalendar = { timezone: 'America/New_York', weekly: { sun: [['01:00', '04:00']] } };

const BERLIN_9_TO_6: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: weekdays(NINE_TO_SIX) };
const NEW_YORK_9_TO_5: BusinessCalendar = { timezone: 'America/New_York', weekly: weekdays([['09:00', '17:00']]) };

const at = (iso: string): Date => new Date(iso);

/** Compares instants, printing ISO strings so a failure shows both sides readably. */
function expectInstant(actual: Date, expectedIso: string): void {
  expect(actual.toISOString()).to.equal(new Date(expectedIso).toISOString());
}

describe('business calendar: 24×7', () => {
  it('adds plain elapsed time', () => {
    expectInstant(addWorkingMinutes(ALWAYS_OPEN_UTC, at('2026-06-06T23:30:00Z'), 90), '2026-06-07T01:00:00Z');
    expect(workingMinutesBetween(ALWAYS_OPEN_UTC, at('2026-06-06T23:30:00Z'), at('2026-06-07T01:00:30Z'))).to.equal(90.5);
    expect(isWorkingTime(ALWAYS_OPEN_UTC, at('2026-06-07T03:00:00Z'))).to.equal(true);
    expectInstant(nextOpening(ALWAYS_OPEN_UTC, at('2026-06-07T03:00:00Z')), '2026-06-07T03:00:00Z');
  });

  it('counts real time across a DST change (Berlin 00:00 CET + 3 h = 04:00 CEST)', () => {
    const berlin: BusinessCalendar = { timezone: 'Europe/Berlin', alwaysOpen: true };
    expectInstant(addWorkingMinutes(berlin, at('2026-03-29T00:00:00+01:00'), 180), '2026-03-29T04:00:00+02:00');
  });
});

describe('business calendar: 09:00–18:00 on weekdays (Asia/Shanghai)', () => {
  it('starting before opening counts from 09:00: Mon 07:30 + 60 → Mon 10:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T07:30:00+08:00'), 60), '2026-06-01T10:00:00+08:00');
  });

  it('starting inside: Mon 10:15 + 120 → Mon 12:15', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T10:15:00+08:00'), 120), '2026-06-01T12:15:00+08:00');
  });

  it('crossing closing: Mon 17:00 + 120 → 60 on Monday, 60 on Tuesday → Tue 10:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T17:00:00+08:00'), 120), '2026-06-02T10:00:00+08:00');
  });

  it('starting after closing: Mon 19:00 + 30 → Tue 09:30', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T19:00:00+08:00'), 30), '2026-06-02T09:30:00+08:00');
  });

  it('Friday evening rolls to Monday: Fri 17:30 + 60 → 30 on Friday, weekend closed, Mon 09:30', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-05T17:30:00+08:00'), 60), '2026-06-08T09:30:00+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-06T12:00:00+08:00'), 60), '2026-06-08T10:00:00+08:00');
  });

  it('an amount that ends exactly at closing returns the closing instant, not the next opening', () => {
    // Mon 09:00 + 540 (a full day) → Mon 18:00. Adding 0 from there is "counting from the next opening".
    const end = addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), 540);
    expectInstant(end, '2026-06-01T18:00:00+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, end, 0), '2026-06-02T09:00:00+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), 5 * 540), '2026-06-05T18:00:00+08:00');
  });

  it('a whole number of weeks ends at the last Friday closing: Sat 12:00 + 2700 → Fri 18:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-06T12:00:00+08:00'), 2700), '2026-06-12T18:00:00+08:00');
    // 10 weeks from Saturday 2026-06-06 → Friday 2026-08-14 18:00.
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-06T12:00:00+08:00'), 27_000), '2026-08-14T18:00:00+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-06T12:00:00+08:00'), 27_000.5), '2026-08-17T09:00:30+08:00');
  });

  it('adding 0 returns the start inside working time, otherwise the next opening', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T11:11:11+08:00'), 0), '2026-06-01T11:11:11+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-05T20:00:00+08:00'), 0), '2026-06-08T09:00:00+08:00');
    expectInstant(nextOpening(SHANGHAI_9_TO_6, at('2026-06-05T20:00:00+08:00')), '2026-06-08T09:00:00+08:00');
  });

  it('measures working minutes between instants: Fri 17:00 → Mon 10:00 = 60 + 60', () => {
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-05T17:00:00+08:00'), at('2026-06-08T10:00:00+08:00'))).to.equal(120);
    // Mon 00:00 → next Mon 00:00 = five days × 540.
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T00:00:00+08:00'), at('2026-06-08T00:00:00+08:00'))).to.equal(2700);
  });

  it('returns 0 when to <= from', () => {
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T12:00:00+08:00'), at('2026-06-01T12:00:00+08:00'))).to.equal(0);
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T12:00:00+08:00'), at('2026-06-01T10:00:00+08:00'))).to.equal(0);
  });

  it('treats periods as [open, close): open at 09:00:00, closed at 18:00:00', () => {
    expect(isWorkingTime(SHANGHAI_9_TO_6, at('2026-06-01T08:59:59.999+08:00'))).to.equal(false);
    expect(isWorkingTime(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'))).to.equal(true);
    expect(isWorkingTime(SHANGHAI_9_TO_6, at('2026-06-01T17:59:59.999+08:00'))).to.equal(true);
    expect(isWorkingTime(SHANGHAI_9_TO_6, at('2026-06-01T18:00:00+08:00'))).to.equal(false);
    expect(isWorkingTime(SHANGHAI_9_TO_6, at('2026-06-06T10:00:00+08:00'))).to.equal(false); // Saturday
  });
});

describe('business calendar: split shift 09:00–12:00, 13:00–18:00', () => {
  it('skips the lunch break: Mon 11:30 + 60 → 30 before lunch, 30 after → Mon 13:30', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_SPLIT, at('2026-06-01T11:30:00+08:00'), 60), '2026-06-01T13:30:00+08:00');
  });

  it('a morning that ends exactly at 12:00 stays at 12:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_SPLIT, at('2026-06-01T09:00:00+08:00'), 180), '2026-06-01T12:00:00+08:00');
  });

  it('during lunch it is closed and counting starts at 13:00', () => {
    expect(isWorkingTime(SHANGHAI_SPLIT, at('2026-06-01T12:15:00+08:00'))).to.equal(false);
    expectInstant(nextOpening(SHANGHAI_SPLIT, at('2026-06-01T12:15:00+08:00')), '2026-06-01T13:00:00+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_SPLIT, at('2026-06-01T12:15:00+08:00'), 15), '2026-06-01T13:15:00+08:00');
  });

  it('measures across lunch: 11:00 → 14:00 = 60 + 60', () => {
    expect(workingMinutesBetween(SHANGHAI_SPLIT, at('2026-06-01T11:00:00+08:00'), at('2026-06-01T14:00:00+08:00'))).to.equal(120);
  });

  it('accepts periods in any order and "24:00" as an end, continuous across midnight', () => {
    const lateShift: BusinessCalendar = { timezone: 'UTC', weekly: { sat: [['22:00', '24:00']], sun: [['00:00', '02:00']] } };
    // Sat 2026-06-06 21:00 → Sun 03:00: 22:00–24:00 + 00:00–02:00 = 240.
    expect(workingMinutesBetween(lateShift, at('2026-06-06T21:00:00Z'), at('2026-06-07T03:00:00Z'))).to.equal(240);
    expectInstant(addWorkingMinutes(lateShift, at('2026-06-06T23:00:00Z'), 90), '2026-06-07T00:30:00Z');
    const unordered: BusinessCalendar = { timezone: 'Asia/Shanghai', weekly: { mon: [['13:00', '18:00'], ['09:00', '12:00']] } };
    expectInstant(addWorkingMinutes(unordered, at('2026-06-01T11:30:00+08:00'), 60), '2026-06-01T13:30:00+08:00');
  });
});

describe('business calendar: holidays and make-up days (China National Day 2026, Asia/Shanghai)', () => {
  it('Fri 09-25 17:00 + 120 → 60 on Friday, Saturday closed, make-up Sunday 09-27 09:00 + 60 → 10:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_2026, at('2026-09-25T17:00:00+08:00'), 120), '2026-09-27T10:00:00+08:00');
  });

  it('Wed 09-30 17:00 + 120 → 60 on Wednesday, closed 10-01…10-07, Thu 10-08 10:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_2026, at('2026-09-30T17:00:00+08:00'), 120), '2026-10-08T10:00:00+08:00');
  });

  it('Fri 10-09 16:00 + 180 → 120 on Friday, make-up Saturday 10-10 09:00 + 60 → 10:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_2026, at('2026-10-09T16:00:00+08:00'), 180), '2026-10-10T10:00:00+08:00');
  });

  it('a holiday is closed and the next opening is after the holiday week', () => {
    expect(isWorkingTime(SHANGHAI_2026, at('2026-10-01T10:00:00+08:00'))).to.equal(false);
    expect(isWorkingTime(SHANGHAI_2026, at('2026-09-27T10:00:00+08:00'))).to.equal(true);
    expectInstant(nextOpening(SHANGHAI_2026, at('2026-10-01T10:00:00+08:00')), '2026-10-08T09:00:00+08:00');
  });

  it('counts the holiday fortnight: Sat 09-26 → Sun 10-11 = Sun 27, Mon–Wed, Thu 8, Fri 9, Sat 10 = 7 × 480', () => {
    expect(workingMinutesBetween(SHANGHAI_2026, at('2026-09-26T00:00:00+08:00'), at('2026-10-11T00:00:00+08:00'))).to.equal(7 * 480);
    expect(workingMinutesBetween(SHANGHAI_2026, at('2026-09-30T09:00:00+08:00'), at('2026-10-08T09:00:00+08:00'))).to.equal(480);
  });

  it('a special day overrides a holiday on the same date, and [] closes a weekday', () => {
    const cal: BusinessCalendar = {
      timezone: 'Asia/Shanghai',
      weekly: weekdays(NINE_TO_SIX),
      holidays: ['2026-06-02'],
      specialDays: { '2026-06-02': [['10:00', '11:00']], '2026-06-03': [] },
    };
    // Mon 17:00 + 120 → Mon 17–18 (60), Tue only 10–11 (60) → Tue 11:00.
    expectInstant(addWorkingMinutes(cal, at('2026-06-01T17:00:00+08:00'), 120), '2026-06-02T11:00:00+08:00');
    // Tue 10:30 + 60 → 30 on Tuesday, Wednesday closed, Thu 09:30.
    expectInstant(addWorkingMinutes(cal, at('2026-06-02T10:30:00+08:00'), 60), '2026-06-04T09:30:00+08:00');
  });
});

describe('business calendar: daylight saving time', () => {
  describe('Europe/Berlin, Sunday 01:00–04:00', () => {
    it('spring forward 2026-03-29 (02:00 CET → 03:00 CEST): the period holds 120 real minutes', () => {
      // 01:00 CET = 00:00Z, 04:00 CEST = 02:00Z.
      expect(workingMinutesBetween(BERLIN_SUNDAY_NIGHT, at('2026-03-29T00:00:00+01:00'), at('2026-03-29T12:00:00+02:00'))).to.equal(120);
      // 01:00 CET + 90 real minutes = 01:30Z = 03:30 CEST.
      expectInstant(addWorkingMinutes(BERLIN_SUNDAY_NIGHT, at('2026-03-29T00:00:00+01:00'), 90), '2026-03-29T03:30:00+02:00');
      expectInstant(addWorkingMinutes(BERLIN_SUNDAY_NIGHT, at('2026-03-29T00:00:00+01:00'), 120), '2026-03-29T04:00:00+02:00');
      // One more minute than the night holds → the next Sunday.
      expectInstant(addWorkingMinutes(BERLIN_SUNDAY_NIGHT, at('2026-03-29T00:00:00+01:00'), 121), '2026-04-05T01:01:00+02:00');
    });

    it('fall back 2026-10-25 (03:00 CEST → 02:00 CET): the period holds 240 real minutes', () => {
      // 01:00 CEST = 2026-10-24T23:00Z, 04:00 CET = 03:00Z.
      expect(workingMinutesBetween(BERLIN_SUNDAY_NIGHT, at('2026-10-25T00:00:00+02:00'), at('2026-10-25T12:00:00+01:00'))).to.equal(240);
      // +90 → 00:30Z = the first 02:30 (CEST); +150 → 01:30Z = the second 02:30 (CET).
      expectInstant(addWorkingMinutes(BERLIN_SUNDAY_NIGHT, at('2026-10-25T00:00:00+02:00'), 90), '2026-10-25T02:30:00+02:00');
      expectInstant(addWorkingMinutes(BERLIN_SUNDAY_NIGHT, at('2026-10-25T00:00:00+02:00'), 150), '2026-10-25T02:30:00+01:00');
      // An ordinary Sunday a week earlier: 180.
      expect(workingMinutesBetween(BERLIN_SUNDAY_NIGHT, at('2026-10-18T00:00:00+02:00'), at('2026-10-18T12:00:00+02:00'))).to.equal(180);
    });

    it('a period boundary in the repeated hour: starts at its first occurrence, ends at its second', () => {
      // 2026-10-25: 02:00–03:00 happens twice (CEST, then CET).
      // 00:00–02:30 → 00:00 CEST (22:00Z on the 24th) to the second 02:30 (CET, 01:30Z) = 210 minutes.
      const endsInRepeat: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: { sun: [['00:00', '02:30']] } };
      expect(workingMinutesBetween(endsInRepeat, at('2026-10-24T12:00:00+02:00'), at('2026-10-25T12:00:00+01:00'))).to.equal(210);
      // 02:30–04:00 → the first 02:30 (CEST, 00:30Z) to 04:00 CET (03:00Z) = 150 minutes.
      const startsInRepeat: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: { sun: [['02:30', '04:00']] } };
      expect(workingMinutesBetween(startsInRepeat, at('2026-10-24T12:00:00+02:00'), at('2026-10-25T12:00:00+01:00'))).to.equal(150);
      expectInstant(nextOpening(startsInRepeat, at('2026-10-25T00:00:00+02:00')), '2026-10-25T02:30:00+02:00');
    });

    it('a start inside the spring-forward gap maps forward (02:30 → 03:30 CEST)', () => {
      const gapStart: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: { sun: [['02:30', '05:00']] } };
      expectInstant(nextOpening(gapStart, at('2026-03-29T00:00:00+01:00')), '2026-03-29T03:30:00+02:00');
      // 03:30 CEST → 05:00 CEST = 90 real minutes.
      expect(workingMinutesBetween(gapStart, at('2026-03-29T00:00:00+01:00'), at('2026-03-29T12:00:00+02:00'))).to.equal(90);
    });

    it('office hours carry over the changed offset: Fri 03-27 17:30 CET + 60 → Mon 03-30 09:30 CEST', () => {
      expectInstant(addWorkingMinutes(BERLIN_9_TO_6, at('2026-03-27T17:30:00+01:00'), 60), '2026-03-30T09:30:00+02:00');
      expectInstant(nextOpening(BERLIN_9_TO_6, at('2026-03-28T12:00:00+01:00')), '2026-03-30T09:00:00+02:00');
    });
  });

  describe('America/New_York, Sunday 01:00–04:00', () => {
    it('spring forward 2026-03-08 (02:00 EST → 03:00 EDT): 120 real minutes, 02:xx never happens', () => {
      // 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z.
      expect(workingMinutesBetween(NEW_YORK_SUNDAY_NIGHT, at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).to.equal(120);
      // 01:00 EST + 60 = 07:00Z = 03:00 EDT.
      expectInstant(addWorkingMinutes(NEW_YORK_SUNDAY_NIGHT, at('2026-03-08T00:00:00-05:00'), 60), '2026-03-08T03:00:00-04:00');
    });

    it('fall back 2026-11-01 (02:00 EDT → 01:00 EST): 240 real minutes, 01:xx happens twice', () => {
      // 01:00 EDT = 05:00Z, 04:00 EST = 09:00Z.
      expect(workingMinutesBetween(NEW_YORK_SUNDAY_NIGHT, at('2026-11-01T00:00:00-04:00'), at('2026-11-01T12:00:00-05:00'))).to.equal(240);
      expectInstant(addWorkingMinutes(NEW_YORK_SUNDAY_NIGHT, at('2026-11-01T00:00:00-04:00'), 30), '2026-11-01T01:30:00-04:00');
      expectInstant(addWorkingMinutes(NEW_YORK_SUNDAY_NIGHT, at('2026-11-01T00:00:00-04:00'), 90), '2026-11-01T01:30:00-05:00');
      expectInstant(addWorkingMinutes(NEW_YORK_SUNDAY_NIGHT, at('2026-11-01T00:00:00-04:00'), 240), '2026-11-01T04:00:00-05:00');
    });

    it('office hours across the change: Fri 03-06 16:00 EST + 120 → 60 on Friday, Mon 03-09 10:00 EDT', () => {
      expectInstant(addWorkingMinutes(NEW_YORK_9_TO_5, at('2026-03-06T16:00:00-05:00'), 120), '2026-03-09T10:00:00-04:00');
      // Fri 16:00 EST → Mon 10:00 EDT: 60 + 60; the lost night hour is outside office hours.
      expect(workingMinutesBetween(NEW_YORK_9_TO_5, at('2026-03-06T16:00:00-05:00'), at('2026-03-09T10:00:00-04:00'))).to.equal(120);
    });
  });
});

describe('business calendar: precision and large amounts', () => {
  it('keeps seconds: Mon 09:00:30 + 1 → 09:01:30; + 0.5 → 09:01:00', () => {
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:30+08:00'), 1), '2026-06-01T09:01:30+08:00');
    expectInstant(addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:30+08:00'), 0.5), '2026-06-01T09:01:00+08:00');
  });

  it('returns fractional minutes: 09:00:00 → 09:01:30 = 1.5; Mon 17:59:30 → Tue 09:00:45 = 0.5 + 0.75', () => {
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), at('2026-06-01T09:01:30+08:00'))).to.equal(1.5);
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T17:59:30+08:00'), at('2026-06-02T09:00:45+08:00'))).to.equal(1.25);
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, at('2026-06-01T10:00:00+08:00'), at('2026-06-01T11:30:30+08:00'))).to.equal(90.5);
  });

  it('adds 100,000 minutes: 37 weeks × 2700 + 100 → Mon 2026-06-01 09:00 + 259 days + 100 min', () => {
    const start = at('2026-06-01T09:00:00+08:00');
    const end = addWorkingMinutes(SHANGHAI_9_TO_6, start, 100_000);
    expectInstant(end, '2027-02-15T10:40:00+08:00');
    expect(workingMinutesBetween(SHANGHAI_9_TO_6, start, end)).to.equal(100_000);
  });

  it('adds 100,000 minutes through both Berlin DST changes (they fall outside office hours)', () => {
    const start = at('2026-03-02T09:00:00+01:00');
    const end = addWorkingMinutes(BERLIN_9_TO_6, start, 100_000);
    expectInstant(end, '2026-11-16T10:40:00+01:00');
    expect(workingMinutesBetween(BERLIN_9_TO_6, start, end)).to.equal(100_000);
  });
});

describe('business calendar: calendars without working time', () => {
  it('refuses a week with no opening up front: every deadline on it would fail', () => {
    const closed: BusinessCalendar = { timezone: 'UTC', weekly: {} };
    const eventOnly: BusinessCalendar = { timezone: 'UTC', weekly: { sat: [] }, specialDays: { '2026-07-01': [['09:00', '10:00']] } };
    for (const cal of [closed, eventOnly]) {
      expect(validateCalendar(cal)).to.deep.equal(['weekly opens no day: give at least one weekday working hours (or set alwaysOpen: true)']);
      expect(() => addWorkingMinutes(cal, at('2026-06-01T00:00:00Z'), 10)).to.throw(InvalidCalendarError, /weekly opens no day/);
    }
  });

  it('throws when holidays close every working day for years', () => {
    // Only 2026-06-01 (a Monday) is a working weekday; every Monday of the next 3 years is a holiday.
    const holidays: string[] = [];
    for (let d = Date.parse('2026-06-08'); d < Date.parse('2029-06-08'); d += 7 * 86_400_000) holidays.push(new Date(d).toISOString().slice(0, 10));
    const cal: BusinessCalendar = { timezone: 'UTC', weekly: { mon: NINE_TO_SIX }, holidays };
    expect(() => addWorkingMinutes(cal, at('2026-06-01T17:00:00Z'), 120)).to.throw(Error, /no working time/);
  });
});

describe('business calendar: argument checks', () => {
  it('refuses negative or non-finite minutes with a RangeError', () => {
    expect(() => addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), -1)).to.throw(RangeError, /negative/);
    expect(() => addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), Number.NaN)).to.throw(RangeError);
    expect(() => addWorkingMinutes(SHANGHAI_9_TO_6, at('2026-06-01T09:00:00+08:00'), Infinity)).to.throw(RangeError);
  });

  it('refuses invalid dates', () => {
    expect(() => addWorkingMinutes(SHANGHAI_9_TO_6, new Date('nope'), 1)).to.throw(TypeError, /start/);
    expect(() => workingMinutesBetween(SHANGHAI_9_TO_6, new Date('nope'), new Date())).to.throw(TypeError, /from/);
  });

  it('refuses an invalid calendar, naming its problems', () => {
    const bad = { timezone: 'Mars/Olympus_Mons', weekly: { mon: [['09:00', '08:00']] } } as BusinessCalendar;
    try {
      addWorkingMinutes(bad, at('2026-06-01T09:00:00Z'), 1);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidCalendarError);
      expect((err as InvalidCalendarError).problems).to.have.length(2);
    }
  });
});

describe('validateCalendar', () => {
  it('accepts every calendar used in these tests', () => {
    for (const cal of [ALWAYS_OPEN_UTC, SHANGHAI_9_TO_6, SHANGHAI_SPLIT, SHANGHAI_2026, BERLIN_SUNDAY_NIGHT, NEW_YORK_SUNDAY_NIGHT, BERLIN_9_TO_6]) {
      expect(validateCalendar(cal)).to.deep.equal([]);
    }
    // Touching periods and a 24:00 end are fine.
    expect(validateCalendar({ timezone: 'UTC', weekly: { mon: [['00:00', '12:00'], ['12:00', '24:00']] } })).to.deep.equal([]);
  });

  it('rejects non-objects and unknown time zones', () => {
    expect(validateCalendar(null)).to.deep.equal(['calendar must be an object']);
    expect(validateCalendar({ timezone: 'Mars/Olympus_Mons', alwaysOpen: true })).to.deep.equal([
      'timezone "Mars/Olympus_Mons" is not a known IANA time zone',
    ]);
    expect(validateCalendar({ weekly: {} })[0]).to.match(/timezone is required/);
    expect(validateCalendar({ timezone: 'UTC', alwaysOpen: false })).to.deep.equal(['alwaysOpen must be true when present']);
  });

  it('rejects bad times, reversed and empty periods, and overlaps', () => {
    const problems = validateCalendar({
      timezone: 'UTC',
      weekly: {
        mon: [['9:00', '12:00'], ['13:00', '25:00']],
        tue: [['24:00', '24:00']],
        wed: [['18:00', '09:00'], ['10:00', '10:00']],
        thu: [['09:00', '12:00'], ['11:30', '14:00']],
        fri: 'all day',
      },
    });
    expect(problems).to.deep.equal([
      'weekly.mon[0]: start "9:00" is not a HH:MM time (00:00–23:59)',
      'weekly.mon[1]: end "25:00" is not a HH:MM time (00:00–24:00)',
      'weekly.tue[0]: start "24:00" is not a HH:MM time (00:00–23:59)',
      'weekly.wed[0]: end 09:00 must be after start 18:00',
      'weekly.wed[1]: end 10:00 must be after start 10:00',
      'weekly.thu: periods 09:00–12:00 and 11:30–14:00 overlap',
      'weekly.fri must be a list of ["HH:MM", "HH:MM"] periods',
    ]);
  });

  it('rejects unknown weekdays, bad dates and unknown fields', () => {
    const problems = validateCalendar({
      timezone: 'Asia/Shanghai',
      weekly: { monday: [['09:00', '18:00']] },
      holidays: ['2026-10-01', '2026-02-30', '2026/10/02'],
      specialDays: { '2026-9-27': [['09:00', '18:00']] },
      note: 'x',
    });
    expect(problems).to.deep.equal([
      'unknown field "note"',
      'weekly: unknown weekday "monday" (expected one of mon, tue, wed, thu, fri, sat, sun)',
      'holidays[1]: "2026-02-30" is not a YYYY-MM-DD date',
      'holidays[2]: "2026/10/02" is not a YYYY-MM-DD date',
      'specialDays: key "2026-9-27" is not a YYYY-MM-DD date',
    ]);
  });
});

/*
 * Properties over many random starts and amounts (seeded, so a failure reproduces). Amounts are
 * whole seconds, the promised precision. Additivity add(add(s, a), b) = add(s, a + b) is checked
 * for b > 0 only: when add(s, a) lands exactly on a closing instant, adding 0 moves to the next
 * opening by definition (see "an amount that ends exactly at closing"), while a + b = a does not.
 */
describe('business calendar: properties', () => {


  const calendars: Record<string, BusinessCalendar> = {
    'Berlin office + Sunday night + late Saturday': {
      timezone: 'Europe/Berlin',
      weekly: { ...weekdays(NINE_TO_SIX), sat: [['22:00', '24:00']], sun: [['01:00', '04:00']] },
    },
    'New York split shift + Sunday night': {
      timezone: 'America/New_York',
      weekly: { ...weekdays([['08:00', '12:00'], ['13:00', '17:30']]), sun: [['00:30', '02:15'], ['02:30', '03:10']] },
      holidays: ['2026-07-03', '2026-11-26', '2026-12-25', '2027-01-01'],
      specialDays: { '2026-11-27': [['08:00', '12:00']] },
    },
    'Shanghai 2026 with National Day': SHANGHAI_2026,
    'Berlin periods touching the DST hours': {
      timezone: 'Europe/Berlin',
      weekly: { sun: [['00:30', '02:15'], ['02:30', '03:10'], ['03:10', '24:00']], mon: [['00:00', '01:00']], wed: [['12:00', '12:01']] },
    },
    '24×7 Berlin': { timezone: 'Europe/Berlin', alwaysOpen: true },
  };

  const FROM = Date.parse('2025-12-01T00:00:00Z');
  const SPAN = Date.parse('2028-01-01T00:00:00Z') - FROM;

  for (const [name, cal] of Object.entries(calendars)) {
    it(`${name}: add and between agree, add is additive and earliest`, () => {
      const rand = mulberry32(0x5eed ^ name.length);
      const amount = (): number => {
        const scale = [10, 600, 10_000, 150_000][Math.floor(rand() * 4)]!;
        return Math.floor(rand() * scale * 60) / 60; // whole seconds
      };
      for (let i = 0; i < 300; i++) {
        const s = new Date(FROM + Math.floor(rand() * SPAN));
        const a = i % 10 === 0 ? 0 : amount();
        const b = amount() + 1 / 60;
        const end = addWorkingMinutes(cal, s, a);
        const context = `start ${s.toISOString()} a=${a} b=${b}`;

        expect(workingMinutesBetween(cal, s, end), context).to.be.closeTo(a, 1e-6);
        expect(isWorkingTime(cal, nextOpening(cal, s)), context).to.equal(true);
        expect(workingMinutesBetween(cal, s, nextOpening(cal, s)), context).to.equal(0);
        if (a > 0) {
          // Earliest: one millisecond sooner, the amount is not yet reached.
          expect(workingMinutesBetween(cal, s, new Date(end.getTime() - 1)), context).to.be.lessThan(a);
        }
        expect(addWorkingMinutes(cal, end, b).toISOString(), context).to.equal(addWorkingMinutes(cal, s, a + b).toISOString());

        // Between is additive over any split point.
        const u = new Date(end.getTime() + Math.floor(rand() * 30 * 86_400_000));
        const whole = workingMinutesBetween(cal, s, u);
        expect(workingMinutesBetween(cal, s, end) + workingMinutesBetween(cal, end, u), context).to.be.closeTo(whole, 1e-6);
      }
    });
  }
});
