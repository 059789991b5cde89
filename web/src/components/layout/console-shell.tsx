import { useCallback, useEffect, useRef, useState } from 'react';
import { useTicketRoute, useView } from '../../hooks/use-hash-route';
import { WechatPage } from '../admin/wechat-page';
import { FollowUpsPage } from '../follow-ups/follow-ups-page';
import { ReportsPage } from '../reports/reports-page';
import { SuggestionsPage } from '../suggestions/suggestions-page';
import { useQueue } from '../../hooks/use-queue';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { loadFilters, saveFilters, type QueueFilters } from '../../state/queue-filters';
import type { CallResult } from '../../types';
import { Toasts } from '../notices/toasts';
import { QueuePanel } from '../queue/queue-panel';
import { ShortcutHelp } from '../shortcut-help';
import { CallLogDialog } from '../ticket/call-log-dialog';
import type { ComposerHandle } from '../ticket/composer';
import { TicketView } from '../ticket/ticket-view';
import { TopBar } from './top-bar';

/** The signed-in console: top bar, the live queue, the open ticket. */
export function ConsoleShell() {
  const { t } = useI18n();
  const { me, realtime } = useConsole();
  const { toast } = useNotices();
  const { ticketId, openTicket } = useTicketRoute();
  const view = useView();
  const [filters, setFilters] = useState<QueueFilters>(loadFilters);
  const queue = useQueue(filters, me.id, realtime, ticketId);
  const [help, setHelp] = useState(false);
  const [loggingCall, setLoggingCall] = useState(false);
  const composer = useRef<ComposerHandle>(null);

  useEffect(() => saveFilters(filters), [filters]);

  const open = useCallback((id: number | null, replace?: boolean) => openTicket(id, replace), [openTicket]);
  const close = useCallback(() => openTicket(null), [openTicket]);

  const step = (delta: 1 | -1) => {
    const items = queue.items;
    if (!items.length) return;
    const i = items.findIndex((x) => x.id === ticketId);
    const next = i < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.min(Math.max(i + delta, 0), items.length - 1);
    open(items[next]!.id);
    // Keep the selected row in sight while walking the queue.
    requestAnimationFrame(() => document.querySelector(`[data-testid="queue-item"][data-ticket-id="${items[next]!.id}"]`)?.scrollIntoView({ block: 'nearest' }));
  };

  useShortcuts({
    next: () => step(1),
    previous: () => step(-1),
    reply: () => composer.current?.focus('public'),
    note: () => composer.current?.focus('internal'),
    help: () => setHelp(true),
    escape: () => {
      if (help) setHelp(false);
      else if (document.activeElement instanceof HTMLElement && document.activeElement.matches('input, textarea, select')) document.activeElement.blur();
      else if (ticketId !== null) close();
    },
  });

  const callLogged = (r: CallResult) => {
    setLoggingCall(false);
    toast({ tone: 'success', text: t(r.duplicate ? 'call.duplicate' : 'call.logged', { number: r.ticketNumber }) });
    open(r.ticketId);
  };

  const selected = queue.items.find((x) => x.id === ticketId);

  return (
    <div className={`console${ticketId !== null ? ' console--ticket' : ''}`}>
      <TopBar onOpenTicket={open} onLogCall={() => setLoggingCall(true)} onHelp={() => setHelp(true)} />
      {view === 'reports' ? <main className="page" data-testid="reports-page"><ReportsPage /></main>
        : view === 'follow-ups' ? <main className="page" data-testid="follow-ups-page"><FollowUpsPage onOpenTicket={open} /></main>
        : view === 'suggestions' ? <main className="page" data-testid="suggestions-page"><SuggestionsPage onOpenTicket={open} /></main>
        : view === 'wechat' ? <main className="page" data-testid="wechat-page"><WechatPage /></main> : (
      <main className="workspace">
        <QueuePanel queue={queue} filters={filters} onFilters={setFilters} selectedId={ticketId} onOpen={open} />
        {ticketId !== null ? (
          <TicketView key={ticketId} ticketId={ticketId} queueSla={selected?.sla} composerRef={composer}
            onOpen={open} onClose={close} onChanged={queue.applyLocal} onSeen={queue.markRead}
            onGone={(next) => { queue.reload(); open(next); }} />
        ) : (
          <section className="ticket ticket--empty ticket--placeholder">
            <div className="placeholder">
              <strong>{t('ticket.noneOpen')}</strong>
              <span>{t('ticket.noneOpenHint')}</span>
            </div>
          </section>
        )}
      </main>
      )}
      <Toasts onOpenTicket={open} />
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      {loggingCall && <CallLogDialog onClose={() => setLoggingCall(false)} onLogged={callLogged} />}
    </div>
  );
}
