import { useI18n } from '../../i18n/i18n';
import { Empty } from './report-empty';
import { useReportFormat } from './report-format';

export interface Figure { key: string; label: string; value: number; tone?: 'danger' }

/** A report's totals as small cards (data-value carries the figure). */
export function FigureCards({ figures, testPrefix }: { figures: Figure[]; testPrefix: string }) {
  const f = useReportFormat();
  return (
    <dl className="kpis figure-cards">
      {figures.map((x) => (
        <div key={x.key} className={`kpi${x.tone ? ` kpi--${x.tone}` : ''}`} data-testid={`${testPrefix}-${x.key}`} data-value={x.value}>
          <dt className="kpi__label">{x.label}</dt>
          <dd className="kpi__value">{f.count(x.value)}</dd>
        </div>
      ))}
    </dl>
  );
}

type Row = { key: string | number | null; label?: string | null } & Record<string, unknown>;

/** One row per department (or agent): the named columns, counts. */
export function FigureTable<R extends Row>({ rows, columns, labelOf, dimension, testId }: {
  rows: R[]; columns: Array<{ key: string; label: string }>; labelOf(r: R): string; dimension: string; testId: string;
}) {
  const { t } = useI18n();
  const f = useReportFormat();
  if (!rows.length) return <Empty />;
  const num = (v: unknown) => (typeof v === 'number' ? f.count(v) : '—');
  return (
    <div className="report-table__wrap figure-table">
      <table className="report-table" data-testid={testId}>
        <caption className="report-sr">{t('reports.breakdown.caption', { by: dimension })}</caption>
        <thead>
          <tr>
            <th scope="col">{dimension}</th>
            {columns.map((c) => <th key={c.key} scope="col" className="num">{c.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.key)} data-testid="figure-row" data-key={String(r.key)}>
              <th scope="row">{labelOf(r)}</th>
              {columns.map((c) => <td key={c.key} className="num" data-col={c.key}>{num(r[c.key])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
