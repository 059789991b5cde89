import { useState, type FormEvent } from 'react';
import { api, asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import type { CallResult, TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

interface Props {
  /** Logging from a ticket: the call joins it. Without one, the member's open phone ticket continues or a new one opens. */
  ticket?: TicketDetail | null;
  onClose(): void;
  onLogged(r: CallResult): void;
}

function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function CallLogDialog({ ticket, onClose, onLogged }: Props) {
  const { t } = useI18n();
  const [direction, setDirection] = useState<'inbound' | 'outbound'>(ticket ? 'outbound' : 'inbound');
  const [phone, setPhone] = useState('');
  const [memberName, setMemberName] = useState('');
  const [summary, setSummary] = useState('');
  const [minutes, setMinutes] = useState('');
  const [seconds, setSeconds] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // One key per dialog: a retry after a timeout is stored once (Idempotency-Key).
  const [key] = useState(newKey);

  const durationSeconds = (Number(minutes) || 0) * 60 + (Number(seconds) || 0);
  const valid = /^[0-9+()\-. ]{3,40}$/.test(phone.trim()) && summary.trim().length > 0 && durationSeconds <= 86_400;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.logCall({
        direction, phone: phone.trim(), summary: summary.trim(), durationSeconds,
        ...(memberName.trim() ? { memberName: memberName.trim() } : {}),
        ...(ticket ? { ticketId: ticket.id } : {}),
      }, key);
      onLogged(r);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const phoneHint = ticket?.member?.identities.find((i) => i.kind === 'phone')?.masked;

  return (
    <Modal title={ticket ? t('call.titleFor', { number: ticket.number }) : t('call.title')} onClose={onClose} testId="call-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="submit" form="call-form" className="btn btn--primary" disabled={!valid || busy} data-testid="call-submit">
          {busy ? t('common.saving') : t('call.submit')}
        </button>
      </>}>
      <form id="call-form" className="form-grid" onSubmit={submit}>
        <div className="seg" role="radiogroup" aria-label={t('call.direction')}>
          {(['inbound', 'outbound'] as const).map((d) => (
            <button key={d} type="button" role="radio" aria-checked={direction === d} className={`seg__btn${direction === d ? ' seg__btn--on' : ''}`}
              onClick={() => setDirection(d)}>{t(`call.${d}`)}</button>
          ))}
        </div>
        <label className="field">
          <span>{t('call.phone')}{phoneHint && <em className="field__hint"> {t('call.memberPhone', { masked: phoneHint })}</em>}</span>
          <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required placeholder="+86 138 0013 8000" data-testid="call-phone" />
        </label>
        {!ticket && (
          <label className="field">
            <span>{t('call.memberName')}</span>
            <input value={memberName} onChange={(e) => setMemberName(e.target.value)} maxLength={120} />
          </label>
        )}
        <label className="field">
          <span>{t('call.summary')}</span>
          <textarea value={summary} onChange={(e) => setSummary(e.target.value)} rows={4} required data-testid="call-summary" />
        </label>
        <div className="field">
          <span>{t('call.duration')}</span>
          <div className="duration">
            <input type="number" min={0} max={1440} value={minutes} onChange={(e) => setMinutes(e.target.value)} aria-label={t('call.minutes')} data-testid="call-minutes" />
            <span>{t('call.minutes')}</span>
            <input type="number" min={0} max={59} value={seconds} onChange={(e) => setSeconds(e.target.value)} aria-label={t('call.seconds')} />
            <span>{t('call.seconds')}</span>
          </div>
        </div>
        {error && <ErrorNote error={error} />}
      </form>
    </Modal>
  );
}
