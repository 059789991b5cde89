import { useState } from 'react';
import { api, asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import type { TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

/** "MD-000012", "md12" or "12" all name ticket 12. */
export function parseTicketRef(input: string): number | null {
  const m = /^\s*(?:md-?)?0*(\d{1,9})\s*$/i.exec(input);
  return m ? Number(m[1]) : null;
}

/** Merging this ticket into another of the same member: its messages move and it redirects there. */
export function MergeDialog({ ticket, onClose, onMerged }: { ticket: TicketDetail; onClose(): void; onMerged(targetId: number): void }) {
  const { t } = useI18n();
  const [ref, setRef] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const target = parseTicketRef(ref);
  const submit = async () => {
    if (target === null || target === ticket.id) return;
    setBusy(true);
    try {
      await api.merge(ticket.id, target);
      onMerged(target);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={t('merge.title', { number: ticket.number })} onClose={onClose} testId="merge-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--danger" onClick={() => void submit()} disabled={busy || target === null || target === ticket.id} data-testid="merge-confirm">
          {t('merge.confirm')}
        </button>
      </>}>
      <p className="muted">{t('merge.hint')}</p>
      <label className="field">
        <span>{t('merge.target')}</span>
        <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="MD-000012" data-testid="merge-target"
          onKeyDown={(e) => { if (e.key === 'Enter') void submit(); }} />
      </label>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
