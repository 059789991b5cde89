import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { surveysApi, type Survey } from '../../surveys-api';
import type { TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

const RATINGS = [1, 2, 3, 4, 5] as const;
const COMMENT_MAX = 2000;

interface Props { ticket: TicketDetail; survey: Survey; onClose(): void; onDone(): void }

/** The member gave their rating on the phone: the agent records it on the survey that was sent. */
export function RecordAnswerDialog({ ticket, survey, onClose, onDone }: Props) {
  const { t } = useI18n();
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async () => {
    if (rating === null) return;
    setBusy(true);
    setError(null);
    try {
      await surveysApi.recordAnswer(ticket.id, survey.id, { rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('surveys.record.title', { number: ticket.number })} onClose={onClose} testId="survey-record-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || rating === null} data-testid="survey-record-confirm">
          {busy ? t('common.saving') : t('surveys.record.confirm')}
        </button>
      </>}>
      <p className="muted">{t('surveys.record.hint')}</p>
      <fieldset className="star-picker">
        <legend>{t('surveys.record.rating')}</legend>
        <div className="star-picker__row">
          {RATINGS.map((r) => (
            <label key={r} className={`star-picker__star${rating !== null && r <= rating ? ' star-picker__star--on' : ''}`} title={t(`surveys.rating.${r}`)}>
              <input type="radio" name="survey-rating" value={r} checked={rating === r} onChange={() => setRating(r)} data-testid={`survey-rating-${r}`} />
              <span aria-hidden="true">★</span>
              <span className="follow-ups__sr">{t('surveys.rating.option', { rating: r, label: t(`surveys.rating.${r}`) })}</span>
            </label>
          ))}
        </div>
        <span className="star-picker__label" aria-live="polite">{rating !== null ? t(`surveys.rating.${rating as 1 | 2 | 3 | 4 | 5}`) : t('surveys.record.pick')}</span>
      </fieldset>
      <label className="field">
        <span>{t('surveys.record.comment')} <em className="field__hint">{t('surveys.optional')}</em></span>
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} maxLength={COMMENT_MAX} data-testid="survey-record-comment" />
      </label>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
