import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { FOLLOW_UP_OUTCOMES, surveysApi, type FollowUp, type FollowUpOutcome } from '../../surveys-api';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';
import { RatingStars } from './rating-stars';

interface Props {
  followUp: FollowUp;
  onClose(): void;
  /** The item as the server now has it: done, or still open with a new due time (unreachable, attempts left). */
  onDone(f: FollowUp): void;
}

const NOTE_MAX = 2000;
const RETRY_MAX_DAYS = 30;

/** Recording how a follow-up went: the outcome, and a note for whoever reads the ticket next. */
export function FollowUpDoneDialog({ followUp, onClose, onDone }: Props) {
  const { t, tMaybe } = useI18n();
  const [outcome, setOutcome] = useState<FollowUpOutcome | null>(null);
  const [note, setNote] = useState('');
  const [retryInDays, setRetryInDays] = useState(1);
  const maxAttempts = followUp.maxAttempts ?? null;
  const attempts = followUp.attempts ?? 0;
  // Attempts left after this one: an unreachable member is tried again until none are left.
  const left = maxAttempts === null ? null : Math.max(0, maxAttempts - attempts - 1);
  const retries = outcome === 'unreachable' && left !== 0;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async () => {
    if (!outcome) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await surveysApi.markDone(followUp.id, {
        outcome, ...(note.trim() ? { note: note.trim() } : {}), ...(retries ? { retryInDays } : {}),
      }));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('surveys.done.title', { number: followUp.ticketNumber })} onClose={onClose} testId="follow-up-done-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || !outcome} data-testid="follow-up-done-confirm">
          {busy ? t('common.saving') : t('surveys.done.confirm')}
        </button>
      </>}>
      <p className="follow-up-dialog__context">
        <span className="follow-up-dialog__subject">{followUp.subject || t('ticket.noSubject')}</span>
        <span className="muted small">{t(`surveys.reason.${followUp.reason}`)} <RatingStars rating={followUp.rating} /></span>
        {followUp.channel && <span className="muted small">{t('surveys.done.channel', { channel: tMaybe(`surveys.contact.${followUp.channel}`) ?? followUp.channel })}</span>}
      </p>
      {followUp.script && <p className="follow-up-dialog__script">{followUp.script}</p>}
      <fieldset className="outcomes">
        <legend>{t('surveys.done.outcome')}</legend>
        {FOLLOW_UP_OUTCOMES.map((o) => (
          <label key={o} className={`outcome${outcome === o ? ' outcome--on' : ''}`}>
            <input type="radio" name="follow-up-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} data-testid={`outcome-${o}`} />
            <span>{t(`surveys.outcome.${o}`)}</span>
          </label>
        ))}
      </fieldset>
      {outcome === 'not_satisfied' && <p className="follow-up-dialog__warn" role="alert" data-testid="follow-up-reopen-warning">{t('followrules.done.reopens')}</p>}
      {outcome === 'unreachable' && (
        <div className="follow-up-dialog__retry" data-testid="follow-up-retry">
          {retries ? (
            <label className="inline-field">
              <span>{t('followrules.done.retryIn')}</span>
              <input type="number" min={1} max={RETRY_MAX_DAYS} value={retryInDays} data-testid="follow-up-retry-days"
                onChange={(e) => setRetryInDays(Math.min(RETRY_MAX_DAYS, Math.max(1, Math.round(Number(e.target.value) || 1))))} />
              <span>{t('followrules.done.workingDays')}</span>
            </label>
          ) : null}
          <span className="muted small" data-testid="follow-up-attempts-left" data-left={left ?? ''}>
            {left === null ? t('followrules.done.retryUnknown') : left === 0 ? t('followrules.done.lastAttempt') : t('followrules.done.attemptsLeft', { left, max: maxAttempts ?? 0 })}
          </span>
        </div>
      )}
      <label className="field">
        <span>{t('surveys.done.note')} <em className="field__hint">{t('surveys.optional')}</em></span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={NOTE_MAX} placeholder={t('surveys.done.notePlaceholder')} data-testid="follow-up-note" />
      </label>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
