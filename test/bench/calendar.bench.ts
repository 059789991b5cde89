import {
  addWorkingMinutes, workingMinutesBetween, type BusinessCalendar, type WorkingPeriod,
} from '../../sla/calendar.js';

/**
 * Time per call of the business-calendar arithmetic (sla/calendar.ts). The SLA engine calls it for
 * every ticket on every evaluation, so the warm path is what matters; the first call per zone pays
 * for building the zone's offset table with Intl. Run: npx tsx test/bench/calendar.bench.ts
 */

const NINE_TO_SIX: WorkingPeriod[] = [['09:00', '18:00']];
const SPLIT: WorkingPeriod[] = [['09:00', '12:00'], ['13:00', '18:00']];
const week = (p: WorkingPeriod[]) => ({ mon: p, tue: p, wed: p, thu: p, fri: p });

const shanghai: BusinessCalendar = { timezone: 'Asia/Shanghai', weekly: week(NINE_TO_SIX) };
const berlin: BusinessCalendar = { timezone: 'Europe/Berlin', weekly: { ...week(NINE_TO_SIX), sun: [['01:00', '04:00']] } };
const shanghaiHolidays: BusinessCalendar = {
  timezone: 'Asia/Shanghai',
  weekly: week(SPLIT),
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'],
  specialDays: { '2026-09-27': SPLIT, '2026-10-10': SPLIT, '2027-02-13': SPLIT },
};

const START = Date.parse('2026-03-02T09:00:00Z');

/** Runs `fn` for ~300 ms after a warm-up and prints the mean time per call. */
function bench(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 200; i++) fn(i);
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < 300) {
    for (let i = 0; i < 100; i++) fn(runs + i);
    runs += 100;
    elapsed = performance.now() - t0;
  }
  console.log(`${label.padEnd(62)} ${((elapsed / runs) * 1000).toFixed(2).padStart(9)} µs/call`);
}

// Starts vary by a minute per call so results are not trivially identical.
const start = (i: number): Date => new Date(START + (i % 10_000) * 60_000);

/** One-off timings in µs: the process's first Intl use (ICU loading), then a zone's first call. */
function once(label: string, fn: () => unknown): void {
  const t0 = performance.now();
  fn();
  console.log(`${label.padEnd(62)} ${((performance.now() - t0) * 1000).toFixed(2).padStart(9)} µs once`);
}
once('cold: first Intl.DateTimeFormat in the process (ICU data)', () => new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Seoul' }).format(0));
once('cold: first 100,000-min call in a new zone (Asia/Tokyo)', () =>
  addWorkingMinutes({ timezone: 'Asia/Tokyo', weekly: week(NINE_TO_SIX) }, new Date(START), 100_000));
once('cold: first 100,000-min call in a new DST zone (America/Chicago)', () =>
  addWorkingMinutes({ timezone: 'America/Chicago', weekly: week(NINE_TO_SIX) }, new Date(START), 100_000));

bench('add 60 min, 9–18 Shanghai', (i) => addWorkingMinutes(shanghai, start(i), 60));
bench('add 100,000 min, 9–18 Shanghai', (i) => addWorkingMinutes(shanghai, start(i), 100_000));
bench('add 100,000 min, 9–18 + Sunday night Berlin (DST)', (i) => addWorkingMinutes(berlin, start(i), 100_000));
bench('add 100,000 min, split shift Shanghai with holidays', (i) => addWorkingMinutes(shanghaiHolidays, start(i), 100_000));
bench('between over 1 year, Berlin (DST)', (i) => workingMinutesBetween(berlin, start(i), new Date(START + 365 * 86_400_000)));
bench('between over 1 year, Shanghai with holidays', (i) => workingMinutesBetween(shanghaiHolidays, start(i), new Date(START + 365 * 86_400_000)));
const json = JSON.stringify(berlin);
bench('add 480 min, calendar freshly parsed from JSON each call', (i) => addWorkingMinutes(JSON.parse(json) as BusinessCalendar, start(i), 480));
