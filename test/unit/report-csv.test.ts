import { expect } from 'chai';
import { breakdownCsv, csvField, summaryCsv, toCsv } from '../../server/reports/report-csv.js';
import type { ReportBreakdown, ReportSummary } from '../../server/reports/report.types.js';

describe('report CSV', () => {
  it('quotes only what needs it, keeps numbers, leaves nulls empty', () => {
    expect(csvField('plain')).to.equal('plain');
    expect(csvField('a,b')).to.equal('"a,b"');
    expect(csvField('say "hi"')).to.equal('"say ""hi"""');
    expect(csvField('two\nlines')).to.equal('"two\nlines"');
    expect(csvField(0.6667)).to.equal('0.6667');
    expect(csvField(-3)).to.equal('-3');
    expect(csvField(null)).to.equal('');
    expect(csvField(undefined)).to.equal('');
    expect(csvField(Number.NaN)).to.equal('');
    expect(csvField('会员服务部')).to.equal('会员服务部');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).to.equal('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).to.equal("'+1");
    expect(csvField('-1')).to.equal("'-1");
    expect(csvField('@SUM(A1)')).to.equal("'@SUM(A1)");
  });

  it('writes a BOM, a header row and CRLF lines', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], [null, 'y,z']])).to.equal('\uFEFFa,b\r\n1,x\r\n,"y,z"\r\n');
  });

  it('lays the summary out as metric,value rows and a breakdown as one row per key', () => {
    const dist = { mean: 12.5, median: 10, p90: 30, count: 4 };
    const summary: ReportSummary = {
      period: { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', tz: 'UTC' }, created: 5, solved: 4, backlog: 2, backlogAsOf: 'period_end',
      firstResponseMinutes: dist, resolutionMinutes: { mean: null, median: null, p90: null, count: 0 }, slaCompliance: { firstResponse: 0.75, resolution: null },
      breaches: { firstResponse: 1, nextResponse: 0, resolution: 2 }, escalations: 1, csat: { average: 4.5, responseRate: 0.6667, responses: 2, sent: 3 },
      resolutionRate: 0.8, onTimeComplaintRate: null, reopenRate: 0.25,
    };
    const lines = summaryCsv(summary).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).to.equal('metric,value');
    expect(lines).to.include.members(['created,5', 'firstResponseMinutes.median,10', 'resolutionMinutes.mean,', 'slaCompliance.resolution,', 'csat.responseRate,0.6667', 'escalations,1', 'period.from,2026-03-01T00:00:00.000Z']);
    const breakdown: ReportBreakdown = { period: summary.period, by: 'agent', rows: [{
      key: null, label: null, created: 1, solved: 0, backlog: 1, firstResponseMedian: null, resolutionMedian: null,
      slaCompliance: { firstResponse: null, resolution: null }, csatAverage: null, csatResponses: 0, reopenRate: null,
    }] };
    expect(breakdownCsv(breakdown).split('\r\n')[1]).to.equal(',,1,0,1,,,,,,0,');
  });
});
