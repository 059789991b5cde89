import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { surveysApi, type FollowUp, type Survey } from '../../surveys-api';
import type { TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { FollowUpDoneDialog } from '../follow-ups/follow-up-done-dialog';
import { DueTime, FollowUpOutcomeText, FollowUpReasonText } from '../follow-ups/follow-up-parts';
import { RatingStars } from '../follow-ups/rating-stars';
import { RecordAnswerDialog } from '../follow-ups/record-answer-dialog';
import { ScheduleFollowUpDialog } from '../follow-ups/schedule-follow-up-dialog';

interface Props { ticket: TicketDetail }

/** The ticket's satisfaction surveys (one per solve) and its follow-up tasks; re-read whenever the ticket changes. */
export function SurveyPanel({ ticket }: Props) {
  const { t, tMaybe, locale } = useI18n();
  const { me, agentName } = useConsole();
  const { toast } = useNotices();
  const [surveys, setSurveys] = useState<Survey[] | null>(null);
  const [followUps, setFollowUps] = useState<FollowUp[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [recording, setRecording] = useState<Survey | null>(null);
  const [marking, setMarking] = useState<FollowUp | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => { setSurveys(null); setFollowUps(null); setScheduling(false); }, [ticket.id]);
  // A solve schedules a survey, a reopen cancels it, an answer may open a follow-up: all of them move updatedAt.
  useEffect(() => {
    let live = true;
    Promise.all([surveysApi.ticketSurveys(ticket.id), surveysApi.ticketFollowUps(ticket.id)]).then(([s, f]) => {
      if (!live) return;
      setSurveys([...s.items].sort((a, b) => Date.parse(b.solvedAt) - Date.parse(a.solvedAt)));
      setFollowUps(f.items);
      setError(null);
    }, (err: unknown) => { if (live) setError(asApiError(err)); });
    return () => { live = false; };
  }, [ticket.id, ticket.updatedAt, ticket.status, attempt]);

  const recorded = () => {
    setRecording(null);
    toast({ tone: 'success', text: t('surveys.record.saved') });
    reload();
  };
  const done = (f: FollowUp) => {
    setMarking(null);
    toast({ tone: 'success', text: t('surveys.done.saved', { number: f.ticketNumber || ticket.number }) });
    setFollowUps((list) => list && list.map((x) => (x.id === f.id ? { ...x, ...f } : x)));
  };

  const scheduled = () => {
    setScheduling(false);
    toast({ tone: 'success', text: t('surveys.schedule.saved', { number: ticket.number }) });
    reload();
  };
  // Staff schedule follow-ups by hand; analysts only read.
  const canSchedule = me.role !== 'analyst' && ticket.status !== 'merged';

  const when = (iso: string | null) => (iso ? <time dateTime={iso} title={formatFullTime(iso, locale)}>{formatTime(iso, locale)}</time> : '—');
  const empty = surveys?.length === 0 && followUps?.length === 0;

  return (
    <section className="panel survey-panel" aria-label={t('surveys.title')} data-testid="survey-panel">
      <h3 className="panel__title">{t('surveys.title')}</h3>
      {error && <ErrorNote error={error} onRetry={reload} />}
      {!error && surveys === null && <p className="muted small">{t('common.loading')}</p>}
      {empty && <p className="muted small" data-testid="survey-empty">{t('surveys.panel.empty')}</p>}
      {surveys && surveys.length > 0 && (
        <ul className="survey-list">
          {surveys.map((s) => (
            <li key={s.id} className="survey-item" data-testid="survey-item" data-status={s.status}>
              <div className="survey-item__top">
                <span className={`badge survey-status survey-status--${s.status}`}>{t(`surveys.status.${s.status}`)}</span>
                <span className="muted small">{t(`surveys.channel.${s.channel}`)}</span>
              </div>
              {s.status === 'cancelled' && s.cancelReason && (
                <span className="muted small">{tMaybe(`surveys.cancelReason.${s.cancelReason}`) ?? s.cancelReason}</span>
              )}
              {s.status === 'answered' && (
                <div className="survey-item__answer">
                  <RatingStars rating={s.rating} />
                  {s.comment && <blockquote className="survey-item__comment">{s.comment}</blockquote>}
                  <span className="muted small">
                    {s.answeredVia === 'agent' && s.recordedBy !== null
                      ? t('surveys.panel.recordedBy', { name: agentName(s.recordedBy) })
                      : s.answeredVia ? t(`surveys.via.${s.answeredVia}`) : null} {when(s.answeredAt)}
                  </span>
                </div>
              )}
              <dl className="kv survey-item__times">
                <div className="kv__pair"><dt>{t('surveys.panel.solvedAt')}</dt><dd>{when(s.solvedAt)}</dd></div>
                {s.status === 'scheduled' && <div className="kv__pair"><dt>{t('surveys.panel.sendAt')}</dt><dd>{when(s.sendAt)}</dd></div>}
                {s.sentAt && <div className="kv__pair"><dt>{t('surveys.panel.sentAt')}</dt><dd>{when(s.sentAt)}</dd></div>}
                {s.remindedAt && <div className="kv__pair"><dt>{t('surveys.panel.remindedAt')}</dt><dd>{when(s.remindedAt)}</dd></div>}
                {s.expiresAt && (s.status === 'sent' || s.status === 'expired') && (
                  <div className="kv__pair"><dt>{t(s.status === 'expired' ? 'surveys.panel.expiredAt' : 'surveys.panel.expiresAt')}</dt><dd>{when(s.expiresAt)}</dd></div>
                )}
                {s.agentId !== null && <div className="kv__pair"><dt>{t('surveys.panel.solvedBy')}</dt><dd>{agentName(s.agentId)}</dd></div>}
              </dl>
              {s.status === 'sent' && (
                <button type="button" className="btn btn--small" onClick={() => setRecording(s)} data-testid="survey-record">{t('surveys.record.open')}</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {followUps && followUps.length > 0 && (
        <>
          <h4 className="panel__subtitle">{t('surveys.followUps.title')}</h4>
          <ul className="survey-list" data-testid="ticket-follow-ups">
            {followUps.map((f) => (
              <li key={f.id} className="survey-item" data-testid="ticket-follow-up" data-status={f.status}>
                <div className="survey-item__top">
                  <FollowUpReasonText followUp={f} />
                  <DueTime followUp={f} />
                </div>
                {f.assigneeId !== null && <span className="muted small">{t('ticket.assignedTo', { name: agentName(f.assigneeId) })}</span>}
                {f.status === 'open'
                  ? <button type="button" className="btn btn--small" onClick={() => setMarking(f)} data-testid="follow-up-mark-done">{t('surveys.done.open')}</button>
                  : <FollowUpOutcomeText followUp={f} />}
              </li>
            ))}
          </ul>
        </>
      )}
      {canSchedule && !error && followUps !== null && (
        <p><button type="button" className="btn btn--small" onClick={() => setScheduling(true)} data-testid="schedule-follow-up">{t('surveys.schedule.open')}</button></p>
      )}
      {scheduling && <ScheduleFollowUpDialog ticket={ticket} onClose={() => setScheduling(false)} onDone={scheduled} />}
      {recording && <RecordAnswerDialog ticket={ticket} survey={recording} onClose={() => setRecording(null)} onDone={recorded} />}
      {marking && <FollowUpDoneDialog followUp={{ ...marking, ticketNumber: marking.ticketNumber || ticket.number, subject: marking.subject || ticket.subject }}
        onClose={() => setMarking(null)} onDone={done} />}
    </section>
  );
}
