import { useView, VIEW_HASH, type ConsoleView } from '../../hooks/use-hash-route';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { NoticeBell } from '../notices/notice-bell';
import { ConnStatus } from './conn-status';
import { LangSwitch } from './lang-switch';
import { PresenceSelect } from './presence-select';

interface Props {
  onOpenTicket(id: number): void;
  onLogCall(): void;
  onHelp(): void;
}

export function TopBar({ onOpenTicket, onLogCall, onHelp }: Props) {
  const { me, logout } = useConsole();
  const { t } = useI18n();
  const view = useView();
  // Reports are for supervisors, admins and analysts; the bot's settings for admins.
  const views: Array<[ConsoleView, MessageKey]> = [['queue', 'nav.queue'], ['follow-ups', 'nav.followUps']];
  if (me.role !== 'analyst') views.push(['suggestions', 'suggestions.nav']);
  if (me.role !== 'agent') views.push(['reports', 'nav.reports']);
  if (me.role === 'admin') views.push(['wechat', 'nav.wechat']);
  return (
    <header className="topbar">
      <a className="topbar__brand" href="#/">
        <span className="logo" aria-hidden="true" />
        <span className="topbar__name">{t('app.name')}</span>
      </a>
      <nav className="topbar__nav" aria-label={t('nav.label')}>
        {views.map(([v, label]) => (
          <a key={v} href={VIEW_HASH[v]} className={`topbar__link${view === v ? ' topbar__link--active' : ''}`} aria-current={view === v ? 'page' : undefined} data-testid={`nav-${v}`}>{t(label)}</a>
        ))}
      </nav>
      <div className="topbar__actions">
        <button type="button" className="btn btn--small" onClick={onLogCall} data-testid="log-call">{t('call.open')}</button>
        <ConnStatus />
        <PresenceSelect />
        <NoticeBell onOpenTicket={onOpenTicket} />
        <button type="button" className="icon-btn" onClick={onHelp} title={t('shortcuts.title')} aria-label={t('shortcuts.title')} data-testid="help-button">?</button>
        <LangSwitch />
        <span className="topbar__me" title={me.email}>{me.name}</span>
        <button type="button" className="btn btn--small btn--ghost" onClick={logout} data-testid="logout">{t('auth.logout')}</button>
      </div>
    </header>
  );
}
