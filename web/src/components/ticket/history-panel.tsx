import { useCallback, useEffect, useState } from 'react';
import { api, asApiError, type ApiError } from '../../api';
import { formatFullTime, formatTime } from '../../format';
import { useI18n, type Translate } from '../../i18n/i18n';
import { useConsole, type ConsoleData } from '../../state/console-context';
import type { TicketDetail, TicketEvent } from '../../types';
import { ErrorNote } from '../common/error-note';

interface Props { ticket: TicketDetail }

type Lookup = Pick<ConsoleData, 'agentName' | 'departmentName' | 'categoryLabel'>;

/** One event as a sentence: known types get their own words, the rest say their type. */
function describe(e: TicketEvent, t: Translate, tMaybe: (k: string, v?: Record<string, string | number>) => string | null, c: Lookup): string {
  const d = e.data;
  const str = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
  const vars: Record<string, string | number> = {};
  switch (e.type) {
    case 'status.changed':
      vars.from = tMaybe(`status.${str(d.from)}`) ?? str(d.from);
      vars.to = tMaybe(`status.${str(d.to)}`) ?? str(d.to);
      break;
    case 'priority.changed':
      vars.from = tMaybe(`priority.${str(d.from)}`) ?? str(d.from);
      vars.to = tMaybe(`priority.${str(d.to)}`) ?? str(d.to);
      break;
    case 'assignee.changed':
      vars.from = d.from == null ? t('common.unassigned') : c.agentName(Number(d.from));
      vars.to = d.to == null ? t('common.unassigned') : c.agentName(Number(d.to));
      break;
    case 'department.changed':
      vars.from = c.departmentName(Number(d.from));
      vars.to = c.departmentName(Number(d.to));
      break;
    case 'tags.changed': {
      const added = Array.isArray(d.added) ? d.added.join(', ') : '';
      const removed = Array.isArray(d.removed) ? d.removed.join(', ') : '';
      // Most changes only add or only remove: say just that.
      if (!removed) return t('event.tags.added', { tags: added });
      if (!added) return t('event.tags.removed', { tags: removed });
      return t('event.tags.changed', { added, removed });
    }
    case 'ticket.merged':
      vars.number = str(d.intoNumber);
      break;
    case 'ticket.merged_from':
      vars.number = str(d.fromNumber);
      break;
    case 'ticket.follow_up':
      vars.number = str(d.number);
      break;
    case 'message.received':
    case 'message.sent':
      vars.channel = tMaybe(`channel.${str(d.channel)}`) ?? str(d.channel);
      break;
    case 'sla.warning':
    case 'sla.breached':
    case 'sla.escalated':
      vars.metric = tMaybe(`metric.${str(d.metric)}`) ?? str(d.metric);
      vars.level = str(d.level);
      break;
    case 'sla.policy_applied':
      vars.name = str(d.name);
      break;
  }
  return tMaybe(`event.${e.type}`, vars) ?? e.type;
}

export function HistoryPanel({ ticket }: Props) {
  const { t, tMaybe, locale } = useI18n();
  const lookup = useConsole();
  const [open, setOpen] = useState(false);
  const [events, setEvents] = useState<TicketEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const fetchEvents = useCallback((after?: string) => {
    api.events(ticket.id, after).then((p) => {
      setEvents((prev) => (after && prev ? [...prev, ...p.items] : p.items));
      setCursor(p.nextCursor);
      setError(null);
    }, (err: unknown) => setError(asApiError(err)));
  }, [ticket.id]);

  useEffect(() => { setEvents(null); }, [ticket.id]);
  // Re-read while open whenever the ticket changed: its updatedAt and thread move with every event.
  useEffect(() => {
    if (open) fetchEvents();
  }, [open, fetchEvents, ticket.updatedAt, ticket.messages.length]);

  const actor = (e: TicketEvent) => {
    if (e.actor.type === 'agent') return lookup.agentName(e.actor.id);
    if (e.actor.type === 'member') return ticket.member?.name ?? t('message.member');
    return t('message.system');
  };

  return (
    <section className="panel" aria-label={t('history.title')} data-testid="history-panel">
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="panel__title">{t('history.title')}</summary>
        {error && <ErrorNote error={error} onRetry={() => fetchEvents()} />}
        {open && events === null && !error && <p className="muted small">{t('common.loading')}</p>}
        {events && (
          <ol className="history">
            {events.map((e) => (
              <li key={e.id} className="history__item" data-event-type={e.type}>
                <time dateTime={e.createdAt} title={formatFullTime(e.createdAt, locale)}>{formatTime(e.createdAt, locale)}</time>
                <span className="history__actor">{actor(e)}</span>
                <span className="history__text">{describe(e, t, tMaybe, lookup)}</span>
              </li>
            ))}
          </ol>
        )}
        {cursor && <button type="button" className="btn btn--small btn--block" onClick={() => fetchEvents(cursor)}>{t('common.loadMore')}</button>}
      </details>
    </section>
  );
}
