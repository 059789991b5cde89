import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { Modal } from '../common/modal';
import { WechatErrorNote } from './wechat-error-note';

interface Props {
  title: string;
  text: string;
  confirmLabel: string;
  testId: string;
  onClose(): void;
  /** The action; a failure stays in the dialog, translated. */
  onConfirm(): Promise<void>;
}

/** "Are you sure?" for an action that cannot be taken back (logging the bot out, deleting an account). */
export function ConfirmDialog({ title, text, confirmLabel, testId, onClose, onConfirm }: Props) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose} testId={testId}
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--danger" onClick={() => void confirm()} disabled={busy} data-testid={`${testId}-confirm`}>{confirmLabel}</button>
      </>}>
      <p>{text}</p>
      {error && <WechatErrorNote error={error} />}
    </Modal>
  );
}
