import { useMemo } from 'react';
import type { Query } from '../../api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { TREND_INTERVALS, type ReportTrend, type TrendInterval } from '../../reports-api';
import { ErrorNote } from '../common/error-note';
import { CsvButton } from './csv-button';
import { Empty } from './report-empty';
import { bucketLabel, bucketTick, reportMinutes, useReportFormat, type Loaded } from './report-format';
import { countAxis, fixedAxis, minutesAxis, TrendChart, type ChartAxis, type ChartSeries } from './trend-chart';

interface Props {
  trend: Loaded<ReportTrend>;
  interval: TrendInterval;
  onInterval(i: TrendInterval): void;
  query: Query | null;
}

interface ChartDef {
  key: string;
  title: MessageKey;
  kind: 'bar' | 'line';
  series: ChartSeries[];
  axis: ChartAxis;
  format(v: number | null): string;
}

/** Created vs solved, the two medians, SLA compliance and CSAT per day, week or month. */
export function TrendSection({ trend, interval, onInterval, query }: Props) {
  const { t, locale } = useI18n();
  const f = useReportFormat();
  const data = trend.data;
  const buckets = useMemo(() => data?.buckets ?? [], [data]);
  // The answer's own interval names its buckets (the control may already show the next one).
  const shownInterval = data?.interval ?? interval;
  const empty = buckets.every((b) => b.created === 0 && b.solved === 0);

  const charts = useMemo<ChartDef[]>(() => {
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    const minuteTick = (v: number) => reportMinutes(v, t);
    const created = buckets.map((b) => b.created);
    const solved = buckets.map((b) => b.solved);
    const frMedian = buckets.map((b) => b.firstResponseMedian);
    const resMedian = buckets.map((b) => b.resolutionMedian);
    return [
      {
        key: 'volume', title: 'reports.chart.volume', kind: 'bar',
        series: [
          { key: 'created', label: t('reports.kpi.created'), values: created, tone: 1 },
          { key: 'solved', label: t('reports.kpi.solved'), values: solved, tone: 2 },
        ],
        axis: countAxis([...created, ...solved], (v) => f.count(v)), format: (v) => f.count(v),
      },
      {
        key: 'medians', title: 'reports.chart.medians', kind: 'line',
        series: [
          { key: 'firstResponse', label: t('reports.metric.firstResponseMedian'), values: frMedian, tone: 1 },
          { key: 'resolution', label: t('reports.metric.resolutionMedian'), values: resMedian, tone: 2 },
        ],
        axis: minutesAxis([...frMedian, ...resMedian], minuteTick), format: (v) => f.minutes(v),
      },
      {
        key: 'sla', title: 'reports.chart.sla', kind: 'line',
        series: [
          { key: 'firstResponse', label: t('reports.metric.slaFirstResponse'), values: buckets.map((b) => b.slaCompliance.firstResponse), tone: 1 },
          { key: 'resolution', label: t('reports.metric.slaResolution'), values: buckets.map((b) => b.slaCompliance.resolution), tone: 2 },
        ],
        axis: fixedAxis(0, 1, [0, 0.25, 0.5, 0.75, 1], (v) => pct.format(v)), format: (v) => f.percent(v),
      },
      {
        key: 'csat', title: 'reports.chart.csat', kind: 'line',
        series: [{ key: 'csat', label: t('reports.metric.csatAverage'), values: buckets.map((b) => b.csatAverage), tone: 1 }],
        axis: fixedAxis(1, 5, [1, 2, 3, 4, 5], (v) => String(v)), format: (v) => f.rating(v),
      },
    ];
  }, [buckets, t, locale, f]);

  const ticks = buckets.map((b) => bucketTick(b.start, shownInterval, locale));
  const labels = buckets.map((b) => (shownInterval === 'week' ? t('reports.bucket.week', { date: bucketLabel(b.start, 'day', locale) }) : bucketLabel(b.start, shownInterval, locale)));

  return (
    <section className="report-card" aria-labelledby="report-trend-title" aria-busy={trend.loading} data-testid="report-trend">
      <header className="report-card__head">
        <h2 id="report-trend-title">{t('reports.trend.title')}</h2>
        <div className="seg" role="group" aria-label={t('reports.interval')}>
          {TREND_INTERVALS.map((i) => (
            <button key={i} type="button" className={`seg__btn${i === interval ? ' seg__btn--on' : ''}`} aria-pressed={i === interval}
              onClick={() => onInterval(i)} data-testid={`report-interval-${i}`}>{t(`reports.interval.${i}`)}</button>
          ))}
        </div>
        <span className="report-card__spacer" />
        <CsvButton kind="trend" query={query} what={t('reports.trend.title')} testId="csv-trend" />
      </header>
      {trend.error && <ErrorNote error={trend.error} onRetry={trend.reload} />}
      {!data && trend.loading && <p className="muted report-loading">{t('common.loading')}</p>}
      {data && empty && <Empty />}
      {data && !empty && (
        <>
          <div className={`charts${trend.loading ? ' report--stale' : ''}`}>
            {charts.map((c) => (
              <figure key={c.key} className="chart-card">
                <figcaption>{t(c.title)}</figcaption>
                <TrendChart title={t(c.title)} kind={c.kind} ticks={ticks} labels={labels} series={c.series} axis={c.axis}
                  format={c.format} emptyText={t('reports.chart.noData')} testId={`chart-${c.key}`} />
              </figure>
            ))}
          </div>
          <details className="report-alt">
            <summary>{t('reports.trend.table')}</summary>
            <div className="report-table__wrap">
              <table className="report-table" data-testid="trend-table">
                <caption className="report-sr">{t('reports.trend.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`reports.interval.${shownInterval}`)}</th>
                    <th scope="col" className="num">{t('reports.kpi.created')}</th>
                    <th scope="col" className="num">{t('reports.kpi.solved')}</th>
                    <th scope="col" className="num">{t('reports.metric.firstResponseMedian')}</th>
                    <th scope="col" className="num">{t('reports.metric.resolutionMedian')}</th>
                    <th scope="col" className="num">{t('reports.metric.slaFirstResponse')}</th>
                    <th scope="col" className="num">{t('reports.metric.slaResolution')}</th>
                    <th scope="col" className="num">{t('reports.metric.csatAverage')}</th>
                    <th scope="col" className="num">{t('reports.metric.csatResponses')}</th>
                  </tr>
                </thead>
                <tbody>
                  {buckets.map((b, i) => (
                    <tr key={b.start}>
                      <th scope="row">{labels[i]}</th>
                      <td className="num">{f.count(b.created)}</td>
                      <td className="num">{f.count(b.solved)}</td>
                      <td className="num">{f.minutes(b.firstResponseMedian)}</td>
                      <td className="num">{f.minutes(b.resolutionMedian)}</td>
                      <td className="num">{f.percent(b.slaCompliance.firstResponse)}</td>
                      <td className="num">{f.percent(b.slaCompliance.resolution)}</td>
                      <td className="num">{f.rating(b.csatAverage)}</td>
                      <td className="num">{f.count(b.csatResponses)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
