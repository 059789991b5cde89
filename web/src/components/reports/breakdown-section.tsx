import { useMemo, useState } from 'react';
import type { Query } from '../../api';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { BREAKDOWN_DIMENSIONS, type BreakdownBy, type BreakdownRow, type ReportBreakdown } from '../../reports-api';
import { useConsole } from '../../state/console-context';
import { ErrorNote } from '../common/error-note';
import { CsvButton } from './csv-button';
import { Empty } from './report-empty';
import { useReportFormat, type Loaded, type ReportFormat } from './report-format';

interface Props {
  breakdown: Loaded<ReportBreakdown>;
  by: BreakdownBy;
  onBy(by: BreakdownBy): void;
  query: Query | null;
}

type SortDir = 'asc' | 'desc';

interface Column {
  key: string;
  label: MessageKey;
  value(r: BreakdownRow): number | null;
  format(f: ReportFormat, r: BreakdownRow): string;
}

const COLUMNS: Column[] = [
  { key: 'created', label: 'reports.kpi.created', value: (r) => r.created, format: (f, r) => f.count(r.created) },
  { key: 'solved', label: 'reports.kpi.solved', value: (r) => r.solved, format: (f, r) => f.count(r.solved) },
  { key: 'backlog', label: 'reports.kpi.backlog', value: (r) => r.backlog, format: (f, r) => f.count(r.backlog) },
  { key: 'firstResponseMedian', label: 'reports.metric.firstResponseMedian', value: (r) => r.firstResponseMedian, format: (f, r) => f.minutes(r.firstResponseMedian) },
  { key: 'resolutionMedian', label: 'reports.metric.resolutionMedian', value: (r) => r.resolutionMedian, format: (f, r) => f.minutes(r.resolutionMedian) },
  { key: 'slaFirstResponse', label: 'reports.metric.slaFirstResponse', value: (r) => r.slaCompliance.firstResponse, format: (f, r) => f.percent(r.slaCompliance.firstResponse) },
  { key: 'slaResolution', label: 'reports.metric.slaResolution', value: (r) => r.slaCompliance.resolution, format: (f, r) => f.percent(r.slaCompliance.resolution) },
  { key: 'csatAverage', label: 'reports.metric.csatAverage', value: (r) => r.csatAverage, format: (f, r) => f.rating(r.csatAverage) },
  { key: 'csatResponses', label: 'reports.metric.csatResponses', value: (r) => r.csatResponses, format: (f, r) => f.count(r.csatResponses) },
  { key: 'reopenRate', label: 'reports.kpi.reopenRate', value: (r) => r.reopenRate, format: (f, r) => f.percent(r.reopenRate) },
];

/** One figure per department, agent, category, channel, tier or type, in a table sortable by any column. */
export function BreakdownSection({ breakdown, by, onBy, query }: Props) {
  const { t, tMaybe, locale } = useI18n();
  const { categoryLabel, departmentName, agentName } = useConsole();
  const f = useReportFormat();
  const [sort, setSort] = useState<{ key: string; dir: SortDir }>({ key: 'created', dir: 'desc' });
  const data = breakdown.data;
  const shownBy = data?.by ?? by;

  /** Words for a row: the console's own for channel, tier and type; the category's label in the console's language; else the server's. */
  const labelOf = useMemo(() => (r: BreakdownRow): string => {
    if (r.key === null || r.key === '') return shownBy === 'agent' ? t('common.unassigned') : r.label ?? t('reports.breakdown.none');
    const key = String(r.key);
    switch (shownBy) {
      case 'channel': return tMaybe(`channel.${key}`) ?? r.label ?? key;
      case 'tier': return tMaybe(`tier.${key}`) ?? r.label ?? key;
      case 'type': return tMaybe(`type.${key}`) ?? r.label ?? key;
      case 'category': {
        const own = locale === 'en' ? r.labelEn : r.labelZh;
        if (own) return own;
        const known = categoryLabel(key);
        return known !== key ? known : r.label ?? key;
      }
      case 'department': return r.label ?? departmentName(Number(key));
      case 'agent': return r.label ?? agentName(Number(key));
    }
  }, [shownBy, t, tMaybe, locale, categoryLabel, departmentName, agentName]);

  const rows = useMemo(() => {
    const list = [...(data?.rows ?? [])];
    const collator = new Intl.Collator(locale);
    const sign = sort.dir === 'asc' ? 1 : -1;
    if (sort.key === 'label') return list.sort((a, b) => sign * collator.compare(labelOf(a), labelOf(b)));
    const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0]!;
    // Rows without a figure go last whichever way the column sorts.
    return list.sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return sign * (x - y) || collator.compare(labelOf(a), labelOf(b));
    });
  }, [data, sort, labelOf, locale]);

  const sortBy = (key: string) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'label' ? 'asc' : 'desc' }));
  const ariaSort = (key: string) => (sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  const arrow = (key: string) => (sort.key === key ? (sort.dir === 'asc' ? '▲' : '▼') : '');

  return (
    <section className="report-card" aria-labelledby="report-breakdown-title" aria-busy={breakdown.loading} data-testid="report-breakdown">
      <header className="report-card__head">
        <h2 id="report-breakdown-title">{t('reports.breakdown.title')}</h2>
        <label className="report-by">
          <span>{t('reports.breakdown.by')}</span>
          <select value={by} onChange={(e) => onBy(e.target.value as BreakdownBy)} data-testid="breakdown-by">
            {BREAKDOWN_DIMENSIONS.map((d) => <option key={d} value={d}>{t(`reports.dimension.${d}`)}</option>)}
          </select>
        </label>
        <span className="report-card__spacer" />
        <CsvButton kind="breakdown" query={query} what={t('reports.breakdown.csvWhat', { by: t(`reports.dimension.${by}`) })} testId="csv-breakdown" />
      </header>
      {breakdown.error && <ErrorNote error={breakdown.error} onRetry={breakdown.reload} />}
      {!data && breakdown.loading && <p className="muted report-loading">{t('common.loading')}</p>}
      {data && rows.length === 0 && <Empty />}
      {data && rows.length > 0 && (
        <div className={`report-table__wrap${breakdown.loading ? ' report--stale' : ''}`}>
          <table className="report-table report-table--sortable" data-testid="breakdown-table" data-by={shownBy}>
            <caption className="report-sr">{t('reports.breakdown.caption', { by: t(`reports.dimension.${shownBy}`) })}</caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={ariaSort('label')}>
                  <button type="button" className="report-sort" onClick={() => sortBy('label')}>{t(`reports.dimension.${shownBy}`)}<span aria-hidden="true">{arrow('label')}</span></button>
                </th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" className="num" aria-sort={ariaSort(c.key)}>
                    <button type="button" className="report-sort" onClick={() => sortBy(c.key)} data-testid={`sort-${c.key}`}>{t(c.label)}<span aria-hidden="true">{arrow(c.key)}</span></button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={String(r.key)} data-testid="breakdown-row" data-key={String(r.key)}>
                  <th scope="row">{labelOf(r)}</th>
                  {COLUMNS.map((c) => <td key={c.key} className="num" data-col={c.key}>{c.format(f, r)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
