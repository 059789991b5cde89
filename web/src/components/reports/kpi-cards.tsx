import type { Query } from '../../api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import type { ReportSummary } from '../../reports-api';
import { ErrorNote } from '../common/error-note';
import { CsvButton } from './csv-button';
import { Empty } from './report-empty';
import { useReportFormat, type Loaded } from './report-format';

interface Kpi {
  key: string;
  label: MessageKey;
  hint: MessageKey;
  value: string;
  /** The unformatted figure (tests and copy-paste read it from data-value). */
  raw: number | null;
  sub?: string;
}

interface Group { key: string; title: MessageKey; kpis: Kpi[] }

/** The summary's figures as cards, grouped: volume, speed, SLA, satisfaction. */
export function KpiCards({ summary, query }: { summary: Loaded<ReportSummary>; query: Query | null }) {
  const { t } = useI18n();
  const f = useReportFormat();
  const s = summary.data;
  const empty = s !== null && s.created === 0 && s.solved === 0 && s.backlog === 0;

  const groups: Group[] = s ? [
    {
      key: 'volume', title: 'reports.group.volume', kpis: [
        { key: 'created', label: 'reports.kpi.created', hint: 'reports.kpi.created.hint', value: f.count(s.created), raw: s.created },
        { key: 'solved', label: 'reports.kpi.solved', hint: 'reports.kpi.solved.hint', value: f.count(s.solved), raw: s.solved },
        {
          key: 'backlog', label: 'reports.kpi.backlog', hint: 'reports.kpi.backlog.hint', value: f.count(s.backlog), raw: s.backlog,
          sub: s.backlogAsOf ? t(s.backlogAsOf === 'now' ? 'reports.kpi.backlogNow' : 'reports.kpi.backlogAtEnd') : undefined,
        },
        { key: 'resolution-rate', label: 'reports.kpi.resolutionRate', hint: 'reports.kpi.resolutionRate.hint', value: f.percent(s.resolutionRate), raw: s.resolutionRate },
        { key: 'reopen-rate', label: 'reports.kpi.reopenRate', hint: 'reports.kpi.reopenRate.hint', value: f.percent(s.reopenRate), raw: s.reopenRate },
      ],
    },
    {
      key: 'speed', title: 'reports.group.speed', kpis: [
        {
          key: 'first-response', label: 'reports.kpi.firstResponse', hint: 'reports.kpi.firstResponse.hint',
          value: f.minutes(s.firstResponseMinutes.median), raw: s.firstResponseMinutes.median,
          sub: s.firstResponseMinutes.count ? t('reports.kpi.stats', { mean: f.minutes(s.firstResponseMinutes.mean), p90: f.minutes(s.firstResponseMinutes.p90), count: f.count(s.firstResponseMinutes.count) }) : undefined,
        },
        {
          key: 'resolution', label: 'reports.kpi.resolution', hint: 'reports.kpi.resolution.hint',
          value: f.minutes(s.resolutionMinutes.median), raw: s.resolutionMinutes.median,
          sub: s.resolutionMinutes.count ? t('reports.kpi.stats', { mean: f.minutes(s.resolutionMinutes.mean), p90: f.minutes(s.resolutionMinutes.p90), count: f.count(s.resolutionMinutes.count) }) : undefined,
        },
      ],
    },
    {
      key: 'sla', title: 'reports.group.sla', kpis: [
        { key: 'sla-first-response', label: 'reports.metric.slaFirstResponse', hint: 'reports.kpi.slaFirstResponse.hint', value: f.percent(s.slaCompliance.firstResponse), raw: s.slaCompliance.firstResponse },
        { key: 'sla-resolution', label: 'reports.metric.slaResolution', hint: 'reports.kpi.slaResolution.hint', value: f.percent(s.slaCompliance.resolution), raw: s.slaCompliance.resolution },
        {
          key: 'breaches', label: 'reports.kpi.breaches', hint: 'reports.kpi.breaches.hint',
          value: f.count(s.breaches.firstResponse + s.breaches.nextResponse + s.breaches.resolution),
          raw: s.breaches.firstResponse + s.breaches.nextResponse + s.breaches.resolution,
          sub: t('reports.kpi.breachesBy', { firstResponse: f.count(s.breaches.firstResponse), nextResponse: f.count(s.breaches.nextResponse), resolution: f.count(s.breaches.resolution) }),
        },
        { key: 'escalations', label: 'reports.kpi.escalations', hint: 'reports.kpi.escalations.hint', value: f.count(s.escalations), raw: s.escalations },
      ],
    },
    {
      key: 'satisfaction', title: 'reports.group.satisfaction', kpis: [
        {
          key: 'csat', label: 'reports.metric.csatAverage', hint: 'reports.kpi.csat.hint', value: f.rating(s.csat.average), raw: s.csat.average,
          sub: s.csat.average === null ? undefined : t('reports.kpi.csatOutOf'),
        },
        {
          key: 'csat-response-rate', label: 'reports.kpi.csatResponseRate', hint: 'reports.kpi.csatResponseRate.hint', value: f.percent(s.csat.responseRate), raw: s.csat.responseRate,
          sub: t('reports.kpi.csatResponses', { responses: f.count(s.csat.responses), sent: f.count(s.csat.sent) }),
        },
        { key: 'on-time-complaints', label: 'reports.kpi.onTimeComplaintRate', hint: 'reports.kpi.onTimeComplaintRate.hint', value: f.percent(s.onTimeComplaintRate), raw: s.onTimeComplaintRate },
      ],
    },
  ] : [];

  return (
    <section className="report-card" aria-labelledby="report-summary-title" aria-busy={summary.loading} data-testid="report-summary">
      <header className="report-card__head">
        <h2 id="report-summary-title">{t('reports.summary.title')}</h2>
        <span className="report-card__spacer" />
        <CsvButton kind="summary" query={query} what={t('reports.summary.title')} testId="csv-summary" />
      </header>
      {summary.error && <ErrorNote error={summary.error} onRetry={summary.reload} />}
      {!s && summary.loading && <p className="muted report-loading">{t('common.loading')}</p>}
      {empty && <Empty />}
      {s && !empty && (
        <div className={`kpi-groups${summary.loading ? ' report--stale' : ''}`}>
          {groups.map((g) => (
            <div key={g.key} className="kpi-group">
              <h3 className="kpi-group__title">{t(g.title)}</h3>
              <dl className="kpis">
                {g.kpis.map((k) => (
                  <div key={k.key} className="kpi" data-testid={`kpi-${k.key}`} data-value={k.raw ?? ''}>
                    <dt className="kpi__label" title={t(k.hint)}>{t(k.label)}</dt>
                    <dd className="kpi__value">{k.value}</dd>
                    {k.sub && <dd className="kpi__sub">{k.sub}</dd>}
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
