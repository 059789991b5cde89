import { useState } from 'react';
import { api, asApiError } from '../../api';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useNotices } from '../../state/notices-context';
import type { StoredAttachment } from '../../types';

interface Props { ticketId: number; messageId: number; index: number; file: StoredAttachment }

/** The download needs the bearer header, so it is fetched as a blob and handed to the browser as a file. */
export function AttachmentLink({ ticketId, messageId, index, file }: Props) {
  const { t } = useI18n();
  const { reportError } = useNotices();
  const [busy, setBusy] = useState(false);

  const download = async () => {
    setBusy(true);
    try {
      const blob = await api.attachment(ticketId, messageId, index);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file.name || `attachment-${index + 1}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button type="button" className="attachment" onClick={download} disabled={busy} data-testid="attachment"
      title={t('message.download', { name: file.name })}>
      <svg className="attachment__icon" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
        <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" d="M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4L15.5 7.6" />
      </svg>
      <span className="attachment__name">{file.name}</span>
      <span className="attachment__size">{busy ? t('common.loading') : formatBytes(file.size)}</span>
    </button>
  );
}
