import { Component, useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { LinkError, linkApi, tokenFromLocation, type LinkErrorCode, type LinkSurvey } from './link-api';
import { browserLocale, HTML_LANG, localeOfLanguage, surveyText, type SurveyLocale, type SurveyTextKey } from './texts';

const RATINGS = [1, 2, 3, 4, 5] as const;
type Rating = (typeof RATINGS)[number];
const COMMENT_MAX = 2000;

type View =
  | { kind: 'loading' }
  | { kind: 'question'; survey: LinkSurvey }
  | { kind: 'thanks'; survey: LinkSurvey; rating: number }
  | { kind: 'error'; code: LinkErrorCode; rating: number | null };

type T = (key: SurveyTextKey, vars?: Record<string, string | number>) => string;

function asLinkError(err: unknown): LinkError {
  return err instanceof LinkError ? err : new LinkError('UNKNOWN', 0);
}

/** The member's satisfaction survey: one question, five stars, an optional comment. */
export function SurveyApp() {
  const token = useMemo(() => tokenFromLocation(location), []);
  const [view, setView] = useState<View>(token ? { kind: 'loading' } : { kind: 'error', code: 'SURVEY_LINK_INVALID', rating: null });
  // The member's own choice wins; before it, the survey's language, before that the browser's.
  const [chosen, setChosen] = useState<SurveyLocale | null>(null);
  const surveyLocale = view.kind === 'question' || view.kind === 'thanks' ? localeOfLanguage(view.survey.language) : null;
  const locale: SurveyLocale = chosen ?? surveyLocale ?? browserLocale(navigator.languages?.length ? navigator.languages : [navigator.language]);
  const t = useCallback<T>((key, vars) => surveyText(locale, key, vars), [locale]);

  useEffect(() => {
    document.documentElement.lang = HTML_LANG[locale];
    document.title = t('page.title');
  }, [locale, t]);

  const load = useCallback(() => {
    if (!token) return;
    setView({ kind: 'loading' });
    linkApi.get(token).then(
      (survey) => setView({ kind: 'question', survey }),
      (err: unknown) => { const e = asLinkError(err); setView({ kind: 'error', code: e.code, rating: e.rating }); },
    );
  }, [token]);
  useEffect(load, [load]);

  return (
    <div className="sv-page" data-testid="survey-page" data-state={view.kind === 'error' ? `error-${view.code}` : view.kind}>
      <header className="sv-top">
        <span className="sv-brand"><span className="sv-logo" aria-hidden="true" />{t('brand')}</span>
        <LangSwitch locale={locale} surveyLocale={surveyLocale} onChange={setChosen} label={t('lang.label')} />
      </header>
      <main className="sv-card">
        {view.kind === 'loading' && <p className="sv-loading" role="status"><span className="sv-spinner" aria-hidden="true" />{t('loading')}</p>}
        {view.kind === 'question' && token && (
          <Question survey={view.survey} token={token} locale={locale} t={t}
            onAnswered={(rating) => setView({ kind: 'thanks', survey: view.survey, rating })}
            onRefused={(e) => setView({ kind: 'error', code: e.code, rating: e.rating })} />
        )}
        {view.kind === 'thanks' && <Thanks rating={view.rating} t={t} />}
        {view.kind === 'error' && <ErrorView code={view.code} rating={view.rating} t={t} onRetry={load} />}
      </main>
    </div>
  );
}

/** 中文 / English; 中文 is the survey's own script (Traditional when the member wrote in it). */
function LangSwitch({ locale, surveyLocale, onChange, label }: { locale: SurveyLocale; surveyLocale: SurveyLocale | null; onChange(l: SurveyLocale): void; label: string }) {
  const chinese: SurveyLocale = locale === 'zh-Hant' || (locale === 'en' && surveyLocale === 'zh-Hant') ? 'zh-Hant' : 'zh-Hans';
  const options: Array<[SurveyLocale, string]> = [[chinese, chinese === 'zh-Hant' ? '繁體中文' : '中文'], ['en', 'English']];
  return (
    <div className="sv-lang" role="group" aria-label={label} data-testid="survey-lang">
      {options.map(([l, name]) => (
        <button key={l} type="button" lang={HTML_LANG[l]} className={`sv-lang__btn${l === locale ? ' sv-lang__btn--on' : ''}`} aria-pressed={l === locale}
          data-locale={l} onClick={() => onChange(l)}>{name}</button>
      ))}
    </div>
  );
}

function Stars({ rating, label }: { rating: number; label: string }) {
  const r = Math.min(5, Math.max(0, Math.round(rating)));
  return (
    <span className="sv-stars" role="img" aria-label={label} data-rating={r}>
      <span aria-hidden="true">{'★'.repeat(r)}</span><span className="sv-stars__off" aria-hidden="true">{'★'.repeat(5 - r)}</span>
    </span>
  );
}

interface QuestionProps {
  survey: LinkSurvey;
  token: string;
  locale: SurveyLocale;
  t: T;
  onAnswered(rating: number): void;
  /** The server said no (answered meanwhile, expired, reopened): that page replaces the question. */
  onRefused(e: LinkError): void;
}

function Question({ survey, token, locale, t, onAnswered, onRefused }: QuestionProps) {
  const [rating, setRating] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  const [nudge, setNudge] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    if (rating === null) { setNudge(true); return; }
    setSending(true);
    setFailed(false);
    try {
      const r = await linkApi.answer(token, { rating, ...(comment.trim() ? { comment: comment.trim().slice(0, COMMENT_MAX) } : {}) });
      onAnswered(typeof r.rating === 'number' ? r.rating : rating);
    } catch (err) {
      const le = asLinkError(err);
      setSending(false);
      if (le.code === 'NETWORK' || le.code === 'UNKNOWN') setFailed(true);
      else onRefused(le);
    }
  };

  const solved = survey.solvedAt ? new Intl.DateTimeFormat(HTML_LANG[locale], { year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(survey.solvedAt)) : null;

  return (
    <form className="sv-form" onSubmit={(e) => void submit(e)} noValidate data-testid="survey-question">
      <div className="sv-about">
        <span className="sv-about__number">{t('about', { number: survey.ticketNumber })}</span>
        {survey.subject && <span className="sv-about__subject">{survey.subject}</span>}
        {solved && <span className="sv-about__solved">{t('solvedAt', { date: solved })}</span>}
      </div>
      <fieldset className="sv-rating" aria-describedby="sv-rating-hint">
        <legend className="sv-question">{t('question')}</legend>
        <p id="sv-rating-hint" className="sv-hint">{t('question.hint')}</p>
        <div className="sv-rating__options">
          {RATINGS.map((r) => (
            <label key={r} className={`sv-option${rating !== null && r <= rating ? ' sv-option--lit' : ''}${rating === r ? ' sv-option--on' : ''}`}>
              <input type="radio" name="rating" value={r} checked={rating === r} disabled={sending}
                onChange={() => { setRating(r); setNudge(false); }} aria-label={t('rating.option', { rating: r, label: t(`rating.${r}`) })} data-testid={`survey-star-${r}`} />
              <span className="sv-option__star" aria-hidden="true">★</span>
              <span className="sv-option__label" aria-hidden="true">{t(`rating.${r}`)}</span>
            </label>
          ))}
        </div>
        <p className={`sv-choice${nudge ? ' sv-choice--nudge' : ''}`} aria-live="polite">
          {rating !== null ? t(`rating.${rating}`) : nudge ? t('pick') : '\u00a0'}
        </p>
      </fieldset>
      <label className="sv-comment">
        <span className="sv-comment__label">{t('comment')} <em>{t('comment.optional')}</em></span>
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={COMMENT_MAX} rows={4} disabled={sending}
          placeholder={t('comment.placeholder')} data-testid="survey-comment" />
        <span className="sv-comment__count" aria-hidden="true">{t('comment.count', { count: comment.length, max: COMMENT_MAX })}</span>
      </label>
      {failed && <p className="sv-alert" role="alert" data-testid="survey-send-failed">{t('send.failed')}</p>}
      <button type="submit" className="sv-submit" disabled={sending} aria-disabled={rating === null} data-testid="survey-submit">
        {sending ? <><span className="sv-spinner sv-spinner--light" aria-hidden="true" />{t('sending')}</> : failed ? t('retry') : t('submit')}
      </button>
    </form>
  );
}

function Thanks({ rating, t }: { rating: number; t: T }) {
  return (
    <div className="sv-result sv-result--thanks" data-testid="survey-thanks" role="status">
      <span className="sv-result__icon sv-result__icon--ok" aria-hidden="true">✓</span>
      <h1>{t('thanks.title')}</h1>
      <p className="sv-result__rating"><span>{t('thanks.yourRating')}</span><Stars rating={rating} label={t('rating.stars', { rating })} /></p>
      <p>{t(rating <= 2 ? 'thanks.low' : 'thanks.text')}</p>
      <p className="sv-muted">{t('close')}</p>
    </div>
  );
}

const ICONS: Record<LinkErrorCode, string> = {
  SURVEY_LINK_INVALID: '?', SURVEY_EXPIRED: '⏱', SURVEY_CANCELLED: '↻', SURVEY_ANSWERED: '✓', NETWORK: '!', UNKNOWN: '!',
};

function ErrorView({ code, rating, t, onRetry }: { code: LinkErrorCode; rating: number | null; t: T; onRetry(): void }) {
  const retryable = code === 'NETWORK' || code === 'UNKNOWN';
  return (
    <div className={`sv-result sv-result--${code.toLowerCase()}`} data-testid="survey-error" data-code={code} role={retryable ? 'alert' : undefined}>
      <span className={`sv-result__icon${code === 'SURVEY_ANSWERED' ? ' sv-result__icon--ok' : ''}`} aria-hidden="true">{ICONS[code]}</span>
      <h1>{t(`error.${code}.title`)}</h1>
      <p>{t(`error.${code}.text`)}</p>
      {code === 'SURVEY_ANSWERED' && rating !== null && (
        <p className="sv-result__rating"><span>{t('error.SURVEY_ANSWERED.earlier')}</span><Stars rating={rating} label={t('rating.stars', { rating })} /></p>
      )}
      {retryable && <button type="button" className="sv-submit sv-submit--inline" onClick={onRetry} data-testid="survey-retry">{t('retry')}</button>}
    </div>
  );
}

/** Whatever breaks while rendering, the member sees a friendly page, never a stack trace. */
export class SurveyBoundary extends Component<{ children: ReactNode }, { broken: boolean }> {
  override state = { broken: false };
  static getDerivedStateFromError() { return { broken: true }; }
  override componentDidCatch() { /* nothing to report to: the page has no logging endpoint */ }
  override render() {
    if (!this.state.broken) return this.props.children;
    const locale = browserLocale(navigator.languages?.length ? navigator.languages : [navigator.language]);
    const t: T = (key, vars) => surveyText(locale, key, vars);
    return (
      <div className="sv-page" data-testid="survey-page" data-state="error-UNKNOWN">
        <main className="sv-card"><ErrorView code="UNKNOWN" rating={null} t={t} onRetry={() => location.reload()} /></main>
      </div>
    );
  }
}
