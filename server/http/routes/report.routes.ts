import type { Request, Response, Router } from 'express';
import { CHANNELS, TICKET_TYPES, TIERS, type Role } from '../../domain.js';
import type { Services } from '../../services.js';
import { breakdownCsv, summaryCsv, trendCsv } from '../../reports/report-csv.js';
import { DATE_PARAM_PATTERN, INTERVALS, localDateText, type Interval } from '../../reports/report-period.js';
import { ReportService, type ReportScope } from '../../reports/report.service.js';
import { DIMENSIONS, LABEL_LANGUAGES, type Dimension, type LabelLanguage, type ReportParams } from '../../reports/report.types.js';
import { defineRoute, int, obj, oneOf, str, text, type ApiServices, type JsonSchema } from '../api.js';

/** Who reads reports: supervisors (their departments), analysts and admins (all). */
const REPORT_ROLES: Role[] = ['supervisor', 'admin', 'analyst'];

const dateParam = (what: string): JsonSchema => str({
  pattern: DATE_PARAM_PATTERN,
  description: `${what}: a date (2026-03-01: midnight in tz) or date-time (2026-03-01T08:00, with Z or ±hh:mm for an exact instant)`,
});

/** Period and filters, shared by every report. */
const filterQuery: Record<string, JsonSchema> = {
  from: dateParam('start of the period, included; default: 30 days before `to`'),
  to: dateParam('end of the period, excluded; default: tomorrow\'s midnight (the last 30 days including today)'),
  tz: text(64, { description: 'IANA time zone of date-only and offset-less parameters and of trend buckets; default UTC' }),
  departmentId: int(), agentId: int({ description: 'the ticket\'s assignee (CSAT: the agent who solved it)' }),
  category: str({ maxLength: 64 }), channel: oneOf(CHANNELS), tier: oneOf(TIERS), type: oneOf(TICKET_TYPES),
  format: { ...oneOf(['json', 'csv']), default: 'json', description: 'csv: a download (UTF-8 with BOM, header row)' },
};

type Format = { format: 'json' | 'csv' };

/** The reports API (docs/reports.md): summary, trend and breakdown, each as JSON or CSV. */
export function reportRoutes(r: Router, auth: ApiServices, s: Services): void {
  const reports = new ReportService({ db: s.db, clock: s.clock });

  defineRoute<Record<string, never>, ReportParams & Format, never>(r, auth, {
    method: 'get', path: '/reports/summary', tag: 'reports', roles: REPORT_ROLES, query: obj(filterQuery),
    summary: 'Figures of a period [from, to): tickets created, solved, backlog; first response and resolution in working minutes (mean, median, p90); '
      + 'SLA compliance, breaches, escalations; CSAT; resolution, on-time complaint and reopen rates. Supervisors see their departments only.',
    responseDescription: 'the summary; with format=csv, metric,value rows',
  }, async ({ principal, query, res }) => {
    const scope = await reports.scope(principal, query);
    const summary = await reports.summary(scope);
    return query.format === 'csv' ? sendCsv(res, 'summary', scope, summaryCsv(summary)) : summary;
  });

  defineRoute<Record<string, never>, ReportParams & Format & { interval: Interval }, never>(r, auth, {
    method: 'get', path: '/reports/trend', tag: 'reports', roles: REPORT_ROLES,
    query: obj({ ...filterQuery, interval: { ...oneOf(INTERVALS), default: 'day' } }),
    summary: 'The period by day, week (Monday first) or month in tz: every bucket, empty ones with zeros and nulls.',
    responseDescription: 'the buckets; with format=csv, one row per bucket',
  }, async ({ principal, query, res }) => {
    const scope = await reports.scope(principal, query);
    const trend = await reports.trend(scope, query.interval);
    return query.format === 'csv' ? sendCsv(res, `trend-${query.interval}`, scope, trendCsv(trend)) : trend;
  });

  defineRoute<Record<string, never>, ReportParams & Format & { by: Dimension; lang?: LabelLanguage }, never>(r, auth, {
    method: 'get', path: '/reports/breakdown', tag: 'reports', roles: REPORT_ROLES,
    query: obj({ ...filterQuery, by: oneOf(DIMENSIONS), lang: { ...oneOf(LABEL_LANGUAGES), description: 'language of category labels; default from Accept-Language (zh unless it prefers en)' } }, ['by']),
    summary: 'The period\'s figures per department, agent, category, channel, member tier or ticket type, busiest first.',
    responseDescription: 'one row per key with any figure; with format=csv, the same rows',
  }, async ({ principal, query, req, res }) => {
    const scope = await reports.scope(principal, query);
    const breakdown = await reports.breakdown(scope, query.by, query.lang ?? languageOf(req));
    return query.format === 'csv' ? sendCsv(res, `breakdown-${query.by}`, scope, breakdownCsv(breakdown)) : breakdown;
  });
}

function languageOf(req: Request): LabelLanguage {
  return req.acceptsLanguages('zh', 'en') === 'en' ? 'en' : 'zh-CN';
}

/** A CSV download named after the report and its period (local dates in tz, `to` excluded). */
function sendCsv(res: Response, name: string, scope: ReportScope, body: string): undefined {
  const file = `memberdesk-${name}_${localDateText(scope.tz, scope.from.getTime())}_${localDateText(scope.tz, scope.to.getTime())}.csv`;
  res.status(200)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${file}"`)
    .send(body);
  return undefined;
}
