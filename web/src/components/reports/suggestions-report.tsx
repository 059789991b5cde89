import { useMemo } from 'react';
import type { Query } from '../../api';
import { useI18n } from '../../i18n/i18n';
import type { ReportFilters } from '../../reports-api';
import { useConsole } from '../../state/console-context';
import { suggestionsApi, type SuggestionReport, type SuggestionReportRow } from '../../suggestions-api';
import { formatFullTime, formatTime } from '../../format';
import { ErrorNote } from '../common/error-note';
import { CsvButton } from './csv-button';
import { FigureCards, type Figure } from './figure-table';
import { Empty } from './report-empty';
import { useReport } from './report-format';

/** Suggestions in the period: new, decided by outcome, still awaiting, overdue; by department (the digest's figures). */
export function SuggestionsReport({ filters, refreshed }: { filters: ReportFilters | null; refreshed: number }) {
  const { t } = useI18n();
  const query: Query | null = filters && { from: filters.from, to: filters.to, tz: filters.tz, departmentId: filters.departmentId };
  const key = query ? `${JSON.stringify(query)}|${refreshed}` : null;
  const report = useReport<SuggestionReport>(() => suggestionsApi.report(query!), key);
  const r = report.data;

  const figures: Figure[] = useMemo(() => (r ? [
    { key: 'new', label: t('suggestions.report.new'), value: r.new },
    { key: 'adopted', label: t('suggestions.outcome.adopted'), value: r.decided?.adopted ?? 0 },
    { key: 'planned', label: t('suggestions.outcome.planned'), value: r.decided?.planned ?? 0 },
    { key: 'declined', label: t('suggestions.outcome.declined'), value: r.decided?.declined ?? 0 },
    { key: 'awaiting', label: t('suggestions.report.awaiting'), value: r.awaiting },
    { key: 'overdue', label: t('suggestions.report.overdue'), value: r.overdue, tone: r.overdue ? 'danger' : undefined },
  ] : []), [r, t]);

  return (
    <section className="report-card" aria-labelledby="report-suggestions-title" aria-busy={report.loading} data-testid="report-suggestions">
      <header className="report-card__head">
        <h2 id="report-suggestions-title">{t('suggestions.report.title')}</h2>
        <span className="report-card__spacer" />
        <CsvButton download={suggestionsApi.reportCsv} query={query} what={t('suggestions.report.title')} testId="csv-suggestions" />
      </header>
      <p className="muted small report-scope">{t('suggestions.report.scope')}</p>
      {report.error && <ErrorNote error={report.error} onRetry={report.reload} />}
      {!r && report.loading && <p className="muted report-loading">{t('common.loading')}</p>}
      {r && (
        <div className={report.loading ? 'report--stale' : undefined}>
          <FigureCards figures={figures} testPrefix="suggestions-kpi" />
          <SuggestionRows rows={r.rows} />
        </div>
      )}
    </section>
  );
}

/** One line per suggestion the figures count: its state, the outcome and when, its due time. */
function SuggestionRows({ rows }: { rows: SuggestionReportRow[] }) {
  const { t, locale } = useI18n();
  const { departmentName } = useConsole();
  if (!rows.length) return <Empty />;
  const time = (iso: string | null) => (iso ? <time dateTime={iso} title={formatFullTime(iso, locale)}>{formatTime(iso, locale)}</time> : '—');
  return (
    <div className="report-table__wrap figure-table">
      <table className="report-table" data-testid="suggestions-report-table">
        <caption className="report-sr">{t('suggestions.report.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('suggestions.col.suggestion')}</th>
            <th scope="col">{t('filter.department')}</th>
            <th scope="col">{t('suggestions.col.created')}</th>
            <th scope="col">{t('suggestions.report.state')}</th>
            <th scope="col">{t('suggestions.report.decidedAt')}</th>
            <th scope="col">{t('suggestions.col.due')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.ticketId} data-testid="suggestion-report-row" data-ticket-id={x.ticketId} data-state={x.state} data-outcome={x.outcome ?? ''}>
              <th scope="row" className="figure-table__ticket">
                <a href={`#/tickets/${x.ticketId}`}>{x.number}</a>{x.subject ? <span className="muted"> {x.subject}</span> : null}
              </th>
              <td>{departmentName(x.departmentId)}</td>
              <td>{time(x.createdAt)}</td>
              <td>{x.outcome ? t(`suggestions.outcome.${x.outcome}`) : t(`suggestions.report.state.${x.state}`)}</td>
              <td>{time(x.decidedAt)}</td>
              <td className={x.overdue ? 'figure-table__overdue' : undefined}>{x.overdue ? t('suggestions.overdue') : time(x.dueAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
