import { useI18n } from '../../i18n/i18n';
import { useNotices } from '../../state/notices-context';

export function Toasts({ onOpenTicket }: { onOpenTicket(id: number): void }) {
  const { toasts, dismiss } = useNotices();
  const { t } = useI18n();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((x) => (
        <div key={x.id} className={`toast toast--${x.tone}`} data-testid={x.notice ? 'notice-toast' : 'toast'} data-kind={x.notice?.kind}>
          <div className="toast__body">
            <strong>{x.text}</strong>
            {x.notice && <span className="toast__subject">{x.notice.subject}</span>}
            {x.code && <code className="toast__code">{x.code}</code>}
          </div>
          <div className="toast__actions">
            {x.notice && (
              <button type="button" className="btn btn--small" onClick={() => { onOpenTicket(x.notice!.ticketId); dismiss(x.id); }}>{t('notices.open')}</button>
            )}
            <button type="button" className="icon-btn" aria-label={t('common.close')} onClick={() => dismiss(x.id)}>×</button>
          </div>
        </div>
      ))}
    </div>
  );
}
