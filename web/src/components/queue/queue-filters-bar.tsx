import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { DEFAULT_FILTERS, QUEUE_SORTS, STATUS_VIEWS, filtersActive, type AssigneeView, type QueueFilters, type QueueSort, type StatusView } from '../../state/queue-filters';
import { CHANNELS, PRIORITIES, TIERS, type Channel, type Priority, type Tier } from '../../types';

interface Props { filters: QueueFilters; onChange(f: QueueFilters): void }

const ASSIGNEE_VIEWS: AssigneeView[] = ['all', 'mine', 'unassigned'];

export function QueueFiltersBar({ filters, onChange }: Props) {
  const { t } = useI18n();
  const { departments, me } = useConsole();
  const set = <K extends keyof QueueFilters>(key: K, value: QueueFilters[K]) => onChange({ ...filters, [key]: value });
  // Agents see their own departments' tickets; admins see every department.
  const visibleDepartments = me.role === 'admin' ? departments : departments.filter((d) => me.departmentIds.includes(d.id));

  return (
    <div className="queue-filters">
      <input type="search" className="queue-filters__search" placeholder={t('queue.search')} aria-label={t('queue.search')}
        value={filters.q} onChange={(e) => set('q', e.target.value)} data-testid="queue-search" />
      <div className="seg seg--full" role="group" aria-label={t('queue.assignee')}>
        {ASSIGNEE_VIEWS.map((v) => (
          <button key={v} type="button" className={`seg__btn${filters.assignee === v ? ' seg__btn--on' : ''}`} aria-pressed={filters.assignee === v}
            onClick={() => set('assignee', v)} data-testid={`queue-view-${v}`}>{t(`queue.view.${v}`)}</button>
        ))}
      </div>
      <div className="queue-filters__selects">
        <select value={filters.status} onChange={(e) => set('status', e.target.value as StatusView)} aria-label={t('filter.status')} data-testid="filter-status">
          {STATUS_VIEWS.map((s) => <option key={s} value={s}>{t(`filter.status.${s}`)}</option>)}
        </select>
        <select value={filters.departmentId ?? ''} onChange={(e) => set('departmentId', e.target.value ? Number(e.target.value) : null)}
          aria-label={t('filter.department')} data-testid="filter-department">
          <option value="">{t('filter.department.all')}</option>
          {visibleDepartments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
        <select value={filters.channel ?? ''} onChange={(e) => set('channel', (e.target.value || null) as Channel | null)} aria-label={t('filter.channel')} data-testid="filter-channel">
          <option value="">{t('filter.channel.all')}</option>
          {CHANNELS.map((c) => <option key={c} value={c}>{t(`channel.${c}`)}</option>)}
        </select>
        <select value={filters.priority ?? ''} onChange={(e) => set('priority', (e.target.value || null) as Priority | null)} aria-label={t('filter.priority')} data-testid="filter-priority">
          <option value="">{t('filter.priority.all')}</option>
          {PRIORITIES.map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
        </select>
        <select value={filters.tier ?? ''} onChange={(e) => set('tier', (e.target.value || null) as Tier | null)} aria-label={t('filter.tier')} data-testid="filter-tier">
          <option value="">{t('filter.tier.all')}</option>
          {TIERS.map((x) => <option key={x} value={x}>{t(`tier.${x}`)}</option>)}
        </select>
        <select value={filters.sort} onChange={(e) => set('sort', e.target.value as QueueSort)} aria-label={t('filter.sort')} data-testid="filter-sort">
          {QUEUE_SORTS.map((s) => <option key={s} value={s}>{t(`sort.${s}`)}</option>)}
        </select>
      </div>
      {filtersActive(filters) && (
        <button type="button" className="link-btn queue-filters__reset" onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort })}>
          {t('filter.reset')}
        </button>
      )}
    </div>
  );
}
