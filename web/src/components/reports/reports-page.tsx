import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { reportQuery, reportsApi } from '../../reports-api';
import { useConsole } from '../../state/console-context';
import { BreakdownSection } from './breakdown-section';
import { KpiCards } from './kpi-cards';
import { ReportFiltersBar } from './report-filters-bar';
import { useReport } from './report-format';
import { loadSettings, periodRange, reportFilters, saveSettings, type ReportSettings } from './report-settings';
import { FollowUpsReport } from './follow-ups-report';
import { SuggestionsReport } from './suggestions-report';
import { TrendSection } from './trend-section';
import './reports.css';
import { SegTabs } from '../common/seg-tabs';

const REPORT_SECTIONS = ['overview', 'suggestions', 'follow-ups'] as const;
type ReportSection = (typeof REPORT_SECTIONS)[number];
const SECTION_KEY = 'memberdesk.reports.section';
function loadSection(): ReportSection {
  try {
    const v = localStorage.getItem(SECTION_KEY);
    return (REPORT_SECTIONS as readonly string[]).includes(v ?? '') ? v as ReportSection : 'overview';
  } catch { return 'overview'; }
}

/** The managers' dashboard: summary figures, trends and a breakdown for one period and set of filters. */
export function ReportsPage() {
  const { t } = useI18n();
  const { me } = useConsole();
  // The top bar does not offer it to agents; one who types the address gets words, not a 403.
  if (me.role === 'agent') {
    return (
      <div className="reports" data-testid="reports">
        <h1 className="reports__title">{t('reports.title')}</h1>
        <p className="report-empty"><span>{t('reports.forbidden')}</span></p>
      </div>
    );
  }
  return <Dashboard />;
}

function Dashboard() {
  const { t, locale } = useI18n();
  const { agents, agentsUnavailable } = useConsole();
  const [settings, setSettings] = useState<ReportSettings>(loadSettings);
  const [section, setSection] = useState<ReportSection>(loadSection);
  useEffect(() => { try { localStorage.setItem(SECTION_KEY, section); } catch { /* this page only */ } }, [section]);
  useEffect(() => saveSettings(settings), [settings]);

  // "Last 7 days" means the days before the moment it is chosen (or the page opened).
  const range = useMemo(() => periodRange(settings), [settings.preset, settings.customFrom, settings.customTo]);
  const filters = range ? reportFilters(settings, range) : null;
  const key = filters && section === 'overview' ? JSON.stringify(filters) : null;

  const summary = useReport(() => reportsApi.summary(filters!), key);
  const trend = useReport(() => reportsApi.trend(filters!, settings.interval), key && `${key}|${settings.interval}`);
  const breakdown = useReport(() => reportsApi.breakdown(filters!, settings.by, locale), key && `${key}|${settings.by}|${locale}`);
  // Analysts may not list agents: the agents who had tickets in the period are the choices instead.
  const period = filters && { from: filters.from, to: filters.to, tz: filters.tz };
  const activeAgents = useReport(() => reportsApi.breakdown(period!, 'agent'), agentsUnavailable && period ? JSON.stringify(period) : null);

  const agentOptions = useMemo(() => {
    if (agentsUnavailable) {
      return (activeAgents.data?.rows ?? []).filter((r) => r.key !== null)
        .map((r) => ({ id: Number(r.key), name: r.label ?? t('common.agentN', { id: String(r.key) }) })).filter((a) => Number.isInteger(a.id) && a.id > 0);
    }
    return agents.filter((a) => a.role !== 'analyst' && (settings.departmentId === null || a.departmentIds.includes(settings.departmentId)))
      .map((a) => ({ id: a.id, name: a.name }));
  }, [agentsUnavailable, activeAgents.data, agents, settings.departmentId, t]);

  const [refreshed, setRefreshed] = useState(0);
  const refresh = () => { summary.reload(); trend.reload(); breakdown.reload(); setRefreshed((n) => n + 1); };

  return (
    <div className="reports" data-testid="reports">
      <header className="reports__head">
        <h1 className="reports__title">{t('reports.title')}</h1>
        <SegTabs className="reports__sections" values={REPORT_SECTIONS} value={section} onChange={setSection} label={t('reports.title')}
          text={(x) => t(`suggestions.reports.tab.${x}`)} testId="reports-tab" />
      </header>
      <ReportFiltersBar settings={settings} onChange={setSettings} range={range} agentOptions={agentOptions} onRefresh={refresh} />
      {section === 'suggestions' && <SuggestionsReport filters={filters} refreshed={refreshed} />}
      {section === 'follow-ups' && <FollowUpsReport filters={filters} refreshed={refreshed} />}
      {section === 'overview' && <>
      <KpiCards summary={summary} query={filters && reportQuery(filters)} />
      <TrendSection trend={trend} interval={settings.interval} onInterval={(interval) => setSettings((s) => ({ ...s, interval }))}
        query={filters && reportQuery(filters, { interval: settings.interval })} />
      <BreakdownSection breakdown={breakdown} by={settings.by} onBy={(by) => setSettings((s) => ({ ...s, by }))}
        query={filters && reportQuery(filters, { by: settings.by, lang: locale })} />
      </>}
    </div>
  );
}
