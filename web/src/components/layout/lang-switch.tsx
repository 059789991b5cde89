import { LOCALES, useI18n } from '../../i18n/i18n';

/** Each language names itself, so an agent who cannot read the current one still finds theirs. */
const NAMES = { 'zh-CN': '中文', en: 'English' } as const;

export function LangSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="seg" role="group" aria-label={t('lang.label')} data-testid="lang-switch">
      {LOCALES.map((l) => (
        <button key={l} type="button" className={`seg__btn${l === locale ? ' seg__btn--on' : ''}`} aria-pressed={l === locale}
          lang={l} data-locale={l} onClick={() => setLocale(l)}>{NAMES[l]}</button>
      ))}
    </div>
  );
}
