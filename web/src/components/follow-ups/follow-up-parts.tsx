import { formatFullTime, formatRelative, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useServerNow } from '../../server-clock';
import { useConsole } from '../../state/console-context';
import type { FollowUp } from '../../surveys-api';
import { RatingStars } from './rating-stars';

/** Why the follow-up exists; a low rating shows its stars. */
export function FollowUpReasonText({ followUp }: { followUp: FollowUp }) {
  const { t } = useI18n();
  return (
    <span className={`follow-up-reason follow-up-reason--${followUp.reason}`}>
      <span>{t(`surveys.reason.${followUp.reason}`)}</span>
      {followUp.rating !== null && <RatingStars rating={followUp.rating} />}
    </span>
  );
}

/** When it is due, relative to now on the server's clock; an open one past due is red. */
export function DueTime({ followUp }: { followUp: FollowUp }) {
  const { t, locale } = useI18n();
  const now = useServerNow();
  const overdue = followUp.status === 'open' && Date.parse(followUp.dueAt) <= now;
  const relative = formatRelative(followUp.dueAt, locale, now);
  return (
    <time dateTime={followUp.dueAt} title={formatFullTime(followUp.dueAt, locale)}
      className={`follow-up-due${overdue ? ' follow-up-due--overdue' : ''}${followUp.status !== 'open' ? ' follow-up-due--closed' : ''}`}
      data-testid="follow-up-due" data-overdue={overdue}>
      {overdue ? t('surveys.due.overdue', { time: relative }) : relative}
    </time>
  );
}

/** A finished follow-up: its outcome, when and by whom, and the note. */
export function FollowUpOutcomeText({ followUp }: { followUp: FollowUp }) {
  const { t, locale } = useI18n();
  const { agentName } = useConsole();
  if (followUp.status === 'cancelled') return <span className="follow-up-outcome follow-up-outcome--cancelled">{t('surveys.status.cancelled')}</span>;
  const when = followUp.doneAt ? formatTime(followUp.doneAt, locale) : '';
  return (
    <span className={`follow-up-outcome follow-up-outcome--${followUp.outcome ?? 'other'}`} data-testid="follow-up-outcome">
      <strong>{followUp.outcome ? t(`surveys.outcome.${followUp.outcome}`) : t('surveys.followUps.status.done')}</strong>
      <span className="muted small" title={followUp.doneAt ? formatFullTime(followUp.doneAt, locale) : undefined}>
        {followUp.doneBy !== null ? t('surveys.done.by', { name: agentName(followUp.doneBy), time: when }) : when}
      </span>
      {followUp.note && <span className="follow-up-outcome__note">{followUp.note}</span>}
    </span>
  );
}
