import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import {
  FOLLOW_UP_ASSIGN_TO, FOLLOW_UP_CHANNELS, FOLLOW_UP_TRIGGERS, surveysApi,
  type FollowUpConditions, type FollowUpRule, type FollowUpRuleInput,
} from '../../surveys-api';
import { CHANNELS, TICKET_TYPES, TIERS } from '../../types';
import { ErrorNote } from '../common/error-note';
import { Modal } from '../common/modal';
import './follow-ups.css';

/** The rules that schedule return visits, in the order they are evaluated; admins change them, supervisors read them. */
export function FollowUpRules() {
  const { t } = useI18n();
  const { me } = useConsole();
  const { toast, reportError } = useNotices();
  const canEdit = me.role === 'admin';
  const [rules, setRules] = useState<FollowUpRule[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<FollowUpRule | 'new' | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    setError(null);
    surveysApi.rules().then((list) => setRules([...list].sort((a, b) => a.position - b.position || a.id - b.id)), (err: unknown) => setError(asApiError(err)));
  }, []);
  useEffect(load, [load]);

  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      await work();
      if (done) toast({ tone: 'success', text: done });
    } catch (err) {
      reportError(asApiError(err));
    } finally {
      setBusy(false);
      load();
    }
  };

  const move = (i: number, delta: -1 | 1) => {
    if (!rules) return;
    const next = [...rules];
    const [r] = next.splice(i, 1);
    next.splice(i + delta, 0, r!);
    setRules(next);
    void run(() => surveysApi.orderRules(next.map((x) => x.id)));
  };

  const remove = (r: FollowUpRule) => {
    if (!window.confirm(t('followrules.deleteConfirm', { name: r.name }))) return;
    void run(() => surveysApi.deleteRule(r.id), t('followrules.deleted'));
  };

  return (
    <section className="follow-up-rules" data-testid="follow-up-rules">
      <header className="follow-up-rules__head">
        <p className="muted small">{t(canEdit ? 'followrules.intro' : 'followrules.readOnly')}</p>
        <span className="follow-ups__spacer" />
        {canEdit && <button type="button" className="btn btn--small btn--primary" onClick={() => setEditing('new')} data-testid="rule-add">{t('followrules.add')}</button>}
      </header>
      {error && <ErrorNote error={error} onRetry={load} />}
      {!rules && !error && <p className="muted">{t('common.loading')}</p>}
      {rules && rules.length === 0 && (
        <div className="follow-ups__empty" data-testid="rules-empty">
          <strong>{t('followrules.empty')}</strong>
          <span>{t('followrules.emptyHint')}</span>
        </div>
      )}
      {rules && rules.length > 0 && (
        <ol className="rule-list">
          {rules.map((r, i) => (
            <li key={r.id} className={`rule${r.active ? '' : ' rule--off'}`} data-testid="rule-row" data-rule-id={r.id} data-active={r.active ? 'true' : 'false'}>
              <span className="rule__pos" aria-hidden="true">{i + 1}</span>
              <div className="rule__body">
                <strong className="rule__name">{r.name}</strong>
                <RuleSummary rule={r} />
              </div>
              {canEdit && (
                <div className="rule__actions">
                  <button type="button" className="icon-btn" onClick={() => move(i, -1)} disabled={busy || i === 0} title={t('followrules.up')} aria-label={t('followrules.up')} data-testid="rule-up">↑</button>
                  <button type="button" className="icon-btn" onClick={() => move(i, 1)} disabled={busy || i === rules.length - 1} title={t('followrules.down')} aria-label={t('followrules.down')} data-testid="rule-down">↓</button>
                  <button type="button" className="btn btn--small" disabled={busy} data-testid="rule-toggle"
                    onClick={() => void run(() => surveysApi.updateRule(r.id, { active: !r.active }), t(r.active ? 'followrules.deactivated' : 'followrules.activated'))}>
                    {t(r.active ? 'followrules.deactivate' : 'followrules.activate')}
                  </button>
                  <button type="button" className="btn btn--small" onClick={() => setEditing(r)} disabled={busy} data-testid="rule-edit">{t('followrules.edit')}</button>
                  <button type="button" className="btn btn--small btn--danger" onClick={() => remove(r)} disabled={busy} data-testid="rule-delete">{t('followrules.delete')}</button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {editing && <RuleDialog rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); toast({ tone: 'success', text: t('followrules.saved') }); load(); }} />}
    </section>
  );
}

function RuleSummary({ rule: r }: { rule: FollowUpRule }) {
  const { t, locale } = useI18n();
  const { departmentName, categoryLabel } = useConsole();
  const c = r.conditions ?? {};
  const parts: string[] = [];
  if (c.types?.length) parts.push(c.types.map((x) => t(`type.${x as 'complaint'}`)).join(' / '));
  if (c.tiers?.length) parts.push(c.tiers.map((x) => t(`tier.${x as 'gold'}`)).join(' / '));
  if (c.categories?.length) parts.push(c.categories.map(categoryLabel).join(' / '));
  if (c.departmentIds?.length) parts.push(c.departmentIds.map(departmentName).join(' / '));
  if (c.channels?.length) parts.push(c.channels.map((x) => t(`channel.${x as 'email'}`)).join(' / '));
  const list = new Intl.ListFormat(locale, { type: 'conjunction' });
  return (
    <span className="rule__summary small">
      <span>{t(`followrules.trigger.${r.trigger}`)}</span>
      {' · '}<span>{parts.length ? list.format(parts) : t('followrules.anyTicket')}</span>
      {' · '}<span>{r.delayDays === 0 ? t('followrules.atOnce') : t('followrules.afterDays', { days: r.delayDays })}</span>
      {' · '}<span>{t(`followrules.channel.${r.channel}`)}</span>
      {' · '}<span>{t(`followrules.assignTo.${r.assignTo}`)}</span>
      {' · '}<span>{t('followrules.maxAttemptsShort', { n: r.maxAttempts })}</span>
      {!r.active && <span className="badge rule__off">{t('followrules.inactive')}</span>}
    </span>
  );
}

const EMPTY: FollowUpRuleInput = {
  name: '', active: true, trigger: 'solved', conditions: {}, delayDays: 7, channel: 'call', script: null, assignTo: 'assignee', maxAttempts: 3,
};

function RuleDialog({ rule, onClose, onSaved }: { rule: FollowUpRule | null; onClose(): void; onSaved(): void }) {
  const { t, locale } = useI18n();
  const { departments, categories } = useConsole();
  const [form, setForm] = useState<FollowUpRuleInput>(() => (rule ? {
    name: rule.name, active: rule.active, trigger: rule.trigger, conditions: rule.conditions ?? {}, delayDays: rule.delayDays, channel: rule.channel,
    script: rule.script, assignTo: rule.assignTo, maxAttempts: rule.maxAttempts,
  } : EMPTY));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof FollowUpRuleInput>(k: K, v: FollowUpRuleInput[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setCondition = <K extends keyof FollowUpConditions>(k: K, v: FollowUpConditions[K]) =>
    setForm((f) => {
      const conditions = { ...f.conditions };
      if (!v || !v.length) delete conditions[k]; else conditions[k] = v;
      return { ...f, conditions };
    });

  const submit = async () => {
    setBusy(true);
    setError(null);
    const body: FollowUpRuleInput = { ...form, name: form.name.trim(), script: form.script?.trim() ? form.script.trim() : null };
    try {
      if (rule) await surveysApi.updateRule(rule.id, body); else await surveysApi.createRule(body);
      onSaved();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const sortedCategories = [...categories].filter((c) => c.active).sort((a, b) => a.position - b.position);

  return (
    <Modal title={t(rule ? 'followrules.editTitle' : 'followrules.addTitle')} onClose={onClose} testId="rule-dialog" wide
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || !form.name.trim()} data-testid="rule-save">
          {busy ? t('common.saving') : t('followrules.save')}
        </button>
      </>}>
      <div className="rule-form">
        <label className="field rule-form__wide">
          <span>{t('followrules.name')}</span>
          <input value={form.name} onChange={(e) => set('name', e.target.value)} maxLength={120} data-testid="rule-name" />
        </label>
        <label className="field">
          <span>{t('followrules.trigger')}</span>
          <select value={form.trigger} onChange={(e) => set('trigger', e.target.value as FollowUpRuleInput['trigger'])} data-testid="rule-trigger">
            {FOLLOW_UP_TRIGGERS.map((x) => <option key={x} value={x}>{t(`followrules.trigger.${x}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('followrules.delayDays')}</span>
          <input type="number" min={0} max={365} value={form.delayDays} onChange={(e) => set('delayDays', Math.max(0, Math.round(Number(e.target.value) || 0)))} data-testid="rule-delay" />
        </label>
        <label className="field">
          <span>{t('followrules.channel')}</span>
          <select value={form.channel} onChange={(e) => set('channel', e.target.value as FollowUpRuleInput['channel'])} data-testid="rule-channel">
            {FOLLOW_UP_CHANNELS.map((x) => <option key={x} value={x}>{t(`followrules.channel.${x}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('followrules.assignTo')}</span>
          <select value={form.assignTo} onChange={(e) => set('assignTo', e.target.value as FollowUpRuleInput['assignTo'])} data-testid="rule-assign-to">
            {FOLLOW_UP_ASSIGN_TO.map((x) => <option key={x} value={x}>{t(`followrules.assignTo.${x}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('followrules.maxAttempts')}</span>
          <input type="number" min={1} max={10} value={form.maxAttempts} onChange={(e) => set('maxAttempts', Math.min(10, Math.max(1, Math.round(Number(e.target.value) || 1))))} data-testid="rule-max-attempts" />
        </label>
        <label className="inline-field">
          <input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} data-testid="rule-active" />
          <span>{t('followrules.active')}</span>
        </label>
        <fieldset className="rule-form__conditions rule-form__wide">
          <legend>{t('followrules.conditions')} <em className="field__hint">{t('followrules.conditionsHint')}</em></legend>
          <MultiSelect label={t('followrules.cond.types')} testId="rule-cond-types" value={form.conditions.types ?? []} onChange={(v) => setCondition('types', v)}
            options={TICKET_TYPES.map((x) => ({ value: x, label: t(`type.${x}`) }))} />
          <MultiSelect label={t('followrules.cond.tiers')} testId="rule-cond-tiers" value={form.conditions.tiers ?? []} onChange={(v) => setCondition('tiers', v)}
            options={TIERS.map((x) => ({ value: x, label: t(`tier.${x}`) }))} />
          <MultiSelect label={t('followrules.cond.categories')} testId="rule-cond-categories" value={form.conditions.categories ?? []} onChange={(v) => setCondition('categories', v)}
            options={sortedCategories.map((c) => ({ value: c.key, label: locale === 'en' ? c.labelEn : c.labelZh }))} />
          <MultiSelect label={t('followrules.cond.departments')} testId="rule-cond-departments" value={(form.conditions.departmentIds ?? []).map(String)}
            onChange={(v) => setCondition('departmentIds', v.map(Number))} options={departments.map((d) => ({ value: String(d.id), label: d.name }))} />
          <MultiSelect label={t('followrules.cond.channels')} testId="rule-cond-channels" value={form.conditions.channels ?? []} onChange={(v) => setCondition('channels', v)}
            options={CHANNELS.map((x) => ({ value: x, label: t(`channel.${x}`) }))} />
        </fieldset>
        <label className="field rule-form__wide">
          <span>{t('followrules.script')} <em className="field__hint">{t('surveys.optional')}</em></span>
          <textarea value={form.script ?? ''} onChange={(e) => set('script', e.target.value)} rows={3} maxLength={2000} placeholder={t('followrules.scriptPlaceholder')} data-testid="rule-script" />
        </label>
      </div>
      {error && <ErrorNote error={error} />}
    </Modal>
  );
}

/** A few choices as toggle chips (none chosen: any). */
function MultiSelect({ label, options, value, onChange, testId }: {
  label: string; options: Array<{ value: string; label: string }>; value: string[]; onChange(v: string[]): void; testId: string;
}) {
  const { t } = useI18n();
  const toggle = (v: string) => onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v]);
  return (
    <div className="multi" role="group" aria-label={label} data-testid={testId}>
      <span className="multi__label">{label}</span>
      <span className="multi__options">
        {options.map((o) => (
          <label key={o.value} className={`multi__chip${value.includes(o.value) ? ' multi__chip--on' : ''}`}>
            <input type="checkbox" checked={value.includes(o.value)} onChange={() => toggle(o.value)} data-value={o.value} />
            {o.label}
          </label>
        ))}
        {!value.length && <span className="muted small">{t('followrules.any')}</span>}
      </span>
    </div>
  );
}
