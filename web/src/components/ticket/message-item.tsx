import { memo, useState } from 'react';
import { formatCallDuration, formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import type { Message, TicketDetail } from '../../types';
import { AttachmentLink } from './attachment-link';
import { EmailHtmlFrame } from './email-html-frame';

interface Props { message: Message; ticket: TicketDetail }

function authorName(m: Message, ticket: TicketDetail, agentName: (id: number | null) => string, t: (k: 'message.member' | 'message.system') => string): string {
  if (m.author.type === 'agent') return m.author.name ?? agentName(m.author.agentId);
  if (m.author.type === 'member') return ticket.member?.name ?? t('message.member');
  return t('message.system');
}

export const MessageItem = memo(function MessageItem({ message: m, ticket }: Props) {
  const { t, locale } = useI18n();
  const { agentName } = useConsole();
  const [showQuoted, setShowQuoted] = useState(false);
  const [showHtml, setShowHtml] = useState(false);
  const internal = m.visibility === 'internal';
  const call = m.meta?.call;
  const kind = internal ? 'internal' : m.author.type === 'system' ? 'system' : m.direction;
  const body = m.fresh !== undefined ? m.fresh : m.text;

  return (
    <article className={`msg msg--${kind}`} data-testid="message" data-visibility={m.visibility} data-message-id={m.id}
      data-author-type={m.author.type} data-direction={m.direction}>
      <header className="msg__head">
        <strong className="msg__author">{authorName(m, ticket, agentName, t)}</strong>
        {internal && <span className="msg__internal-label">{t('message.internal')}</span>}
        <span className="msg__channel">{call ? t(`message.call.${call.direction}`, { duration: formatCallDuration(call.durationSeconds) }) : t(`channel.${m.channel}`)}</span>
        {m.direction === 'outbound' && !internal && m.deliveryState && (
          <span className={`msg__delivery msg__delivery--${m.deliveryState}`}>{t(`delivery.${m.deliveryState}`)}</span>
        )}
        <time className="msg__time" dateTime={m.createdAt} title={formatFullTime(m.createdAt, locale)}>{formatTime(m.createdAt, locale)}</time>
      </header>
      {showHtml && m.html ? <EmailHtmlFrame html={m.html} /> : <div className="msg__text">{body}</div>}
      {!showHtml && m.quoted && (
        showQuoted ? <div className="msg__quoted">{m.quoted}</div> : null
      )}
      {(m.quoted || m.html) && (
        <div className="msg__toggles">
          {!showHtml && m.quoted && (
            <button type="button" className="link-btn" onClick={() => setShowQuoted(!showQuoted)} aria-expanded={showQuoted} data-testid="toggle-quoted">
              {showQuoted ? t('message.hideQuoted') : t('message.showQuoted')}
            </button>
          )}
          {m.html && (
            <button type="button" className="link-btn" onClick={() => setShowHtml(!showHtml)} data-testid="toggle-html">
              {showHtml ? t('message.showText') : t('message.showHtml')}
            </button>
          )}
        </div>
      )}
      {m.attachments.length > 0 && (
        <div className="msg__attachments">
          {m.attachments.map((file, i) => <AttachmentLink key={i} ticketId={ticket.id} messageId={m.id} index={i} file={file} />)}
        </div>
      )}
    </article>
  );
});
