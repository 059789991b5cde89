import { useState } from 'react';
import { api, asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import type { TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

/** Moving a ticket to another department, with a note for its new owners. */
export function TransferDialog({ ticket, departmentId, onClose, onDone }: {
  ticket: TicketDetail; departmentId: number; onClose(): void; onDone(r: TicketDetail | { id: number; visible: false }): void;
}) {
  const { t } = useI18n();
  const { departmentName } = useConsole();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    setBusy(true);
    try {
      onDone(await api.transfer(ticket.id, departmentId, note.trim() || undefined));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={t('transfer.title', { department: departmentName(departmentId) })} onClose={onClose} testId="transfer-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy} data-testid="transfer-confirm">{t('transfer.confirm')}</button>
      </>}>
      <p className="muted">{t('transfer.hint')}</p>
      <label className="field">
        <span>{t('transfer.note')}</span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={1000} />
      </label>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
