import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { suggestionsApi, type DecisionView, type SuggestionItem } from '../../suggestions-api';
import { TIERS, type Tier } from '../../types';
import { ChannelBadge, TierBadge } from '../common/badges';
import { Countdown } from '../common/countdown';
import { ErrorNote } from '../common/error-note';
import { AddToDecisionDialog, DecideDialog } from './decide-dialog';
import { TemplatesEditor } from './templates-editor';
import './suggestions.css';
import { LoadMoreButton } from '../common/load-more';
import { SegTabs } from '../common/seg-tabs';

const PAGE = 50;
const isTier = (v: unknown): v is Tier => (TIERS as readonly unknown[]).includes(v);
type Tab = 'awaiting' | 'decided' | 'templates';

/** The department's evaluation queue of member suggestions, their decisions, and the member-facing templates. */
export function SuggestionsPage({ onOpenTicket }: { onOpenTicket(id: number): void }) {
  const { t } = useI18n();
  const { me, departments } = useConsole();
  const [tab, setTab] = useState<Tab>('awaiting');
  const [departmentId, setDepartmentId] = useState<number | null>(null);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const canEditTemplates = me.role === 'admin' || me.role === 'supervisor';
  const visibleDepartments = me.role === 'admin' || !me.departmentIds.length ? departments : departments.filter((d) => me.departmentIds.includes(d.id));

  // Search as the agent types, a moment after they stop.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);

  const tabs: Tab[] = canEditTemplates ? ['awaiting', 'decided', 'templates'] : ['awaiting', 'decided'];

  return (
    <div className="suggestions" data-testid="suggestions">
      <header className="suggestions__head">
        <h1 className="suggestions__title">{t('suggestions.title')}</h1>
        <SegTabs values={tabs} value={tab} onChange={setTab} label={t('suggestions.title')} text={(x) => t(`suggestions.tab.${x}`)} testId="suggestions-tab" />
      </header>
      {tab === 'templates' ? <TemplatesEditor departments={visibleDepartments} /> : (
        <>
          <div className="suggestions__filters" role="group" aria-label={t('suggestions.filters')}>
            <select value={departmentId ?? ''} onChange={(e) => setDepartmentId(e.target.value ? Number(e.target.value) : null)}
              aria-label={t('filter.department')} data-testid="suggestions-department">
              <option value="">{t('filter.department.all')}</option>
              {visibleDepartments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </select>
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('suggestions.search')}
              aria-label={t('suggestions.search')} data-testid="suggestions-search" />
          </div>
          <SuggestionList key={tab} state={tab} departmentId={departmentId} q={q} onOpenTicket={onOpenTicket} />
        </>
      )}
    </div>
  );
}

interface ListProps { state: 'awaiting' | 'decided'; departmentId: number | null; q: string; onOpenTicket(id: number): void }

function SuggestionList({ state, departmentId, q, onOpenTicket }: ListProps) {
  const { t, locale } = useI18n();
  const { departmentName, agentName } = useConsole();
  const { toast } = useNotices();
  const [items, setItems] = useState<SuggestionItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState<'decide' | 'add' | null>(null);
  const generation = useRef(0);

  const load = useCallback((after: string | null) => {
    const gen = after ? generation.current : ++generation.current;
    setLoading(true);
    setError(null);
    suggestionsApi.list({ state, departmentId, q: q || undefined, cursor: after, limit: PAGE }).then((page) => {
      if (gen !== generation.current) return;
      setItems((prev) => (after && prev ? [...prev, ...page.items.filter((x) => !prev.some((p) => p.ticketId === x.ticketId))] : page.items));
      setCursor(page.nextCursor);
      setLoading(false);
      if (!after) setSelected(new Set());
    }, (err: unknown) => {
      if (gen !== generation.current) return;
      if (!after) setItems(null);
      setError(asApiError(err));
      setLoading(false);
    });
  }, [state, departmentId, q]);

  useEffect(() => { load(null); }, [load]);

  const chosen = useMemo(() => (items ?? []).filter((x) => selected.has(x.ticketId)), [items, selected]);
  const chosenDepartments = new Set(chosen.map((x) => x.departmentId));
  const mixed = chosenDepartments.size > 1;
  const toggle = (id: number) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  });
  const allOn = !!items?.length && items.every((x) => selected.has(x.ticketId));
  const toggleAll = () => setSelected(allOn ? new Set() : new Set((items ?? []).map((x) => x.ticketId)));

  const decided = (d: DecisionView, ids: number[], grouped: boolean) => {
    setDialog(null);
    toast({ tone: 'success', text: t(grouped ? 'suggestions.decide.added' : 'suggestions.decide.saved', { count: ids.length, outcome: t(`suggestions.outcome.${d.outcome}`) }) });
    // Decided ones leave the awaiting list.
    setItems((list) => list && (state === 'awaiting' ? list.filter((x) => !ids.includes(x.ticketId)) : list));
    setSelected(new Set());
    if (state !== 'awaiting') load(null);
  };

  return (
    <>
      {state === 'awaiting' && (
        <div className="suggestions__bar" data-testid="suggestions-bar">
          <span className="muted small" data-testid="suggestions-selected" data-count={chosen.length}>
            {chosen.length ? t('suggestions.selected', { count: chosen.length }) : t('suggestions.selectHint')}
          </span>
          {mixed && <span className="suggestions__warn small" role="alert">{t('suggestions.mixedDepartments')}</span>}
          <span className="suggestions__spacer" />
          <button type="button" className="btn btn--small" disabled={!chosen.length || mixed} onClick={() => setDialog('add')} data-testid="suggestions-add-to-decision">
            {t('suggestions.addToDecision')}
          </button>
          <button type="button" className="btn btn--small btn--primary" disabled={!chosen.length || mixed} onClick={() => setDialog('decide')} data-testid="suggestions-decide">
            {t('suggestions.decide')}
          </button>
        </div>
      )}
      {error && <ErrorNote error={error} onRetry={() => load(items ? cursor : null)} />}
      {items === null && loading && <p className="muted">{t('common.loading')}</p>}
      {items && items.length === 0 && !loading && (
        <div className="suggestions__empty" data-testid="suggestions-empty">
          <strong>{t(state === 'awaiting' ? 'suggestions.emptyAwaiting' : 'suggestions.emptyDecided')}</strong>
          <span>{t(q ? 'suggestions.emptySearch' : 'suggestions.emptyHint')}</span>
        </div>
      )}
      {items && items.length > 0 && (
        <div className="suggestions__table-wrap">
          <table className="suggestions__table" data-testid="suggestions-table" data-state={state}>
            <thead>
              <tr>
                {state === 'awaiting' && (
                  <th scope="col" className="suggestions__check">
                    <input type="checkbox" checked={allOn} onChange={toggleAll} aria-label={t('suggestions.selectAll')} data-testid="suggestions-select-all" />
                  </th>
                )}
                <th scope="col">{t('suggestions.col.suggestion')}</th>
                <th scope="col">{t('filter.department')}</th>
                <th scope="col">{t('suggestions.col.member')}</th>
                <th scope="col">{t('suggestions.col.created')}</th>
                <th scope="col">{state === 'awaiting' ? t('suggestions.col.due') : t('suggestions.col.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr key={x.ticketId} data-testid="suggestion-row" data-ticket-id={x.ticketId} data-number={x.number} className={selected.has(x.ticketId) ? 'suggestions__row--on' : undefined}>
                  {state === 'awaiting' && (
                    <td className="suggestions__check">
                      <input type="checkbox" checked={selected.has(x.ticketId)} onChange={() => toggle(x.ticketId)} aria-label={t('suggestions.select', { number: x.number })} data-testid="suggestion-select" />
                    </td>
                  )}
                  <td className="suggestions__ticket">
                    <button type="button" className="suggestions__open" onClick={() => onOpenTicket(x.ticketId)} data-testid="suggestion-open">
                      <span className="suggestions__number">{x.number}</span>
                      <span className="suggestions__subject">{x.subject || t('ticket.noSubject')}</span>
                    </button>
                    {x.excerpt && <span className="suggestions__excerpt">{x.excerpt}</span>}
                  </td>
                  <td>{departmentName(x.departmentId)}</td>
                  <td>
                    <span className="suggestions__member">
                    <ChannelBadge channel={x.channel} />
                    {isTier(x.memberTier) && x.memberTier !== 'standard' && <TierBadge tier={x.memberTier} />}
                    {x.language && x.language !== 'other' && <span className="muted small">{t(`suggestions.lang.${x.language === 'en' || x.language === 'zh-Hant' ? x.language : 'zh-Hans'}`)}</span>}
                    </span>
                  </td>
                  <td><time dateTime={x.createdAt} title={formatFullTime(x.createdAt, locale)}>{formatTime(x.createdAt, locale)}</time></td>
                  <td>
                    {state === 'awaiting' ? (
                      x.resolutionDueAt ? (
                        <span className="suggestions__due" data-testid="suggestion-due" data-breached={x.resolutionBreached ? 'true' : 'false'}>
                          {x.resolutionBreached && <span className="badge suggestions__overdue">{t('suggestions.overdue')}</span>}
                          <Countdown dueAt={x.resolutionDueAt} breached={!!x.resolutionBreached} label={t('suggestions.col.due')} />
                        </span>
                      ) : <span className="muted">—</span>
                    ) : x.decision ? (
                      <span className={`suggestion-decision suggestion-decision--${x.decision.outcome}`} data-testid="suggestion-decision" data-outcome={x.decision.outcome}>
                        <strong>{t(`suggestions.outcome.${x.decision.outcome}`)}</strong>
                        {x.decision.effectiveOn && <span className="muted small">{t('suggestions.effectiveOnShort', { date: x.decision.effectiveOn })}</span>}
                        <span className="suggestion-decision__summary">{x.decision.summary}</span>
                        <span className="muted small">{t('suggestions.decidedBy', { name: agentName(x.decision.decidedBy), time: formatTime(x.decision.decidedAt, locale) })}</span>
                      </span>
                    ) : <span className="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && items && <LoadMoreButton onClick={() => load(cursor)} loading={loading} className="suggestions__more" testId="suggestions-more" />}
      {dialog === 'decide' && chosen.length > 0 && <DecideDialog tickets={chosen} onClose={() => setDialog(null)} onDecided={(d) => decided(d, chosen.map((x) => x.ticketId), false)} />}
      {dialog === 'add' && chosen.length > 0 && <AddToDecisionDialog tickets={chosen} onClose={() => setDialog(null)} onAdded={(d) => decided(d, chosen.map((x) => x.ticketId), true)} />}
    </>
  );
}
