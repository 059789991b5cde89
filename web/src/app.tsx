import { useCallback, useEffect, useState } from 'react';
import { configureApi } from './api';
import { ErrorNote } from './components/common/error-note';
import { ConsoleShell } from './components/layout/console-shell';
import { LoginPage } from './components/login-page';
import { I18nProvider, useI18n } from './i18n/i18n';
import { storedToken, storeToken } from './session';
import { ConsoleProvider } from './state/console-context';
import { NoticesProvider } from './state/notices-context';
import type { LoginResult } from './types';

function Gate() {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(storedToken);
  const [expired, setExpired] = useState(false);

  const signOut = useCallback((becauseExpired: boolean) => {
    storeToken(null);
    configureApi({ token: null });
    setExpired(becauseExpired);
    setToken(null);
  }, []);

  // Configured during render so the first requests of the console already carry the token.
  configureApi({ token, onUnauthorized: () => signOut(true) });

  // Signing out (or in) in another tab applies here too.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === null || e.key === 'memberdesk.token') setToken(storedToken());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const onLogin = (r: LoginResult) => {
    storeToken(r.token);
    setExpired(false);
    setToken(r.token);
  };

  if (!token) return <LoginPage onLogin={onLogin} notice={expired ? 'expired' : null} />;
  return (
    <ConsoleProvider key={token} token={token} onSignedOut={() => signOut(false)}
      loading={<div className="splash"><span className="logo" aria-hidden="true" /> {t('common.loading')}</div>}
      failed={(err, retry) => (
        <div className="splash splash--error">
          <ErrorNote error={err} onRetry={retry} />
          <button type="button" className="btn" onClick={() => signOut(false)}>{t('auth.logout')}</button>
        </div>
      )}>
      <NoticesProvider>
        <ConsoleShell />
      </NoticesProvider>
    </ConsoleProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Gate />
    </I18nProvider>
  );
}
