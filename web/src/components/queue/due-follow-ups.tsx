import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, asApiError } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useServerNow } from '../../server-clock';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { surveysApi, type FollowUp } from '../../surveys-api';
import { Countdown } from '../common/countdown';
import { FollowUpDoneDialog } from '../follow-ups/follow-up-done-dialog';
import '../follow-ups/follow-ups.css';
import './due-follow-ups.css';

/** Shown: due now, or due within the next hour. */
const AHEAD_MS = 60 * 60_000;
const REFRESH_MS = 60_000;
const OPEN_KEY = 'memberdesk.queue.followUpsOpen';

/** The server may not know `assigneeId` on the list yet: then read the department's open ones and pick here. */
let assigneeParam = true;

async function loadDue(meId: number): Promise<FollowUp[]> {
  const mine = (f: FollowUp) => f.assigneeId === meId || f.assigneeId === null;
  if (assigneeParam) {
    try {
      const [me, none] = await Promise.all([
        surveysApi.followUps({ status: 'open', assigneeId: 'me', limit: 50 }),
        surveysApi.followUps({ status: 'open', assigneeId: 'none', limit: 50 }),
      ]);
      return [...me.items, ...none.items.filter((x) => !me.items.some((y) => y.id === x.id))];
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'VALIDATION_FAILED')) throw err;
      assigneeParam = false;
    }
  }
  return (await surveysApi.followUps({ status: 'open', limit: 100 })).items.filter(mine);
}

function readOpen(): boolean {
  try { return localStorage.getItem(OPEN_KEY) !== '0'; } catch { return true; }
}

/**
 * "Follow-ups due" at the top of the live queue: the agent's own and their departments' unassigned follow-ups that
 * are due or fall due within the hour, each with its countdown; recording the outcome from here.
 */
export function DueFollowUps({ onOpen }: { onOpen(ticketId: number): void }) {
  const { t, locale } = useI18n();
  const { me, realtime } = useConsole();
  const { toast } = useNotices();
  const now = useServerNow();
  const [items, setItems] = useState<FollowUp[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState(readOpen);
  const [marking, setMarking] = useState<FollowUp | null>(null);
  const generation = useRef(0);

  const reload = useCallback(() => {
    const gen = ++generation.current;
    loadDue(me.id).then((list) => {
      if (gen !== generation.current) return;
      setItems(list);
      setError(null);
    }, (err: unknown) => {
      if (gen !== generation.current) return;
      setError(asApiError(err));
    });
  }, [me.id]);

  useEffect(() => {
    reload();
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  // A follow-up fell due or was opened (a low rating): read the list again.
  useEffect(() => realtime.on('notice', (n) => {
    if (String(n.kind).startsWith('follow_up')) reload();
  }), [realtime, reload]);

  useEffect(() => {
    try { localStorage.setItem(OPEN_KEY, open ? '1' : '0'); } catch { /* remembered for this page only */ }
  }, [open]);

  const due = (items ?? []).filter((f) => f.status === 'open' && Date.parse(f.dueAt) <= now + AHEAD_MS)
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id - b.id);
  const overdue = due.filter((f) => Date.parse(f.dueAt) <= now).length;

  // Nothing due and nothing wrong: the section keeps out of the way.
  if (!error && due.length === 0) return null;

  const done = (f: FollowUp) => {
    setMarking(null);
    if (f.status === 'open') toast({ tone: 'success', text: t('followrules.done.retryScheduled', { number: f.ticketNumber, time: formatTime(f.dueAt, locale) }) });
    else toast({ tone: 'success', text: t('surveys.done.saved', { number: f.ticketNumber }) });
    if (f.reopened) toast({ tone: 'warning', text: t('followrules.done.reopened', { number: f.ticketNumber }) });
    setItems((list) => list && (f.status === 'open' ? list.map((x) => (x.id === f.id ? { ...x, ...f } : x)) : list.filter((x) => x.id !== f.id)));
    reload();
  };

  return (
    <section className={`due-follow-ups${overdue ? ' due-follow-ups--overdue' : ''}`} aria-label={t('followrules.due.title')} data-testid="due-follow-ups" data-count={due.length}>
      <button type="button" className="due-follow-ups__head" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="due-follow-ups-toggle">
        <span aria-hidden="true" className="due-follow-ups__caret">{open ? '▾' : '▸'}</span>
        <strong>{t('followrules.due.title')}</strong>
        <span className="due-follow-ups__count">{due.length}</span>
        {overdue > 0 && <span className="due-follow-ups__late">{t('followrules.due.overdueCount', { count: overdue })}</span>}
      </button>
      {open && error && <p className="due-follow-ups__error small" role="alert">{t('followrules.due.error')} <code>{error.code}</code></p>}
      {open && due.length > 0 && (
        <ul className="due-follow-ups__list">
          {due.map((f) => {
            const late = Date.parse(f.dueAt) <= now;
            return (
              <li key={f.id} className={`due-follow-up${late ? ' due-follow-up--overdue' : ''}`} data-testid="due-follow-up" data-follow-up-id={f.id} data-overdue={late ? 'true' : 'false'}>
                <button type="button" className="due-follow-up__open" onClick={() => onOpen(f.ticketId)} data-testid="due-follow-up-open">
                  <span className="due-follow-up__top">
                    <span className="due-follow-up__number">{f.ticketNumber}</span>
                    {f.channel && <span className="due-follow-up__channel">{t(`followrules.channel.${f.channel as 'call'}`)}</span>}
                    {f.assigneeId === null && <span className="due-follow-up__pool">{t('followrules.due.unassigned')}</span>}
                    {(f.attempts ?? 0) > 0 && <span className="due-follow-up__attempt">{t('followrules.due.attempt', { n: (f.attempts ?? 0) + 1, max: f.maxAttempts ?? '?' })}</span>}
                  </span>
                  <span className="due-follow-up__subject">{f.subject || t('ticket.noSubject')}</span>
                </button>
                <span className="due-follow-up__side">
                  <Countdown dueAt={f.dueAt} label={t('followrules.due.label')} />
                  <button type="button" className="btn btn--small" onClick={() => setMarking(f)} data-testid="due-follow-up-record">{t('followrules.due.record')}</button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {marking && <FollowUpDoneDialog followUp={marking} onClose={() => setMarking(null)} onDone={done} />}
    </section>
  );
}
