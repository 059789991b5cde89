import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { OfficialAccountsPanel } from './official-accounts-panel';
import { WechatBotPanel } from './wechat-bot-panel';
import './wechat.css';

/**
 * `#/admin/wechat` (admins; docs/wechat.md): the personal-account bot's state and login QR code, and the
 * Official Accounts with what to enter in WeChat's console.
 */
export function WechatPage() {
  const { t } = useI18n();
  const { me } = useConsole();
  return (
    <div className="wechat-page">
      <header className="wechat-page__head">
        <h2>{t('wechat.title')}</h2>
        <p className="muted">{t('wechat.intro')}</p>
      </header>
      {/* The API refuses everyone else (403); the address typed by hand gets a sentence rather than two errors. */}
      {me.role !== 'admin' ? <p className="wechat-empty" data-testid="wechat-admin-only">{t('wechat.adminOnly')}</p> : (
        <>
          <WechatBotPanel />
          <OfficialAccountsPanel />
        </>
      )}
    </div>
  );
}
