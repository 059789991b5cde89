import { useCallback, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { api, asApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { TRANSITIONS, type Message, type TicketDetail, type TicketStatus } from '../../types';
import { CollisionDialog } from './collision-dialog';

export type ComposeMode = 'public' | 'internal';
export interface ComposerHandle { focus(mode: ComposeMode): void }

interface Props {
  ticket: TicketDetail;
  othersReplied: Message[];
  onSent(ticket: TicketDetail | null): void;
  onRepliesSeen(): void;
  onLogCall(): void;
  ref?: Ref<ComposerHandle>;
}

/** Unsent text per ticket and mode: j/k through the queue must not lose a half-written reply. */
const drafts = new Map<string, string>();
const draftKey = (ticketId: number, mode: ComposeMode) => `${ticketId}:${mode}`;

const TYPING_IDLE_MS = 3000;
const AFTER_SEND: readonly TicketStatus[] = ['pending', 'on_hold', 'solved'];

export function Composer({ ticket, othersReplied, onSent, onRepliesSeen, onLogCall, ref }: Props) {
  const { t, tMaybe } = useI18n();
  const { channels, realtime } = useConsole();
  const { reportError, toast } = useNotices();
  const [mode, setMode] = useState<ComposeMode>('public');
  const [text, setText] = useState(() => drafts.get(draftKey(ticket.id, 'public')) ?? '');
  const [thenStatus, setThenStatus] = useState<TicketStatus | ''>('');
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ on: boolean; timer?: ReturnType<typeof setTimeout> }>({ on: false });

  const channel = channels.find((c) => c.kind === ticket.channel);
  // Without the channel list (it failed to load) the server decides, and says why if it cannot.
  const canReply = mode === 'internal' || (channel ? channel.sendsText : channels.length === 0);
  const closed = ticket.status === 'closed' || ticket.status === 'merged';
  const statusChoices = AFTER_SEND.filter((s) => s !== ticket.status && TRANSITIONS[ticket.status].includes(s));

  const stopTyping = useCallback(() => {
    clearTimeout(typing.current.timer);
    if (typing.current.on) realtime.typing(ticket.id, false);
    typing.current.on = false;
  }, [realtime, ticket.id]);

  // Leaving the ticket (or the console) ends our typing there.
  useEffect(() => stopTyping, [stopTyping]);

  useImperativeHandle(ref, () => ({
    focus(m: ComposeMode) {
      switchMode(m);
      requestAnimationFrame(() => area.current?.focus());
    },
  }));

  const switchMode = (m: ComposeMode) => {
    if (m === mode) return;
    drafts.set(draftKey(ticket.id, mode), text);
    setMode(m);
    setText(drafts.get(draftKey(ticket.id, m)) ?? '');
  };

  const change = (value: string) => {
    setText(value);
    drafts.set(draftKey(ticket.id, mode), value);
    if (!value.trim()) {
      stopTyping();
      return;
    }
    if (!typing.current.on) {
      typing.current.on = true;
      realtime.typing(ticket.id, true);
    }
    clearTimeout(typing.current.timer);
    typing.current.timer = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = async (force = false) => {
    const body = text.trim();
    if (!body || sending || closed) return;
    if (mode === 'public' && othersReplied.length && !force) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setSending(true);
    stopTyping();
    try {
      const r = await api.addMessage(ticket.id, { text: body, visibility: mode, ...(mode === 'public' && thenStatus ? { status: thenStatus } : {}) });
      drafts.delete(draftKey(ticket.id, mode));
      setText('');
      setThenStatus('');
      onRepliesSeen();
      onSent(r.ticket);
      toast({ tone: 'success', text: t(mode === 'public' ? 'composer.sent' : 'composer.noteAdded') });
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      // Esc leaves the box first; a second Esc closes the ticket.
      e.preventDefault();
      e.currentTarget.blur();
    }
  };

  const cannotSendHint = mode === 'public' && !canReply
    ? tMaybe(`composer.cannotSend.${ticket.channel}`) ?? t('composer.cannotSend', { channel: t(`channel.${ticket.channel}`) })
    : null;

  return (
    <div className={`composer composer--${mode}`} data-testid="composer" data-mode={mode}>
      <div className="composer__tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'public'} className={`composer__tab${mode === 'public' ? ' composer__tab--on' : ''}`}
          onClick={() => switchMode('public')} data-testid="reply-toggle">
          {t('composer.reply')} <span className="composer__via">{t('composer.via', { channel: t(`channel.${ticket.channel}`) })}</span>
        </button>
        <button type="button" role="tab" aria-selected={mode === 'internal'} aria-pressed={mode === 'internal'}
          className={`composer__tab composer__tab--note${mode === 'internal' ? ' composer__tab--on' : ''}`}
          onClick={() => switchMode(mode === 'internal' ? 'public' : 'internal')} data-testid="note-toggle">
          {t('composer.note')}
        </button>
        <span className="composer__spacer" />
        <button type="button" className="link-btn" onClick={onLogCall} data-testid="composer-log-call">{t('call.logForTicket')}</button>
      </div>
      {cannotSendHint && <p className="composer__hint" data-testid="composer-hint">{cannotSendHint}</p>}
      {closed && <p className="composer__hint">{t('composer.closed')}</p>}
      <textarea ref={area} className="composer__box" value={text} onChange={(e) => change(e.target.value)} onKeyDown={onKeyDown}
        onBlur={stopTyping} disabled={closed} rows={4} data-testid="reply-box"
        placeholder={t(mode === 'public' ? 'composer.replyPlaceholder' : 'composer.notePlaceholder')}
        aria-label={t(mode === 'public' ? 'composer.reply' : 'composer.note')} />
      <div className="composer__foot">
        <span className="composer__keys">{t('composer.keys')}</span>
        {mode === 'public' && statusChoices.length > 0 && (
          <select value={thenStatus} onChange={(e) => setThenStatus(e.target.value as TicketStatus | '')} aria-label={t('composer.thenStatus')} data-testid="reply-status">
            <option value="">{t('composer.keepStatus')}</option>
            {statusChoices.map((s) => <option key={s} value={s}>{t('composer.setStatus', { status: t(`status.${s}`) })}</option>)}
          </select>
        )}
        <button type="button" className={`btn ${mode === 'internal' ? 'btn--note' : 'btn--primary'}`} onClick={() => void send()}
          disabled={sending || !text.trim() || closed || !canReply} data-testid="reply-send">
          {sending ? t('composer.sending') : t(mode === 'public' ? 'composer.send' : 'composer.addNote')}
        </button>
      </div>
      {confirming && (
        <CollisionDialog replies={othersReplied} onSendAnyway={() => void send(true)}
          onCancel={() => { setConfirming(false); onRepliesSeen(); }} />
      )}
    </div>
  );
}
