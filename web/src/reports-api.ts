/**
 * The reports API (GET /api/reports/summary | trend | breakdown, server/http/routes/report.routes.ts):
 * every call takes the same filters; `format=csv` answers the same query as a CSV attachment.
 */
import { request, type Query } from './api';
import type { Channel, Tier, TicketType } from './types';

/**
 * `from` inclusive, `to` exclusive: dates (midnight in `tz`) or ISO instants; `tz` is the IANA zone of
 * the dates and of the trend's buckets (the server's default is UTC). The other keys narrow the tickets counted.
 */
export interface ReportFilters {
  from: string;
  to: string;
  tz?: string;
  departmentId?: number | null;
  agentId?: number | null;
  category?: string | null;
  channel?: Channel | null;
  tier?: Tier | null;
  type?: TicketType | null;
}

export { INTERVALS as TREND_INTERVALS, MAX_PERIOD_DAYS, type Interval as TrendInterval } from '../../server/reports/report-period';
export { DIMENSIONS as BREAKDOWN_DIMENSIONS, type Dimension as BreakdownBy } from '../../server/reports/report.types';
import type { Interval as TrendInterval } from '../../server/reports/report-period';
import type { Dimension as BreakdownBy } from '../../server/reports/report.types';

// The answers' shapes are the server's own (dependency-free) types: one definition, no drift.
export type {
  BreakdownRow, ReportBreakdown, ReportSummary, ReportTrend, SlaCompliance, TrendBucket, Period as ReportPeriod,
} from '../../server/reports/report.types';
export type MinutesStats = import('../../server/reports/report.types').ReportSummary['firstResponseMinutes'];
import type { ReportBreakdown, ReportSummary, ReportTrend } from '../../server/reports/report.types';

export type ReportKind = 'summary' | 'trend' | 'breakdown';

/** The query string of a report: the filters, and the trend's interval or the breakdown's dimension. */
export function reportQuery(f: ReportFilters, extra: { interval?: TrendInterval; by?: BreakdownBy; lang?: 'zh-CN' | 'en' } = {}): Query {
  return {
    from: f.from, to: f.to, tz: f.tz, departmentId: f.departmentId, agentId: f.agentId, category: f.category,
    channel: f.channel, tier: f.tier, type: f.type, interval: extra.interval, by: extra.by, lang: extra.lang,
  };
}

/** The file name the server gave (Content-Disposition), else one made from the query. */
function attachmentName(header: string | null, fallback: string): string {
  if (header) {
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star) {
      try { return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, '')); } catch { /* fall through to the plain name */ }
    }
    const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
    if (plain) return plain[1]!.trim();
  }
  return fallback;
}

export interface CsvFile { blob: Blob; fileName: string }

export const reportsApi = {
  summary: (f: ReportFilters) => request<ReportSummary>('GET', '/reports/summary', { query: reportQuery(f) }),
  trend: (f: ReportFilters, interval: TrendInterval) => request<ReportTrend>('GET', '/reports/trend', { query: reportQuery(f, { interval }) }),
  /** `lang`: the language of category labels (and of the CSV's). */
  breakdown: (f: ReportFilters, by: BreakdownBy, lang?: 'zh-CN' | 'en') => request<ReportBreakdown>('GET', '/reports/breakdown', { query: reportQuery(f, { by, lang }) }),

  /** The same report as CSV. It needs the bearer header, so it comes as a blob rather than a plain link. */
  csv: async (kind: ReportKind, query: Query): Promise<CsvFile> => {
    const res = await request<Response>('GET', `/reports/${kind}`, { query: { ...query, format: 'csv' }, raw: true, headers: { accept: 'text/csv, */*' } });
    const day = (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 10) : '');
    const fallback = ['memberdesk', kind, query.by, query.interval, day(query.from), day(query.to)].filter(Boolean).join('-') + '.csv';
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('content-disposition'), fallback) };
  },
};
