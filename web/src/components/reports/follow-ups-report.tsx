import { useMemo, useState } from 'react';
import type { Query } from '../../api';
import { useI18n } from '../../i18n/i18n';
import type { ReportFilters } from '../../reports-api';
import { useConsole } from '../../state/console-context';
import { FOLLOW_UP_OUTCOMES, FOLLOW_UP_REPORT_BY, surveysApi, type FollowUpReport, type FollowUpReportBy } from '../../surveys-api';
import { ErrorNote } from '../common/error-note';
import { CsvButton } from './csv-button';
import { FigureCards, FigureTable, type Figure } from './figure-table';
import { useReport } from './report-format';

/** Follow-ups in the period: created, due, done, overdue, cancelled, and how they went; by department or agent. */
export function FollowUpsReport({ filters, refreshed }: { filters: ReportFilters | null; refreshed: number }) {
  const { t } = useI18n();
  const { departmentName, agentName } = useConsole();
  const [by, setBy] = useState<FollowUpReportBy>('department');
  const query: Query | null = filters && { from: filters.from, to: filters.to, tz: filters.tz, departmentId: filters.departmentId, agentId: filters.agentId, by };
  const key = query ? `${JSON.stringify(query)}|${refreshed}` : null;
  const report = useReport<FollowUpReport>(() => surveysApi.report(query!), key);
  const r = report.data;
  const totals = r?.totals;

  const figures: Figure[] = useMemo(() => (totals ? [
    { key: 'created', label: t('followrules.report.created'), value: totals.created ?? 0 },
    { key: 'due', label: t('followrules.report.due'), value: totals.due ?? 0 },
    { key: 'done', label: t('followrules.report.done'), value: totals.done ?? 0 },
    { key: 'overdue', label: t('followrules.report.overdue'), value: totals.overdue ?? 0, tone: totals.overdue ? 'danger' : undefined },
    { key: 'cancelled', label: t('followrules.report.cancelled'), value: totals.cancelled ?? 0 },
    ...FOLLOW_UP_OUTCOMES.map((o): Figure => ({ key: `outcome-${o}`, label: t(`surveys.outcome.${o}`), value: totals.outcomes?.[o] ?? 0 })),
  ] : []), [totals, t]);

  const rows = (r?.rows ?? []).map((row) => ({ ...row, ...Object.fromEntries(FOLLOW_UP_OUTCOMES.map((o) => [`outcome.${o}`, row.outcomes?.[o] ?? 0])) }));

  return (
    <section className="report-card" aria-labelledby="report-follow-ups-title" aria-busy={report.loading} data-testid="report-follow-ups">
      <header className="report-card__head">
        <h2 id="report-follow-ups-title">{t('followrules.report.title')}</h2>
        <label className="report-by">
          <span>{t('reports.breakdown.by')}</span>
          <select value={by} onChange={(e) => setBy(e.target.value as FollowUpReportBy)} data-testid="follow-ups-report-by">
            {FOLLOW_UP_REPORT_BY.map((d) => <option key={d} value={d}>{t(`reports.dimension.${d}`)}</option>)}
          </select>
        </label>
        <span className="report-card__spacer" />
        <CsvButton download={surveysApi.reportCsv} query={query} what={t('followrules.report.title')} testId="csv-follow-ups" />
      </header>
      <p className="muted small report-scope">{t('followrules.report.scope')}</p>
      {report.error && <ErrorNote error={report.error} onRetry={report.reload} />}
      {!r && report.loading && <p className="muted report-loading">{t('common.loading')}</p>}
      {r && (
        <div className={report.loading ? 'report--stale' : undefined}>
          <FigureCards figures={figures} testPrefix="follow-ups-kpi" />
          <FigureTable rows={rows} testId="follow-ups-report-table" dimension={t(`reports.dimension.${by}`)}
            columns={[
              { key: 'created', label: t('followrules.report.created') },
              { key: 'due', label: t('followrules.report.due') },
              { key: 'done', label: t('followrules.report.done') },
              { key: 'overdue', label: t('followrules.report.overdue') },
              { key: 'cancelled', label: t('followrules.report.cancelled') },
              ...FOLLOW_UP_OUTCOMES.map((o) => ({ key: `outcome.${o}`, label: t(`surveys.outcome.${o}`) })),
            ]}
            labelOf={(row) => row.label || (row.key === null ? (by === 'agent' ? t('common.unassigned') : t('reports.breakdown.none'))
              : by === 'agent' ? agentName(Number(row.key)) : departmentName(Number(row.key)))} />
        </div>
      )}
    </section>
  );
}
