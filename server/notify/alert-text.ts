import type { NotificationPayload } from './notification.js';

/** Subjects come from members and names from admins: both go into HTML text and attributes. One escape for all HTML the app writes. */
export { escapeHtml } from '../../channels/email/html.js';

/** Wording and formatting shared by every kind of staff alert (Slack, email, the acknowledge page). */
export interface Bilingual { en: string; zh: string }

/** What went wrong, per metric; lower case so it also reads inside a sentence. */
export const METRIC_TEXT: Record<NonNullable<NotificationPayload['metric']>, Bilingual> = {
  first_response: { en: 'first response overdue', zh: '首次响应超时' },
  next_response: { en: 'next response overdue', zh: '后续响应超时' },
  resolution: { en: 'resolution overdue', zh: '解决时限超时' },
};

/** ISO → "2026-01-02 03:04 UTC", labelled: the payload has no time zone for the reader. Unparsable values are shown as they came. */
export function formatDueUtc(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
