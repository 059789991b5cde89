import { useI18n } from '../../i18n/i18n';
import './follow-ups.css';

/** A 1–5 rating as stars (read out as "3 of 5"); nothing when there is no rating. */
export function RatingStars({ rating }: { rating: number | null | undefined }) {
  const { t } = useI18n();
  if (rating === null || rating === undefined) return null;
  const r = Math.min(5, Math.max(0, Math.round(rating)));
  const label = t('surveys.rating.aria', { rating: r });
  return (
    <span className={`stars${r <= 2 ? ' stars--low' : ''}`} role="img" aria-label={label} title={label} data-testid="rating-stars" data-rating={r}>
      <span aria-hidden="true">{'★'.repeat(r)}</span>
      <span className="stars__off" aria-hidden="true">{'★'.repeat(5 - r)}</span>
    </span>
  );
}
