import { useState, type FormEvent } from 'react';
import { api, asApiError, type ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import type { LoginResult } from '../types';
import { LangSwitch } from './layout/lang-switch';

interface Props {
  onLogin(result: LoginResult): void;
  /** Why the agent is here again (their session ended). */
  notice?: 'expired' | null;
}

export function LoginPage({ onLogin, notice }: Props) {
  const { t, tMaybe } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(email.trim(), password));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <div className="login__lang"><LangSwitch /></div>
      <form className="login__card" onSubmit={submit} noValidate>
        <div className="login__brand">
          <span className="logo" aria-hidden="true" />
          <div>
            <h1>{t('app.name')}</h1>
            <p>{t('login.subtitle')}</p>
          </div>
        </div>
        {notice === 'expired' && !error && <p className="login__info">{t('login.expired')}</p>}
        <label className="field">
          <span>{t('login.email')}</span>
          <input type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        </label>
        {error && (
          <p className="login__error" role="alert" data-testid="login-error">
            {tMaybe(`error.${error.code}`) ?? error.message} <code>{error.code}</code>
          </p>
        )}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy || !email || !password} data-testid="login-submit">
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
