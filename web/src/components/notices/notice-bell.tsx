import { useEffect, useRef, useState } from 'react';
import { formatRelative } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useServerNow } from '../../server-clock';
import { noticeTone, useNotices } from '../../state/notices-context';

interface Props { onOpenTicket(id: number): void }

/** The notices of this session (the server keeps no list): count of unread, newest first. */
export function NoticeBell({ onOpenTicket }: Props) {
  const { notices, unreadCount, markAllRead, clearNotices } = useNotices();
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  const box = useRef<HTMLDivElement>(null);
  const now = useServerNow();

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => { if (!box.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const toggle = () => {
    // Opening the list is reading it.
    if (open) markAllRead();
    setOpen(!open);
  };

  return (
    <div className="bell" ref={box}>
      <button type="button" className="icon-btn bell__btn" onClick={toggle} aria-expanded={open} data-testid="notice-bell"
        aria-label={t('notices.bell', { count: unreadCount })} title={t('notices.title')}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" /></svg>
        {unreadCount > 0 && <span className="bell__count" data-testid="notice-count">{unreadCount > 99 ? '99+' : unreadCount}</span>}
      </button>
      {open && (
        <div className="bell__panel" role="dialog" aria-label={t('notices.title')} data-testid="notice-list">
          <header className="bell__head">
            <strong>{t('notices.title')}</strong>
            {notices.length > 0 && <button type="button" className="link-btn" onClick={clearNotices}>{t('notices.clear')}</button>}
          </header>
          {permission === 'default' && (
            <button type="button" className="bell__permission" onClick={() => { void Notification.requestPermission().then(setPermission); }}>
              {t('notices.enableDesktop')}
            </button>
          )}
          {notices.length === 0 ? <p className="bell__empty">{t('notices.empty')}</p> : (
            <ul className="bell__list">
              {notices.map((n) => (
                <li key={n.id} className={`bell__item bell__item--${noticeTone(n.kind)}${n.read ? '' : ' bell__item--unread'}`}>
                  <button type="button" onClick={() => { onOpenTicket(n.ticketId); markAllRead(); setOpen(false); }}>
                    <span className="bell__kind">{t(`notice.${n.kind}`, { number: n.number, rating: n.rating ?? "" })}</span>
                    <span className="bell__subject">{n.subject}</span>
                    <span className="bell__time">{formatRelative(n.at, locale, now)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
