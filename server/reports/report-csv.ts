import type { ReportBreakdown, ReportSummary, ReportTrend } from './report.types.js';

/**
 * CSV for the reports' exports, pure: RFC 4180 (comma, CRLF, fields quoted when they hold a comma,
 * quote or line break), UTF-8 with a byte-order mark so that Excel reads Chinese text correctly.
 */

export type CsvCell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';

/**
 * One field. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start — a
 * department or agent name is typed by people) gets a leading apostrophe; numbers stay numbers.
 */
export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document: BOM, header row, rows; every line ends with CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  const lines = [header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))];
  return BOM + lines.join('\r\n') + '\r\n';
}

// ── the reports as CSV ───────────────────────────────────────────────────────

/** The summary as `metric,value` rows, nested fields as dotted names (firstResponseMinutes.median). */
export function summaryCsv(s: ReportSummary): string {
  const rows: Array<[string, CsvCell]> = [
    ['period.from', s.period.from], ['period.to', s.period.to], ['period.tz', s.period.tz],
    ['created', s.created], ['solved', s.solved], ['backlog', s.backlog], ['backlogAsOf', s.backlogAsOf],
  ];
  for (const name of ['firstResponseMinutes', 'resolutionMinutes'] as const) {
    for (const f of ['mean', 'median', 'p90', 'count'] as const) rows.push([`${name}.${f}`, s[name][f]]);
  }
  rows.push(
    ['slaCompliance.firstResponse', s.slaCompliance.firstResponse], ['slaCompliance.resolution', s.slaCompliance.resolution],
    ['breaches.firstResponse', s.breaches.firstResponse], ['breaches.nextResponse', s.breaches.nextResponse], ['breaches.resolution', s.breaches.resolution],
    ['escalations', s.escalations],
    ['csat.average', s.csat.average], ['csat.responseRate', s.csat.responseRate], ['csat.responses', s.csat.responses], ['csat.sent', s.csat.sent],
    ['resolutionRate', s.resolutionRate], ['onTimeComplaintRate', s.onTimeComplaintRate], ['reopenRate', s.reopenRate],
  );
  return toCsv(['metric', 'value'], rows);
}

export const TREND_CSV_HEADER = [
  'start', 'end', 'created', 'solved', 'firstResponseMedian', 'resolutionMedian',
  'slaCompliance.firstResponse', 'slaCompliance.resolution', 'csatAverage', 'csatResponses',
] as const;

export function trendCsv(t: ReportTrend): string {
  return toCsv(TREND_CSV_HEADER, t.buckets.map((b) => [
    b.start, b.end, b.created, b.solved, b.firstResponseMedian, b.resolutionMedian,
    b.slaCompliance.firstResponse, b.slaCompliance.resolution, b.csatAverage, b.csatResponses,
  ]));
}

export const BREAKDOWN_CSV_HEADER = [
  'key', 'label', 'created', 'solved', 'backlog', 'firstResponseMedian', 'resolutionMedian',
  'slaCompliance.firstResponse', 'slaCompliance.resolution', 'csatAverage', 'csatResponses', 'reopenRate',
] as const;

export function breakdownCsv(b: ReportBreakdown): string {
  return toCsv(BREAKDOWN_CSV_HEADER, b.rows.map((r) => [
    r.key, r.label, r.created, r.solved, r.backlog, r.firstResponseMedian, r.resolutionMedian,
    r.slaCompliance.firstResponse, r.slaCompliance.resolution, r.csatAverage, r.csatResponses, r.reopenRate,
  ]));
}
