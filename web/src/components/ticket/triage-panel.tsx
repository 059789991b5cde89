import { useEffect, useState } from 'react';
import { api, asApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { LANGUAGES, TICKET_TYPES, type Labelled, type Language, type Reason, type TicketDetail, type TicketType } from '../../types';

interface Props { ticket: TicketDetail; onChanged(t: TicketDetail): void }

type LabelKey = 'type' | 'category' | 'priority' | 'language' | 'sentiment';
const LABELS: LabelKey[] = ['type', 'category', 'priority', 'language', 'sentiment'];

function ReasonLine({ reason }: { reason: Reason }) {
  const { tMaybe } = useI18n();
  // The code reads in the agent's language; the server's English detail says exactly what matched.
  const label = tMaybe(`reason.${reason.code}`) ?? tMaybe(`reasonSource.${reason.source}`) ?? reason.code;
  return (
    <li className="reason">
      <span className={`reason__source reason__source--${reason.source}`}>{label}</span>
      {reason.words && reason.words.length > 0 && <span className="reason__words">{reason.words.join(' · ')}</span>}
      <span className="reason__detail">{reason.detail}</span>
    </li>
  );
}

/** Why triage labelled the ticket as it did, and the agent's correction, which also teaches the classifier. */
export function TriagePanel({ ticket, onChanged }: Props) {
  const { t, tMaybe } = useI18n();
  const { categories, categoryLabel } = useConsole();
  const { reportError, toast } = useNotices();
  const [type, setType] = useState<TicketType>(ticket.type);
  const [category, setCategory] = useState(ticket.category);
  const [language, setLanguage] = useState<string>(ticket.language ?? 'other');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setType(ticket.type);
    setCategory(ticket.category);
    setLanguage(ticket.language ?? 'other');
  }, [ticket.id, ticket.type, ticket.category, ticket.language]);

  const triage = ticket.triage;
  const valueText = (key: LabelKey, value: string): string => {
    if (key === 'category') return categoryLabel(value);
    return tMaybe(`${key}.${value}`) ?? value;
  };
  const changed = type !== ticket.type || category !== ticket.category || language !== (ticket.language ?? 'other');

  const submit = async (confirmOnly: boolean) => {
    setBusy(true);
    try {
      const body = confirmOnly ? {} : {
        ...(type !== ticket.type ? { type } : {}),
        ...(category !== ticket.category ? { category } : {}),
        ...(language !== ticket.language ? { language: language as Language } : {}),
      };
      onChanged(await api.correctTriage(ticket.id, body));
      toast({ tone: 'success', text: t(confirmOnly ? 'triage.confirmed' : 'triage.corrected') });
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const activeCategories = categories.filter((c) => c.active || c.key === ticket.category);

  return (
    <section className="panel" aria-label={t('triage.title')} data-testid="triage-panel">
      <h3 className="panel__title">
        {t('triage.title')}
        {ticket.labelsConfirmed && <span className="badge badge--ok" data-testid="triage-confirmed">{t('triage.labelsConfirmed')}</span>}
      </h3>
      {!triage ? <p className="muted small">{t('triage.none')}</p> : (
        <ul className="labels">
          {LABELS.map((key) => {
            const l = triage[key] as Labelled<string> | undefined;
            if (!l) return null;
            return (
              <li key={key} className="label-row">
                <details>
                  <summary>
                    <span className="label-row__name">{t(`triage.${key}`)}</span>
                    <span className="label-row__value">{valueText(key, l.value)}</span>
                    <span className="confidence" title={t('triage.confidence')}>
                      <span className="confidence__bar" style={{ width: `${Math.round(l.confidence * 100)}%` }} />
                    </span>
                    <span className="label-row__pct">{Math.round(l.confidence * 100)}%</span>
                  </summary>
                  <ul className="reasons">{l.reasons.map((r, i) => <ReasonLine key={i} reason={r} />)}</ul>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      <div className="triage-form" data-testid="triage-form">
        <label className="field field--row">
          <span>{t('triage.type')}</span>
          <select value={type} onChange={(e) => setType(e.target.value as TicketType)} data-testid="triage-type">
            {TICKET_TYPES.map((x) => <option key={x} value={x}>{t(`type.${x}`)}</option>)}
          </select>
        </label>
        <label className="field field--row">
          <span>{t('triage.category')}</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="triage-category">
            {!activeCategories.some((c) => c.key === category) && <option value={category}>{category}</option>}
            {activeCategories.map((c) => <option key={c.key} value={c.key}>{categoryLabel(c.key)}</option>)}
          </select>
        </label>
        <label className="field field--row">
          <span>{t('triage.language')}</span>
          <select value={language} onChange={(e) => setLanguage(e.target.value)} data-testid="triage-language">
            {LANGUAGES.map((x) => <option key={x} value={x}>{t(`language.${x}`)}</option>)}
          </select>
        </label>
        <div className="triage-form__actions">
          {changed
            ? <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void submit(false)} data-testid="triage-save">{t('triage.save')}</button>
            : <button type="button" className="btn btn--small" disabled={busy} onClick={() => void submit(true)} data-testid="triage-confirm">{t('triage.confirm')}</button>}
        </div>
      </div>
    </section>
  );
}
