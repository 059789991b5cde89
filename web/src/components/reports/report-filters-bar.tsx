import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { CHANNELS, TICKET_TYPES, TIERS, type Channel, type Tier, type TicketType } from '../../types';
import { formatDay } from './report-format';
import { customPeriodProblem, DIMENSION_FILTERS, dimensionsActive, MAX_PERIOD_DAYS, PERIOD_PRESETS, type PeriodPreset, type PeriodRange, type ReportSettings } from './report-settings';

interface Props {
  settings: ReportSettings;
  onChange(s: ReportSettings): void;
  /** The period the presets resolve to now; null when a custom period is incomplete or backwards. */
  range: PeriodRange | null;
  agentOptions: Array<{ id: number; name: string }>;
  onRefresh(): void;
}

/** Period (presets or custom days) and the dimensions every report of the page is narrowed by. */
export function ReportFiltersBar({ settings, onChange, range, agentOptions, onRefresh }: Props) {
  const { t, locale } = useI18n();
  const { departments, categories, me } = useConsole();
  const set = <K extends keyof ReportSettings>(key: K, value: ReportSettings[K]) => onChange({ ...settings, [key]: value });
  // Supervisors report on their own departments; admins and analysts on all.
  const visibleDepartments = me.role === 'supervisor' && me.departmentIds.length ? departments.filter((d) => me.departmentIds.includes(d.id)) : departments;
  const categoryOptions = [...categories].sort((a, b) => a.position - b.position);
  const lastDay = range ? new Date(range.to.getFullYear(), range.to.getMonth(), range.to.getDate() - 1) : null;

  return (
    <div className="report-filters" role="group" aria-label={t('reports.filters')} data-testid="report-filters">
      <div className="report-filters__period">
        <label className="field">
          <span>{t('reports.period')}</span>
          <select value={settings.preset} onChange={(e) => set('preset', e.target.value as PeriodPreset)} data-testid="report-period">
            {PERIOD_PRESETS.map((p) => <option key={p} value={p}>{t(`reports.period.${p}`)}</option>)}
          </select>
        </label>
        {settings.preset === 'custom' && (
          <>
            <label className="field">
              <span>{t('reports.period.from')}</span>
              <input type="date" value={settings.customFrom} max={settings.customTo || undefined} onChange={(e) => set('customFrom', e.target.value)} data-testid="report-from" />
            </label>
            <label className="field">
              <span>{t('reports.period.to')}</span>
              <input type="date" value={settings.customTo} min={settings.customFrom || undefined} onChange={(e) => set('customTo', e.target.value)} data-testid="report-to" />
            </label>
          </>
        )}
        <p className="report-filters__range" aria-live="polite" data-testid="report-range">
          {range && lastDay ? t('reports.period.range', { from: formatDay(range.from, locale), to: formatDay(lastDay, locale) })
            : <span className="report-filters__invalid" role="alert">{t(customPeriodProblem(settings) === 'tooLong' ? 'reports.period.tooLong' : 'reports.period.invalid', { days: MAX_PERIOD_DAYS })}</span>}
        </p>
      </div>
      <div className="report-filters__dims">
        <label className="field">
          <span>{t('filter.department')}</span>
          <select value={settings.departmentId ?? ''} onChange={(e) => set('departmentId', e.target.value ? Number(e.target.value) : null)} data-testid="report-department">
            <option value="">{t('filter.department.all')}</option>
            {visibleDepartments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('reports.dimension.agent')}</span>
          <select value={settings.agentId ?? ''} onChange={(e) => set('agentId', e.target.value ? Number(e.target.value) : null)} data-testid="report-agent">
            <option value="">{t('reports.filter.allAgents')}</option>
            {settings.agentId !== null && !agentOptions.some((a) => a.id === settings.agentId) && (
              <option value={settings.agentId}>{t('common.agentN', { id: settings.agentId })}</option>
            )}
            {agentOptions.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('reports.dimension.category')}</span>
          <select value={settings.category ?? ''} onChange={(e) => set('category', e.target.value || null)} data-testid="report-category">
            <option value="">{t('reports.filter.allCategories')}</option>
            {categoryOptions.map((c) => <option key={c.key} value={c.key}>{locale === 'en' ? c.labelEn : c.labelZh}{c.active ? '' : ` ${t('reports.filter.retired')}`}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('filter.channel')}</span>
          <select value={settings.channel ?? ''} onChange={(e) => set('channel', (e.target.value || null) as Channel | null)} data-testid="report-channel">
            <option value="">{t('filter.channel.all')}</option>
            {CHANNELS.map((c) => <option key={c} value={c}>{t(`channel.${c}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('filter.tier')}</span>
          <select value={settings.tier ?? ''} onChange={(e) => set('tier', (e.target.value || null) as Tier | null)} data-testid="report-tier">
            <option value="">{t('filter.tier.all')}</option>
            {TIERS.map((x) => <option key={x} value={x}>{t(`tier.${x}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('reports.dimension.type')}</span>
          <select value={settings.type ?? ''} onChange={(e) => set('type', (e.target.value || null) as TicketType | null)} data-testid="report-type">
            <option value="">{t('reports.filter.allTypes')}</option>
            {TICKET_TYPES.map((x) => <option key={x} value={x}>{t(`type.${x}`)}</option>)}
          </select>
        </label>
      </div>
      <div className="report-filters__actions">
        {dimensionsActive(settings) && (
          <button type="button" className="link-btn" onClick={() => onChange({ ...settings, ...Object.fromEntries(DIMENSION_FILTERS.map((k) => [k, null])) })} data-testid="report-reset">
            {t('filter.reset')}
          </button>
        )}
        <button type="button" className="btn btn--small" onClick={onRefresh} data-testid="report-refresh">{t('reports.refresh')}</button>
      </div>
    </div>
  );
}
