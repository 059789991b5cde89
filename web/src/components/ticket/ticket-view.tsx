import { useEffect, useState, type Ref } from 'react';
import { useOpenTicket } from '../../hooks/use-open-ticket';
import { formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { useViewers } from '../../state/viewers-store';
import type { CallResult, QueueSla, TicketDetail } from '../../types';
import { ChannelBadge, PriorityBadge, StatusBadge } from '../common/badges';
import { ErrorNote } from '../common/error-note';
import { ViewerChips } from '../common/viewer-chips';
import { CallLogDialog } from './call-log-dialog';
import { Composer, type ComposerHandle } from './composer';
import { HistoryPanel } from './history-panel';
import { MemberPanel } from './member-panel';
import { PropertiesPanel } from './properties-panel';
import { SlaPanel } from './sla-panel';
import { SurveyPanel } from './survey-panel';
import { Thread } from './thread';
import { TriagePanel } from './triage-panel';
import { TypingIndicator } from './typing-indicator';

interface Props {
  ticketId: number;
  queueSla?: QueueSla | null;
  composerRef: Ref<ComposerHandle>;
  onOpen(id: number, replace?: boolean): void;
  onClose(): void;
  /** The ticket changed here: the queue follows even without the socket. */
  onChanged(t: TicketDetail): void;
  /** It left this agent's sight (transferred away) or was merged into another. */
  onGone(nextTicketId: number | null): void;
  onSeen(id: number): void;
}

export function TicketView({ ticketId, queueSla, composerRef, onOpen, onClose, onChanged, onGone, onSeen }: Props) {
  const { t, locale } = useI18n();
  const { me, realtime, viewers, departmentName, agentName } = useConsole();
  const { toast } = useNotices();
  const open = useOpenTicket(ticketId, me.id, realtime, viewers);
  const others = useViewers(viewers, ticketId, me.id);
  const [details, setDetails] = useState(false);
  const [loggingCall, setLoggingCall] = useState(false);
  const ticket = open.ticket;

  // GET /tickets/:id follows a merge to the surviving ticket: the address follows too.
  useEffect(() => {
    if (ticket && ticket.id !== ticketId) onOpen(ticket.id, true);
  }, [ticket, ticketId, onOpen]);

  useEffect(() => { if (ticket?.id === ticketId) onSeen(ticketId); }, [ticket?.id, ticket?.lastMessageAt, ticketId, onSeen]);

  const changed = (t2: TicketDetail) => {
    open.replace(t2);
    onChanged(t2);
  };

  const callLogged = (r: CallResult) => {
    setLoggingCall(false);
    toast({ tone: 'success', text: t(r.duplicate ? 'call.duplicate' : 'call.logged', { number: r.ticketNumber }) });
    if (r.ticketId !== ticketId) onOpen(r.ticketId);
    else open.reload();
  };

  if (open.error) {
    return (
      <section className="ticket ticket--empty" data-testid="ticket-view" data-ticket-id={ticketId}>
        <ErrorNote error={open.error} onRetry={open.reload} />
        <button type="button" className="btn" onClick={onClose}>{t('ticket.backToQueue')}</button>
      </section>
    );
  }
  if (!ticket || ticket.id !== ticketId) {
    return <section className="ticket ticket--empty" data-testid="ticket-view" data-loading="true" data-ticket-id={ticketId}><p className="muted">{t('common.loading')}</p></section>;
  }

  return (
    <section className={`ticket${details ? ' ticket--details' : ''}`} data-testid="ticket-view" data-ticket-id={ticket.id} aria-label={ticket.number}>
      <header className="ticket__head">
        <button type="button" className="icon-btn ticket__back" onClick={onClose} aria-label={t('ticket.backToQueue')} title={t('ticket.backToQueue')}>←</button>
        <div className="ticket__title">
          <div className="ticket__line">
            <span className="ticket__number">{ticket.number}</span>
            <StatusBadge status={ticket.status} />
            <PriorityBadge priority={ticket.priority} />
            <ChannelBadge channel={ticket.channel} />
            {ticket.tags.map((x) => <span key={x} className="tag tag--small">{x}</span>)}
          </div>
          <h1 className="ticket__subject">{ticket.subject || t('ticket.noSubject')}</h1>
          <div className="ticket__meta">
            <span>{departmentName(ticket.departmentId)}</span>
            <span>· {t('ticket.assignedTo', { name: ticket.assigneeId === me.id ? t('queue.me') : agentName(ticket.assigneeId) })}</span>
            <span title={formatFullTime(ticket.createdAt, locale)}>· {t('ticket.created', { time: formatTime(ticket.createdAt, locale) })}</span>
          </div>
        </div>
        <div className="ticket__tools">
          {others.length > 0 && (
            <span className="ticket__viewers">
              <span className="muted small">{t('viewers.alsoHere')}</span>
              <ViewerChips viewers={others} />
            </span>
          )}
          <button type="button" className="icon-btn" onClick={() => { open.acknowledgeReplies(); open.reload(); }}
            aria-label={t('ticket.refresh')} title={t('ticket.refresh')} data-testid="ticket-refresh">↻</button>
          <button type="button" className="btn btn--small ticket__details-btn" onClick={() => setDetails(!details)} aria-expanded={details} data-testid="details-toggle">
            {t(details ? 'ticket.hideDetails' : 'ticket.showDetails')}
          </button>
          <button type="button" className="icon-btn" onClick={onClose} aria-label={t('ticket.close')} title={t('ticket.close')} data-testid="ticket-close">×</button>
        </div>
      </header>
      {ticket.status === 'merged' && ticket.mergedIntoId && (
        <p className="banner">{t('ticket.mergedInto')} <button type="button" className="link-btn" onClick={() => onOpen(ticket.mergedIntoId!)}>#{ticket.mergedIntoId}</button></p>
      )}
      <div className="ticket__body">
        <div className="ticket__main">
          <Thread ticket={ticket} />
          <TypingIndicator memberTyping={open.memberTyping} memberName={ticket.member?.name ?? null} colleagues={others} />
          <Composer key={ticket.id} ref={composerRef} ticket={ticket} othersReplied={open.othersReplied}
            onRepliesSeen={open.acknowledgeReplies} onLogCall={() => setLoggingCall(true)}
            onSent={(t2) => { if (t2) changed(t2); else open.reload(); }} />
        </div>
        <aside className="ticket__side" aria-label={t('ticket.details')}>
          <PropertiesPanel ticket={ticket} onChanged={changed} onGone={onGone} />
          <SlaPanel ticket={ticket} queueSla={queueSla} onAcknowledged={open.reload} />
          <MemberPanel ticket={ticket} onOpen={(id) => onOpen(id)} onChanged={changed} />
          <SurveyPanel ticket={ticket} />
          <TriagePanel ticket={ticket} onChanged={changed} />
          <HistoryPanel ticket={ticket} />
        </aside>
      </div>
      {loggingCall && <CallLogDialog ticket={ticket} onClose={() => setLoggingCall(false)} onLogged={callLogged} />}
    </section>
  );
}
