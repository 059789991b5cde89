import { useEffect, useMemo, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import {
  effectiveText, fillTemplate, sentence, SUGGESTION_OUTCOMES, suggestionsApi, templateKey, templateLanguage,
  type DecisionView, type MessageTemplateView, type SuggestionDecision, type SuggestionItem, type SuggestionOutcome,
} from '../../suggestions-api';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';

const SUMMARY_MAX = 2000;

interface DecideProps {
  tickets: SuggestionItem[];
  onClose(): void;
  onDecided(d: DecisionView): void;
}

/** One decision for the selected suggestions (alike ones are answered together): outcome, the member-facing words, the date. */
export function DecideDialog({ tickets, onClose, onDecided }: DecideProps) {
  const { t } = useI18n();
  const { departmentName } = useConsole();
  const [outcome, setOutcome] = useState<SuggestionOutcome | null>(null);
  const [summary, setSummary] = useState('');
  const [effectiveOn, setEffectiveOn] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [templates, setTemplates] = useState<MessageTemplateView[] | null>(null);
  const first = tickets[0]!;
  const departmentId = first.departmentId;
  const dated = outcome === 'adopted' || outcome === 'planned';

  // The department's templates, for the preview; an agent who may not read them just sees no preview.
  useEffect(() => {
    let live = true;
    suggestionsApi.templates(departmentId).then((r) => { if (live) setTemplates(r.items); }, () => { if (live) setTemplates([]); });
    return () => { live = false; };
  }, [departmentId]);

  const language = templateLanguage(first.language);
  const template = outcome && templates?.find((x) => x.key === templateKey(outcome) && x.language === language);
  const preview = template ? fillTemplate(template.body, {
    ticketNumber: first.number, summary: summary.trim() ? sentence(summary, language) : t('suggestions.decide.summaryMissing'),
    effectiveOn: effectiveText(dated ? effectiveOn : null, language), department: departmentName(departmentId),
  }) : null;

  const submit = async () => {
    if (!outcome || !summary.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onDecided(await suggestionsApi.decide({
        ticketIds: tickets.map((x) => x.ticketId), outcome, summary: summary.trim(), ...(dated && effectiveOn ? { effectiveOn } : {}),
      }));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('suggestions.decide.title', { count: tickets.length })} onClose={onClose} testId="suggestion-decide-dialog" wide
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || !outcome || !summary.trim()} data-testid="suggestion-decide-confirm">
          {busy ? t('common.saving') : t('suggestions.decide.confirm')}
        </button>
      </>}>
      <TicketChips tickets={tickets} />
      <fieldset className="outcomes outcomes--row">
        <legend>{t('suggestions.decide.outcome')}</legend>
        {SUGGESTION_OUTCOMES.map((o) => (
          <label key={o} className={`outcome${outcome === o ? ' outcome--on' : ''}`}>
            <input type="radio" name="suggestion-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} data-testid={`suggestion-outcome-${o}`} />
            <span>{t(`suggestions.outcome.${o}`)}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t(outcome === 'declined' ? 'suggestions.decide.reason' : 'suggestions.decide.summary')}</span>
        <textarea value={summary} onChange={(e) => setSummary(e.target.value)} rows={4} maxLength={SUMMARY_MAX} data-testid="suggestion-summary"
          placeholder={t(outcome === 'declined' ? 'suggestions.decide.reasonPlaceholder' : 'suggestions.decide.summaryPlaceholder')} />
        <em className="field__hint">{t('suggestions.decide.memberReads')}</em>
      </label>
      {dated && (
        <label className="field">
          <span>{t('suggestions.decide.effectiveOn')} <em className="field__hint">{t('suggestions.optional')}</em></span>
          <input type="date" value={effectiveOn} onChange={(e) => setEffectiveOn(e.target.value)} data-testid="suggestion-effective-on" />
        </label>
      )}
      {preview && (
        <div className="suggestion-preview" data-testid="suggestion-preview">
          <span className="suggestion-preview__label">{t('suggestions.decide.preview', { language: t(`suggestions.lang.${language}`), number: first.number })}</span>
          <p className="suggestion-preview__text">{preview}</p>
        </div>
      )}
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}

function TicketChips({ tickets }: { tickets: SuggestionItem[] }) {
  const { t, } = useI18n();
  return (
    <p className="suggestion-chips" aria-label={t('suggestions.decide.tickets')}>
      {tickets.map((x) => <span key={x.ticketId} className="suggestion-chip" title={x.subject}><strong>{x.number}</strong> {x.subject}</span>)}
    </p>
  );
}

interface AddProps {
  tickets: SuggestionItem[];
  onClose(): void;
  onAdded(d: DecisionView): void;
}

/** Grouping: the selected suggestions join a decision the department already made on an alike one. */
export function AddToDecisionDialog({ tickets, onClose, onAdded }: AddProps) {
  const { t, locale } = useI18n();
  const departmentId = tickets[0]!.departmentId;
  const [decisions, setDecisions] = useState<Array<{ decision: SuggestionDecision; numbers: string[] }> | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    let live = true;
    suggestionsApi.list({ state: 'decided', departmentId, limit: 100 }).then((page) => {
      if (!live) return;
      const byId = new Map<number, { decision: SuggestionDecision; numbers: string[] }>();
      for (const x of page.items) {
        if (!x.decision) continue;
        const entry = byId.get(x.decision.id) ?? { decision: x.decision, numbers: [] };
        entry.numbers.push(x.number);
        byId.set(x.decision.id, entry);
      }
      setDecisions([...byId.values()].sort((a, b) => b.decision.decidedAt.localeCompare(a.decision.decidedAt)));
    }, (err: unknown) => { if (live) { setDecisions([]); setError(asApiError(err)); } });
    return () => { live = false; };
  }, [departmentId]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (decisions ?? []).filter((d) => !f || d.decision.summary.toLowerCase().includes(f) || d.numbers.some((n) => n.toLowerCase().includes(f)));
  }, [decisions, filter]);

  const submit = async () => {
    if (picked === null) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await suggestionsApi.addTickets(picked, tickets.map((x) => x.ticketId)));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('suggestions.add.title', { count: tickets.length })} onClose={onClose} testId="suggestion-add-dialog" wide
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || picked === null} data-testid="suggestion-add-confirm">
          {busy ? t('common.saving') : t('suggestions.add.confirm')}
        </button>
      </>}>
      <TicketChips tickets={tickets} />
      <p className="muted small">{t('suggestions.add.hint')}</p>
      <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('suggestions.add.filter')} aria-label={t('suggestions.add.filter')} />
      {decisions === null && <p className="muted">{t('common.loading')}</p>}
      {decisions && shown.length === 0 && <p className="muted" data-testid="suggestion-add-empty">{t('suggestions.add.none')}</p>}
      <div className="suggestion-decisions" role="radiogroup" aria-label={t('suggestions.add.title', { count: tickets.length })}>
        {shown.map(({ decision: d, numbers }) => (
          <label key={d.id} className={`outcome suggestion-decision-pick${picked === d.id ? ' outcome--on' : ''}`} data-testid="suggestion-decision-option" data-decision-id={d.id}>
            <input type="radio" name="suggestion-decision" checked={picked === d.id} onChange={() => setPicked(d.id)} />
            <span className="suggestion-decision-pick__body">
              <strong className={`suggestion-decision--${d.outcome}`}>{t(`suggestions.outcome.${d.outcome}`)}</strong>
              <span className="muted small"> · {formatTime(d.decidedAt, locale)} · {t('suggestions.add.tickets', { numbers: numbers.join(', ') })}</span>
              <span className="suggestion-decision__summary">{d.summary}</span>
            </span>
          </label>
        ))}
      </div>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}
