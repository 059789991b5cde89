import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { FOLLOW_UP_CHANNELS, surveysApi, type FollowUp, type FollowUpChannel } from '../../surveys-api';
import type { TicketDetail } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

interface Props {
  ticket: TicketDetail;
  onClose(): void;
  /** The follow-up as the server created it (reason manual). */
  onDone(f: FollowUp): void;
}

const SCRIPT_MAX = 4000;
const ATTEMPTS_MIN = 1;
const ATTEMPTS_MAX = 20;

const pad = (n: number) => String(n).padStart(2, '0');
/** A `datetime-local` value (local wall time, minutes). */
function localInputValue(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** Tomorrow at 10:00, local time. */
function tomorrowAtTen(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(10, 0, 0, 0);
  return localInputValue(d);
}
/** A `datetime-local` value read as local time; null when empty or not a date. */
function parseLocal(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Scheduling a follow-up (回访) on a ticket by hand: when, how, with what script, by whom, and how many tries. */
export function ScheduleFollowUpDialog({ ticket, onClose, onDone }: Props) {
  const { t } = useI18n();
  const { me, agents, agentName } = useConsole();
  const [due, setDue] = useState(tomorrowAtTen);
  const [channel, setChannel] = useState<FollowUpChannel>(ticket.channel === 'email' || ticket.channel === 'wechat' ? ticket.channel : 'call');
  const [script, setScript] = useState('');
  // Agents of the ticket's department (the server refuses others with UNKNOWN_AGENT).
  const candidates = agents.filter((a) => a.active && a.departmentIds.includes(ticket.departmentId) && a.role !== 'analyst');
  if (!candidates.some((a) => a.id === me.id) && me.departmentIds.includes(ticket.departmentId) && me.role !== 'analyst') candidates.unshift(me);
  const [assigneeId, setAssigneeId] = useState<number | null>(ticket.assigneeId);
  const assigneeKnown = assigneeId === null || candidates.some((a) => a.id === assigneeId);
  const [maxAttempts, setMaxAttempts] = useState(3);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const dueAt = parseLocal(due);

  const submit = async () => {
    if (!dueAt) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await surveysApi.createFollowUp(ticket.id, {
        dueAt: dueAt.toISOString(), channel, maxAttempts,
        ...(script.trim() ? { script: script.trim() } : {}),
        ...(assigneeId !== null ? { assigneeId } : {}),
      }));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('surveys.schedule.title', { number: ticket.number })} onClose={onClose} testId="schedule-follow-up-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || !dueAt} data-testid="schedule-follow-up-confirm">
          {busy ? t('common.saving') : t('surveys.schedule.confirm')}
        </button>
      </>}>
      <p className="follow-up-dialog__context">
        <span className="follow-up-dialog__subject">{ticket.subject || t('ticket.noSubject')}</span>
      </p>
      <label className="field">
        <span>{t('surveys.schedule.due')}</span>
        <input type="datetime-local" value={due} required onChange={(e) => setDue(e.target.value)} data-testid="schedule-follow-up-due" />
        {!dueAt && <em className="field__hint">{t('surveys.schedule.dueInvalid')}</em>}
      </label>
      <label className="field">
        <span>{t('surveys.schedule.channel')}</span>
        <select value={channel} onChange={(e) => setChannel(e.target.value as FollowUpChannel)} data-testid="schedule-follow-up-channel">
          {FOLLOW_UP_CHANNELS.map((c) => <option key={c} value={c}>{t(`surveys.schedule.channel.${c}`)}</option>)}
        </select>
      </label>
      <label className="field">
        <span>{t('surveys.schedule.script')} <em className="field__hint">{t('surveys.optional')}</em></span>
        <textarea value={script} onChange={(e) => setScript(e.target.value)} rows={3} maxLength={SCRIPT_MAX}
          placeholder={t('surveys.schedule.scriptPlaceholder')} data-testid="schedule-follow-up-script" />
      </label>
      <label className="field">
        <span>{t('surveys.schedule.assignee')} <em className="field__hint">{t('surveys.optional')}</em></span>
        <select value={assigneeId ?? ''} onChange={(e) => setAssigneeId(e.target.value ? Number(e.target.value) : null)} data-testid="schedule-follow-up-assignee">
          <option value="">{t('surveys.schedule.assignee.department')}</option>
          {!assigneeKnown && assigneeId !== null && <option value={assigneeId}>{agentName(assigneeId)}</option>}
          {candidates.map((a) => <option key={a.id} value={a.id}>{a.id === me.id ? t('surveys.schedule.assignee.me', { name: a.name }) : a.name}</option>)}
        </select>
      </label>
      <label className="inline-field">
        <span>{t('surveys.schedule.maxAttempts')}</span>
        <input type="number" min={ATTEMPTS_MIN} max={ATTEMPTS_MAX} value={maxAttempts} data-testid="schedule-follow-up-attempts"
          onChange={(e) => setMaxAttempts(Math.min(ATTEMPTS_MAX, Math.max(ATTEMPTS_MIN, Math.round(Number(e.target.value) || ATTEMPTS_MIN))))} />
        <span className="muted small">{t('surveys.schedule.maxAttemptsHint')}</span>
      </label>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
