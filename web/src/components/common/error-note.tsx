import type { ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';

/** An API error in words an agent can act on, with the code for whoever they report it to. */
export function ErrorNote({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t, tMaybe } = useI18n();
  return (
    <div className="error-note" role="alert">
      <span>{tMaybe(`error.${error.code}`) ?? error.message}</span>
      <code className="error-note__code">{error.code}</code>
      {onRetry && <button type="button" className="btn btn--small" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

export function errorText(error: ApiError, tMaybe: (key: string) => string | null): string {
  return `${tMaybe(`error.${error.code}`) ?? error.message} (${error.code})`;
}
