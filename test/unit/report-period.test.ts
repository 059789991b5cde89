import { expect } from 'chai';
import { bucketCase, bucketIndex, bucketStarts, instantOf, isTimeZone, localDateText, parseDateParam, resolvePeriod } from '../../server/reports/report-period.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('report periods and buckets', () => {
  it('reads date-only and offset-less parameters as wall times of the zone, offsets as exact instants', () => {
    expect(iso(parseDateParam('2026-03-01', 'UTC')!)).to.equal('2026-03-01T00:00:00.000Z');
    expect(iso(parseDateParam('2026-03-01', 'Asia/Shanghai')!)).to.equal('2026-02-28T16:00:00.000Z');
    expect(iso(parseDateParam('2026-03-01T08:30', 'Asia/Shanghai')!)).to.equal('2026-03-01T00:30:00.000Z');
    expect(iso(parseDateParam('2026-03-01T08:30:15.5Z', 'Asia/Shanghai')!)).to.equal('2026-03-01T08:30:15.500Z');
    expect(iso(parseDateParam('2026-03-01T08:30:00+08:00', 'UTC')!)).to.equal('2026-03-01T00:30:00.000Z');
    expect(iso(parseDateParam('2026-03-01T00:00-05:30', 'UTC')!)).to.equal('2026-03-01T05:30:00.000Z');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-03-01T24:00', '2026-03-01T10:60', '1969-12-31', '2026-3-1', 'yesterday']) {
      expect(parseDateParam(bad, 'UTC'), bad).to.equal(null);
    }
    expect(iso(parseDateParam('2028-02-29', 'UTC')!)).to.equal('2028-02-29T00:00:00.000Z');
  });

  it('places wall times across DST changes: a skipped time after the gap, a repeated one at its first occurrence', () => {
    expect(iso(instantOf('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }))).to.equal('2026-03-29T01:30:00.000Z');
    expect(iso(instantOf('Europe/Berlin', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }))).to.equal('2026-10-25T00:30:00.000Z');
    expect(iso(instantOf('Europe/Berlin', { year: 2026, month: 10, day: 25 }))).to.equal('2026-10-24T22:00:00.000Z');
    expect(iso(instantOf('Europe/Berlin', { year: 2026, month: 10, day: 26 }))).to.equal('2026-10-25T23:00:00.000Z');
    expect(isTimeZone('Asia/Shanghai')).to.equal(true);
    expect(isTimeZone('Mars/Olympus')).to.equal(false);
  });

  it('resolves the period: given, one end given, or the last 30 days including today; refuses reversed and over-long ones', () => {
    const now = Date.parse('2026-03-15T18:00:00.000Z'); // 16 March 02:00 in Shanghai
    const p = (q: { from?: string; to?: string }, tz = 'UTC') => {
      const r = resolvePeriod(q, tz, now);
      return 'problem' in r ? r.problem : [iso(r.from), iso(r.to)];
    };
    expect(p({})).to.deep.equal(['2026-02-14T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
    expect(p({}, 'Asia/Shanghai')).to.deep.equal(['2026-02-14T16:00:00.000Z', '2026-03-16T16:00:00.000Z']);
    expect(p({ from: '2026-03-01', to: '2026-04-01' })).to.deep.equal(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    expect(p({ to: '2026-03-31' })).to.deep.equal(['2026-03-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    expect(p({ from: '2026-03-01' })).to.deep.equal(['2026-03-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    expect(p({ from: '2026-03-02', to: '2026-03-01' })).to.equal('reversed');
    expect(p({ from: '2026-03-01', to: '2026-03-01' })).to.equal('reversed');
    expect(p({ from: '2025-01-01', to: '2026-02-06' })).to.equal('too_long'); // 401 days
    expect(p({ from: '2025-01-01', to: '2026-02-05' })).to.deep.equal(['2025-01-01T00:00:00.000Z', '2026-02-05T00:00:00.000Z']); // exactly 400
    expect(p({ from: '2026-02-30' })).to.equal('from');
    expect(p({ from: '2026-02-01', to: '2026-02-30' })).to.equal('to');
  });

  it('cuts a period into calendar days, Monday weeks and months of the zone, partial ones included', () => {
    const from = Date.parse('2026-03-04T12:00:00.000Z'); // a Wednesday
    const to = Date.parse('2026-03-17T00:00:00.000Z');
    expect(bucketStarts(from, to, 'week', 'UTC').map(iso)).to.deep.equal(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z']);
    expect(bucketStarts(from, to, 'day', 'UTC')).to.have.length(13);
    expect(bucketStarts(Date.parse('2026-01-31T00:00:00.000Z'), Date.parse('2026-03-01T00:00:00.000Z'), 'month', 'UTC').map(iso))
      .to.deep.equal(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    expect(bucketStarts(Date.parse('2026-12-01T00:00:00.000Z'), Date.parse('2027-01-02T00:00:00.000Z'), 'month', 'UTC').map(iso))
      .to.deep.equal(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    // Shanghai days start at 16:00 UTC the day before.
    expect(bucketStarts(Date.parse('2026-03-01T16:00:00.000Z'), Date.parse('2026-03-03T16:00:00.000Z'), 'day', 'Asia/Shanghai').map(iso))
      .to.deep.equal(['2026-03-01T16:00:00.000Z', '2026-03-02T16:00:00.000Z']);
    // A Berlin day of 23 hours (spring forward) and one of 25 (fall back).
    const spring = bucketStarts(Date.parse('2026-03-28T23:00:00.000Z'), Date.parse('2026-03-30T22:00:00.000Z'), 'day', 'Europe/Berlin');
    expect(spring.map(iso)).to.deep.equal(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const fall = bucketStarts(Date.parse('2026-10-24T22:00:00.000Z'), Date.parse('2026-10-26T23:00:00.000Z'), 'day', 'Europe/Berlin');
    expect(fall.map(iso)).to.deep.equal(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  });

  it('finds the bucket of an instant: the last start at or before it', () => {
    const starts = [100, 200, 300];
    expect(bucketIndex(starts, 99)).to.equal(-1);
    expect(bucketIndex(starts, 100)).to.equal(0);
    expect(bucketIndex(starts, 199)).to.equal(0);
    expect(bucketIndex(starts, 200)).to.equal(1);
    expect(bucketIndex(starts, 1e9)).to.equal(2);
    expect(bucketIndex([], 5)).to.equal(-1);
    expect(localDateText('Asia/Shanghai', Date.parse('2026-02-28T16:00:00.000Z'))).to.equal('2026-03-01');
  });
});

describe('bucket numbering in SQL', () => {
  it('finds each value\'s bucket by a binary search of nested CASEs, on SQLite', async () => {
    const { default: initSqlJs } = await import('sql.js');
    const db = new (await initSqlJs()).Database();
    // Stored the way the engines keep DATETIME(3) on SQLite: UTC text.
    const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    try {
      for (const n of [1, 2, 3, 7, 31, 400]) {
        const starts = Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * 86_400_000);
        const { sql, params } = bucketCase('v', starts);
        expect(params).to.have.length(n - 1);
        expect(sql.match(/CASE/g)?.length ?? 0).to.equal(n - 1);
        for (const i of new Set([0, 1, Math.floor(n / 2), n - 2, n - 1].filter((x) => x >= 0 && x < n))) {
          for (const offset of [0, 1, 86_399_999]) {
            // The CASE's placeholders come first in the text, the value's last.
            const [result] = db.exec(`SELECT ${sql} AS g FROM (SELECT ? AS v)`, [...params.map((d) => text(d.getTime())), text(starts[i]! + offset)]);
            expect(result!.values[0]![0], `${n} buckets, a value in bucket ${i}`).to.equal(i);
          }
        }
      }
    } finally {
      db.close();
    }
  });
});
