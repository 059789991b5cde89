import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { FOLLOW_UP_REASONS, FOLLOW_UP_STATUS_VIEWS, surveysApi, type FollowUp, type FollowUpReason, type FollowUpStatusView } from '../../surveys-api';
import { ErrorNote } from '../common/error-note';
import { FollowUpDoneDialog } from './follow-up-done-dialog';
import { FollowUpRules } from './follow-up-rules';
import { DueTime, FollowUpOutcomeText, FollowUpReasonText } from './follow-up-parts';
import './follow-ups.css';
import { LoadMoreButton } from '../common/load-more';
import { SegTabs } from '../common/seg-tabs';

const PAGE = 50;

interface Filters { status: FollowUpStatusView; departmentId: number | null; reason: FollowUpReason | null }

/** Follow-up tasks (回访) of the agent's departments: who to call back, why, by when; and recording how it went. */
export function FollowUpsPage({ onOpenTicket }: { onOpenTicket(id: number): void }) {
  const { t } = useI18n();
  const { me } = useConsole();
  const [tab, setTab] = useState<'tasks' | 'rules'>('tasks');
  // Admins change the rules; supervisors may read them.
  const showRules = me.role === 'admin' || me.role === 'supervisor';
  const tabs = showRules && (
    <SegTabs className="follow-ups__tabs" values={['tasks', 'rules'] as const} value={tab} onChange={setTab} label={t('surveys.followUps.title')}
      text={(x) => t(`followrules.tab.${x}`)} testId="follow-ups-tab" />
  );
  if (tab === 'rules') {
    return (
      <div className="follow-ups" data-testid="follow-ups">
        <header className="follow-ups__head">
          <h1 className="follow-ups__title">{t('surveys.followUps.title')}</h1>
          {tabs}
        </header>
        <FollowUpRules />
      </div>
    );
  }
  return <FollowUpTasks onOpenTicket={onOpenTicket} tabs={tabs || null} />;
}

function FollowUpTasks({ onOpenTicket, tabs }: { onOpenTicket(id: number): void; tabs: ReactNode }) {
  const { t, locale } = useI18n();
  const { me, departments, departmentName, agentName } = useConsole();
  const { toast } = useNotices();
  const [filters, setFilters] = useState<Filters>({ status: 'open', departmentId: null, reason: null });
  const [items, setItems] = useState<FollowUp[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [marking, setMarking] = useState<FollowUp | null>(null);
  const generation = useRef(0);

  const load = useCallback((after: string | null) => {
    const gen = after ? generation.current : ++generation.current;
    setLoading(true);
    setError(null);
    surveysApi.followUps({ ...filters, limit: PAGE, cursor: after }).then((page) => {
      if (gen !== generation.current) return;
      setItems((prev) => (after && prev ? [...prev, ...page.items.filter((x) => !prev.some((p) => p.id === x.id))] : page.items));
      setCursor(page.nextCursor);
      setLoading(false);
    }, (err: unknown) => {
      if (gen !== generation.current) return;
      if (!after) setItems(null);
      setError(asApiError(err));
      setLoading(false);
    });
  }, [filters]);

  useEffect(() => { load(null); }, [load]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const visibleDepartments = me.role === 'admin' || !me.departmentIds.length ? departments : departments.filter((d) => me.departmentIds.includes(d.id));

  const done = (f: FollowUp) => {
    setMarking(null);
    if (f.status === 'open') {
      // Unreachable with attempts left: still open, due again later.
      toast({ tone: 'success', text: t('followrules.done.retryScheduled', { number: f.ticketNumber, time: formatTime(f.dueAt, locale) }) });
      setItems((list) => list && list.map((x) => (x.id === f.id ? { ...x, ...f } : x)));
      return;
    }
    toast({ tone: 'success', text: t('surveys.done.saved', { number: f.ticketNumber }) });
    if (f.reopened) toast({ tone: 'warning', text: t('followrules.done.reopened', { number: f.ticketNumber }) });
    // Done leaves the open list; the other views show it with its outcome.
    setItems((list) => list && (filters.status === 'open' ? list.filter((x) => x.id !== f.id) : list.map((x) => (x.id === f.id ? { ...x, ...f } : x))));
  };

  return (
    <div className="follow-ups" data-testid="follow-ups">
      <header className="follow-ups__head">
        <h1 className="follow-ups__title">{t('surveys.followUps.title')}</h1>
        {tabs}
        {items && <span className="muted small" data-testid="follow-ups-count">{t(cursor ? 'surveys.followUps.countMore' : 'surveys.followUps.count', { count: items.length })}</span>}
        <span className="follow-ups__spacer" />
        <button type="button" className="btn btn--small" onClick={() => load(null)} disabled={loading} data-testid="follow-ups-refresh">{t('surveys.refresh')}</button>
      </header>
      <div className="follow-ups__filters" role="group" aria-label={t('surveys.followUps.filters')}>
        <div className="seg" role="group" aria-label={t('surveys.followUps.status')}>
          {FOLLOW_UP_STATUS_VIEWS.map((s) => (
            <button key={s} type="button" className={`seg__btn${filters.status === s ? ' seg__btn--on' : ''}`} aria-pressed={filters.status === s}
              onClick={() => set('status', s)} data-testid={`follow-ups-status-${s}`}>{t(`surveys.followUps.status.${s}`)}</button>
          ))}
        </div>
        <select value={filters.departmentId ?? ''} onChange={(e) => set('departmentId', e.target.value ? Number(e.target.value) : null)}
          aria-label={t('filter.department')} data-testid="follow-ups-department">
          <option value="">{t('filter.department.all')}</option>
          {visibleDepartments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
        <select value={filters.reason ?? ''} onChange={(e) => set('reason', (e.target.value || null) as FollowUpReason | null)}
          aria-label={t('surveys.followUps.reason')} data-testid="follow-ups-reason">
          <option value="">{t('surveys.followUps.reason.all')}</option>
          {FOLLOW_UP_REASONS.map((r) => <option key={r} value={r}>{t(`surveys.reason.${r}`)}</option>)}
        </select>
      </div>

      {error && <ErrorNote error={error} onRetry={() => load(items ? cursor : null)} />}
      {items === null && loading && <p className="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !loading && (
        <div className="follow-ups__empty" data-testid="follow-ups-empty">
          <strong>{t(filters.status === 'open' ? 'surveys.followUps.emptyOpen' : 'surveys.followUps.empty')}</strong>
          <span>{t('surveys.followUps.emptyHint')}</span>
        </div>
      )}
      {items && items.length > 0 && (
        <div className="follow-ups__table-wrap">
          <table className="follow-ups__table" data-testid="follow-ups-table">
            <thead>
              <tr>
                <th scope="col">{t('surveys.followUps.col.ticket')}</th>
                <th scope="col">{t('surveys.followUps.col.reason')}</th>
                <th scope="col">{t('filter.department')}</th>
                <th scope="col">{t('props.assignee')}</th>
                <th scope="col">{t('surveys.followUps.col.due')}</th>
                <th scope="col">{t('surveys.followUps.col.created')}</th>
                <th scope="col"><span className="follow-ups__sr">{t('surveys.followUps.col.action')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id} data-testid="follow-up-row" data-follow-up-id={f.id} data-status={f.status}>
                  <td className="follow-ups__ticket">
                    <button type="button" className="follow-ups__open" onClick={() => onOpenTicket(f.ticketId)} data-testid="follow-up-open">
                      <span className="follow-ups__number">{f.ticketNumber}</span>
                      <span className="follow-ups__subject">{f.subject || t('ticket.noSubject')}</span>
                    </button>
                  </td>
                  <td><FollowUpReasonText followUp={f} /></td>
                  <td>{departmentName(f.departmentId)}</td>
                  <td>{f.assigneeId === me.id ? t('props.meName', { name: me.name }) : agentName(f.assigneeId)}</td>
                  <td>
                    <DueTime followUp={f} />
                    {f.status === 'open' && (f.attempts ?? 0) > 0 && (
                      <span className="follow-ups__attempt small" data-testid="follow-up-attempt">{t('followrules.due.attempt', { n: (f.attempts ?? 0) + 1, max: f.maxAttempts ?? '?' })}</span>
                    )}
                  </td>
                  <td><time dateTime={f.createdAt} title={formatFullTime(f.createdAt, locale)}>{formatTime(f.createdAt, locale)}</time></td>
                  <td className="follow-ups__action">
                    {f.status === 'open'
                      ? <button type="button" className="btn btn--small" onClick={() => setMarking(f)} data-testid="follow-up-mark-done">{t('surveys.done.open')}</button>
                      : <FollowUpOutcomeText followUp={f} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && items && <LoadMoreButton onClick={() => load(cursor)} loading={loading} className="follow-ups__more" testId="follow-ups-more" />}
      {marking && <FollowUpDoneDialog followUp={marking} onClose={() => setMarking(null)} onDone={done} />}
    </div>
  );
}
