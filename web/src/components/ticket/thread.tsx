import { useLayoutEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { TicketDetail } from '../../types';
import { MessageItem } from './message-item';

/** Every channel's messages in one timeline; follows new messages while the agent is at the bottom. */
export function Thread({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const shownTicket = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // A newly opened ticket starts at its latest message.
    if (shownTicket.current !== ticket.id || atBottom.current) el.scrollTop = el.scrollHeight;
    shownTicket.current = ticket.id;
  }, [ticket.id, ticket.messages.length]);

  return (
    <div className="thread" ref={box} data-testid="thread" role="log" aria-label={t('thread.title')}
      onScroll={(e) => { const el = e.currentTarget; atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48; }}>
      {ticket.messages.length === 0 && <p className="thread__empty">{t('thread.empty')}</p>}
      {ticket.messages.map((m) => <MessageItem key={m.id} message={m} ticket={ticket} />)}
    </div>
  );
}
