import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatFullTime, formatTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useNotices } from '../../state/notices-context';
import { wechatApi, type BotState, type BotStatus } from '../../wechat-api';
import { ConfirmDialog } from './confirm-dialog';
import { WechatErrorNote } from './wechat-error-note';

/** While the screen is open the state is read again this often: a QR code expires in about a minute. */
export const BOT_REFRESH_MS = 5_000;

const STATUS_TONE: Record<BotStatus, string> = {
  stopped: 'wechat-status--off', starting: 'wechat-status--busy', scan: 'wechat-status--busy', logged_in: 'wechat-status--ok', error: 'wechat-status--error',
};

/** The SVG the server drew, as an image: never inserted as markup. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

/** The personal-account bot: configured or not, its status, the login QR code while it waits for a scan, logout. */
export function WechatBotPanel() {
  const { t, tMaybe, locale } = useI18n();
  const { toast } = useNotices();
  const [state, setState] = useState<BotState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const inFlight = useRef(false);
  const live = useRef(true);
  // Without WECHATY_PUPPET nothing can change until the server restarts: no polling then.
  const unconfigured = useRef(false);

  const load = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const next = await wechatApi.bot();
      unconfigured.current = !next.configured;
      if (live.current) { setState(next); setError(null); }
    } catch (err) {
      if (live.current) setError(asApiError(err));
    } finally {
      inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    live.current = true;
    void load();
    // A hidden tab does not ask; it catches up when shown again.
    const due = () => !document.hidden && !unconfigured.current;
    const timer = setInterval(() => { if (due()) void load(); }, BOT_REFRESH_MS);
    const onVisible = () => { if (due()) void load(); };
    document.addEventListener('visibilitychange', onVisible);
    return () => { live.current = false; clearInterval(timer); document.removeEventListener('visibilitychange', onVisible); };
  }, [load]);

  const logout = async () => {
    await wechatApi.logoutBot();
    setConfirming(false);
    toast({ tone: 'success', text: t('wechat.bot.loggedOut') });
    await load();
  };

  return (
    <section className="wechat-card" aria-labelledby="wechat-bot-title" data-testid="wechat-bot"
      data-configured={state ? String(state.configured) : undefined} data-status={state?.status}>
      <header className="wechat-card__head">
        <h3 id="wechat-bot-title">{t('wechat.bot.title')}</h3>
        {state?.configured !== false && <span className="muted small">{t('wechat.bot.autoRefresh')}</span>}
        <span className="wechat-card__spacer" />
        <button type="button" className="btn btn--small" onClick={() => void load()} data-testid="wechat-bot-refresh">{t('wechat.bot.refresh')}</button>
      </header>
      {error && <WechatErrorNote error={error} onRetry={() => void load()} />}
      {!state ? (!error && <p className="muted small">{t('common.loading')}</p>)
        : !state.configured ? (
          <div className="wechat-empty" data-testid="wechat-bot-empty">
            <strong>{t('wechat.bot.notConfigured')}</strong>
            <p>{t('wechat.bot.notConfiguredHint')}</p>
            <ul className="wechat-empty__list">
              <li><code>WECHATY_PUPPET=wechaty-puppet-service</code> · {t('wechat.bot.puppetService')}</li>
              <li><code>WECHATY_PUPPET=wechaty-puppet-wechat4u</code> · {t('wechat.bot.puppetWechat4u')}</li>
            </ul>
            <p className="muted small">{t('wechat.bot.nameHint')}</p>
          </div>
        ) : (
          <div className="wechat-bot">
            <dl className="kv wechat-bot__facts">
              <div className="kv__pair">
                <dt>{t('wechat.bot.status')}</dt>
                <dd>
                  <span className={`badge wechat-status ${STATUS_TONE[state.status]}`} data-testid="wechat-bot-status">{t(`wechat.bot.status.${state.status}`)}</span>
                  {state.since && <span className="muted small wechat-bot__since" title={formatFullTime(state.since, locale)}> {t('wechat.bot.since')} {formatTime(state.since, locale)}</span>}
                </dd>
              </div>
              {state.user && (
                <div className="kv__pair"><dt>{t('wechat.bot.account')}</dt><dd data-testid="wechat-bot-user">{state.user.name} <span className="muted small">{state.user.id}</span></dd></div>
              )}
              {state.status === 'scan' && state.scanStatus && (
                <div className="kv__pair"><dt>{t('wechat.bot.scanStatus')}</dt><dd>{tMaybe(`wechat.bot.scan.${state.scanStatus}`) ?? state.scanStatus}</dd></div>
              )}
              {state.puppet && <div className="kv__pair"><dt>{t('wechat.bot.puppet')}</dt><dd><code>{state.puppet}</code></dd></div>}
              {state.lastError && (
                <div className="kv__pair"><dt>{t('wechat.bot.lastError')}</dt><dd className="wechat-bot__error" data-testid="wechat-bot-error">{state.lastError}</dd></div>
              )}
            </dl>
            {state.status === 'stopped' && <p className="muted small">{t('wechat.bot.stoppedHint')}</p>}
            {state.status === 'scan' && (
              <figure className="wechat-qr" data-testid="wechat-bot-qr">
                {state.qrSvg
                  ? <img src={svgDataUrl(state.qrSvg)} alt={t('wechat.bot.qrAlt')} width={220} height={220} data-testid="wechat-bot-qr-image" />
                  : state.qrcode && <p className="small">{t('wechat.bot.qrNoImage')} <code className="wechat-qr__raw">{state.qrcode}</code></p>}
                <figcaption className="muted small">{t('wechat.bot.scanHint')}</figcaption>
              </figure>
            )}
            {(state.status === 'logged_in' || state.user) && (
              <div className="wechat-bot__actions">
                <button type="button" className="btn btn--small" onClick={() => setConfirming(true)} data-testid="wechat-bot-logout">{t('wechat.bot.logout')}</button>
              </div>
            )}
          </div>
        )}
      {confirming && (
        <ConfirmDialog title={t('wechat.bot.logoutTitle')} testId="wechat-bot-logout-dialog"
          text={t('wechat.bot.logoutConfirm', { name: state?.user?.name ?? '' })} confirmLabel={t('wechat.bot.logout')}
          onClose={() => setConfirming(false)} onConfirm={logout} />
      )}
    </section>
  );
}
