import { useState } from 'react';
import { api, asApiError } from '../../api';
import { formatFullTime, formatMinutes, formatTime } from '../../format';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useNotices } from '../../state/notices-context';
import { detailedSla, slaSummary, type QueueSla, type SlaClock, type TicketDetail } from '../../types';
import { Countdown } from '../common/countdown';

interface Props {
  ticket: TicketDetail;
  /** The queue's summary carries warnAt, which the ticket view does not. */
  queueSla?: QueueSla | null;
  onAcknowledged(): void;
}

type ClockRow = { key: 'firstResponse' | 'nextResponse' | 'resolution'; label: MessageKey; clock: SlaClock; extra: string | null };

export function SlaPanel({ ticket, queueSla, onAcknowledged }: Props) {
  const { t, locale } = useI18n();
  const { reportError, toast } = useNotices();
  const [busy, setBusy] = useState(false);
  const sla = detailedSla(ticket.sla);
  // The ticket's own summary knows warnAt; older servers gave it only in the queue.
  const summary = slaSummary(ticket.sla) ?? queueSla ?? null;

  if (!sla) return null;
  const rows: ClockRow[] = [
    { key: 'firstResponse', label: 'sla.firstResponse', clock: sla.firstResponse,
      extra: sla.firstResponse.achievedAt ? t('sla.achievedAt', { time: formatTime(sla.firstResponse.achievedAt, locale) }) : null },
    { key: 'nextResponse', label: 'sla.nextResponse', clock: sla.nextResponse, extra: null },
    { key: 'resolution', label: 'sla.resolution', clock: sla.resolution,
      extra: sla.resolution.paused ? t('sla.paused') : sla.resolution.usedMinutes > 0 ? t('sla.used', { time: formatMinutes(sla.resolution.usedMinutes, t) }) : null },
  ];
  const none = !sla.policy && rows.every((r) => !r.clock.dueAt);

  const acknowledge = async () => {
    setBusy(true);
    try {
      await api.acknowledgeSla(ticket.id);
      toast({ tone: 'success', text: t('sla.acknowledged') });
      onAcknowledged();
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-label={t('sla.title')} data-testid="sla-panel">
      <h3 className="panel__title">{t('sla.title')}{sla.policy?.name && <span className="panel__sub">{sla.policy.name}</span>}</h3>
      {none ? <p className="muted small">{t('sla.none')}</p> : (
        <dl className="clocks">
          {rows.map(({ key, label, clock, extra }) => (
            <div key={key} className="clocks__row" data-clock={key}>
              <dt>{t(label)}</dt>
              <dd>
                {clock.dueAt && !(key === 'firstResponse' && sla.firstResponse.achievedAt) ? (
                  <>
                    <Countdown dueAt={clock.dueAt} breached={clock.breached} label={t(label)}
                      warnAt={summary?.dueAt === clock.dueAt ? summary.warnAt : null} />
                    <span className="clocks__due" title={formatFullTime(clock.dueAt, locale)}>{formatTime(clock.dueAt, locale)}</span>
                  </>
                ) : <span className="muted">{clock.breached ? t('sla.breached') : '—'}</span>}
                {extra && <span className="clocks__extra">{extra}</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {sla.escalation && (
        <div className="escalation" data-testid="escalation">
          <span>{t('sla.escalationLevel', { level: sla.escalation.level })}</span>
          <button type="button" className="btn btn--small btn--danger" disabled={busy} onClick={() => void acknowledge()} data-testid="sla-acknowledge">
            {t('sla.acknowledge')}
          </button>
        </div>
      )}
    </section>
  );
}
