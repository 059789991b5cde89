import { useState, type FormEvent } from 'react';
import { api, asApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { PRIORITIES, TRANSITIONS, type Priority, type TicketDetail, type TicketStatus } from '../../types';
import { MergeDialog } from './merge-dialog';
import { TransferDialog } from './transfer-dialog';

interface Props {
  ticket: TicketDetail;
  onChanged(t: TicketDetail): void;
  /** Transferred out of sight, or merged away: the view must move on. */
  onGone(nextTicketId: number | null): void;
}

/** Status, priority, assignee, department, tags and merge: every change answers with the changed ticket. */
export function PropertiesPanel({ ticket, onChanged, onGone }: Props) {
  const { t } = useI18n();
  const { me, agents, agentsUnavailable, departments, agentName } = useConsole();
  const { reportError, toast } = useNotices();
  const [busy, setBusy] = useState(false);
  const [transferTo, setTransferTo] = useState<number | null>(null);
  const [merging, setMerging] = useState(false);
  const [tag, setTag] = useState('');

  const run = async (action: () => Promise<TicketDetail | { visible: false }>, done?: string) => {
    setBusy(true);
    try {
      const r = await action();
      if ('messages' in r) onChanged(r);
      else onGone(null);
      if (done) toast({ tone: 'success', text: done });
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const final = ticket.status === 'closed' || ticket.status === 'merged';
  const statusOptions: TicketStatus[] = [ticket.status, ...TRANSITIONS[ticket.status]];
  // Assignable: agents of the ticket's department (the server refuses others).
  const candidates = agents.filter((a) => a.active && a.departmentIds.includes(ticket.departmentId) && a.role !== 'analyst');
  if (!candidates.some((a) => a.id === me.id) && me.departmentIds.includes(ticket.departmentId)) candidates.unshift(me);
  const assigneeKnown = ticket.assigneeId === null || candidates.some((a) => a.id === ticket.assigneeId);

  const addTag = (e: FormEvent) => {
    e.preventDefault();
    const value = tag.trim();
    if (!value || ticket.tags.includes(value)) return;
    setTag('');
    void run(() => api.changeTags(ticket.id, { add: [value] }));
  };

  return (
    <section className="panel" aria-label={t('props.title')} data-testid="properties">
      <h3 className="panel__title">{t('props.title')}</h3>
      <div className="props">
        <label className="field field--row">
          <span>{t('props.status')}</span>
          <select value={ticket.status} disabled={busy || final} data-testid="status-select"
            onChange={(e) => void run(() => api.setStatus(ticket.id, e.target.value as TicketStatus))}>
            {statusOptions.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </label>
        <label className="field field--row">
          <span>{t('props.priority')}</span>
          <select value={ticket.priority} disabled={busy || final} data-testid="priority-select"
            onChange={(e) => void run(() => api.setPriority(ticket.id, e.target.value as Priority))}>
            {PRIORITIES.map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
          </select>
        </label>
        <label className="field field--row">
          <span>{t('props.assignee')}</span>
          <select value={ticket.assigneeId ?? ''} disabled={busy || final} data-testid="assign-select"
            onChange={(e) => void run(() => api.assign(ticket.id, e.target.value ? Number(e.target.value) : null))}>
            <option value="">{t('common.unassigned')}</option>
            {!assigneeKnown && <option value={ticket.assigneeId!}>{agentName(ticket.assigneeId)}</option>}
            {candidates.map((a) => (
              <option key={a.id} value={a.id}>{a.id === me.id ? t('props.meName', { name: a.name }) : `${a.name} · ${t(`presence.${a.presence}`)}`}</option>
            ))}
          </select>
        </label>
        {ticket.assigneeId !== me.id && !final && me.departmentIds.includes(ticket.departmentId) && (
          <button type="button" className="btn btn--small props__take" disabled={busy} onClick={() => void run(() => api.assign(ticket.id, me.id))} data-testid="assign-me">
            {t('props.takeIt')}
          </button>
        )}
        {agentsUnavailable && <p className="muted small">{t('props.agentsUnavailable')}</p>}
        <label className="field field--row">
          <span>{t('props.department')}</span>
          <select value={ticket.departmentId} disabled={busy || final} data-testid="transfer-select"
            onChange={(e) => setTransferTo(Number(e.target.value))}>
            {departments.length === 0 && <option value={ticket.departmentId}>#{ticket.departmentId}</option>}
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <div className="field">
          <span>{t('props.tags')}</span>
          <div className="tags" data-testid="tags">
            {ticket.tags.map((x) => (
              <span key={x} className="tag">
                {x}
                {!final && <button type="button" aria-label={t('props.removeTag', { tag: x })} disabled={busy}
                  onClick={() => void run(() => api.changeTags(ticket.id, { remove: [x] }))}>×</button>}
              </span>
            ))}
            {!final && (
              <form onSubmit={addTag} className="tags__add">
                <input value={tag} onChange={(e) => setTag(e.target.value)} maxLength={40} placeholder={t('props.addTag')} aria-label={t('props.addTag')} data-testid="tag-input" />
              </form>
            )}
          </div>
        </div>
        {!final && (
          <button type="button" className="link-btn props__merge" onClick={() => setMerging(true)} data-testid="merge-open">{t('merge.open')}</button>
        )}
      </div>
      {transferTo !== null && transferTo !== ticket.departmentId && (
        <TransferDialog ticket={ticket} departmentId={transferTo} onClose={() => setTransferTo(null)}
          onDone={(r) => { setTransferTo(null); if ('messages' in r) onChanged(r); else onGone(null); }} />
      )}
      {merging && <MergeDialog ticket={ticket} onClose={() => setMerging(false)} onMerged={(target) => { setMerging(false); onGone(target); }} />}
    </section>
  );
}
