import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useNotices } from '../../state/notices-context';
import {
  SUGGESTION_OUTCOMES, suggestionsApi, TEMPLATE_LANGUAGES, TEMPLATE_PLACEHOLDERS, templateKey,
  type MessageTemplateView, type SuggestionOutcome, type TemplateLanguage,
} from '../../suggestions-api';
import type { Department } from '../../types';
import { ErrorNote } from '../common/error-note';
import { SegTabs } from '../common/seg-tabs';

const BODY_MAX = 4000;

/** Whether the department wrote this one itself (else it reads the installation's or the built-in default). */
const isCustom = (x: MessageTemplateView) => x.source === 'department';

/** The words members read about a decision, per outcome and language; a department may rewrite its own, or go back to the default. */
export function TemplatesEditor({ departments }: { departments: Department[] }) {
  const { t } = useI18n();
  const [departmentId, setDepartmentId] = useState<number | null>(departments[0]?.id ?? null);
  const [outcome, setOutcome] = useState<SuggestionOutcome>('adopted');
  const [items, setItems] = useState<MessageTemplateView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    if (departmentId === null) return;
    setError(null);
    setItems(null);
    suggestionsApi.templates(departmentId).then((r) => setItems(r.items), (err: unknown) => setError(asApiError(err)));
  }, [departmentId]);
  useEffect(load, [load]);

  const replace = (x: MessageTemplateView) => setItems((list) => list && [...list.filter((y) => !(y.key === x.key && y.language === x.language)), x]);

  return (
    <section className="suggestion-templates" data-testid="suggestion-templates">
      <div className="suggestions__filters">
        <select value={departmentId ?? ''} onChange={(e) => setDepartmentId(Number(e.target.value))} aria-label={t('filter.department')} data-testid="templates-department">
          {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
        <SegTabs values={SUGGESTION_OUTCOMES} value={outcome} onChange={setOutcome} label={t('suggestions.decide.outcome')}
          text={(o) => t(`suggestions.outcome.${o}`)} testId="templates-outcome" />
      </div>
      <p className="suggestion-templates__help muted small">
        {t('suggestions.templates.help')}
      </p>
      <dl className="suggestion-templates__legend small">
        {TEMPLATE_PLACEHOLDERS.map((p) => (
          <div key={p}><dt><code>{p}</code></dt><dd>{t(`suggestions.placeholder.${p.slice(1, -1) as 'ticketNumber'}`)}</dd></div>
        ))}
      </dl>
      {departmentId === null && <p className="muted">{t('suggestions.templates.noDepartment')}</p>}
      {error && <ErrorNote error={error} onRetry={load} />}
      {!items && !error && departmentId !== null && <p className="muted">{t('common.loading')}</p>}
      {items && departmentId !== null && (
        <div className="suggestion-templates__grid">
          {TEMPLATE_LANGUAGES.map((language) => {
            const x = items.find((y) => y.key === templateKey(outcome) && y.language === language);
            return <TemplateCard key={`${departmentId}-${outcome}-${language}-${x?.body ?? ''}`} departmentId={departmentId} outcome={outcome} language={language}
              template={x ?? null} onSaved={replace} onReset={load} />;
          })}
        </div>
      )}
    </section>
  );
}

interface CardProps {
  departmentId: number;
  outcome: SuggestionOutcome;
  language: TemplateLanguage;
  template: MessageTemplateView | null;
  onSaved(x: MessageTemplateView): void;
  onReset(): void;
}

function TemplateCard({ departmentId, outcome, language, template, onSaved, onReset }: CardProps) {
  const { t } = useI18n();
  const { toast } = useNotices();
  const [body, setBody] = useState(template?.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const custom = template ? isCustom(template) : false;
  const key = templateKey(outcome);
  const changed = body !== (template?.body ?? '');

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await suggestionsApi.saveTemplate(departmentId, key, language, body);
      onSaved(saved);
      toast({ tone: 'success', text: t('suggestions.templates.saved') });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      await suggestionsApi.resetTemplate(departmentId, key, language);
      toast({ tone: 'success', text: t('suggestions.templates.resetDone') });
      onReset();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="template-card" data-testid="template-card" data-language={language} data-custom={custom ? 'true' : 'false'}>
      <header className="template-card__head">
        <strong>{t(`suggestions.lang.${language}`)}</strong>
        <span className={`badge${custom ? ' badge--ok' : ''}`} data-testid="template-source" data-source={template?.source ?? 'builtin'}>
          {t(`suggestions.templates.source.${template?.source ?? 'builtin'}`)}
        </span>
      </header>
      <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={6} maxLength={BODY_MAX} aria-label={t('suggestions.templates.body', { language: t(`suggestions.lang.${language}`) })}
        data-testid="template-body" />
      {error && <ErrorNote error={error} />}
      <footer className="template-card__foot">
        <button type="button" className="btn btn--small" onClick={() => void reset()} disabled={busy || !custom} data-testid="template-reset">{t('suggestions.templates.reset')}</button>
        <button type="button" className="btn btn--small btn--primary" onClick={() => void save()} disabled={busy || !changed || !body.trim()} data-testid="template-save">
          {busy ? t('common.saving') : t('suggestions.templates.save')}
        </button>
      </footer>
    </div>
  );
}
