import type { ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';

/**
 * An API error of the WeChat screens in words: this section's translation of the code first (codes the console
 * table does not know: SAME_MEMBER, CONTACT_EXISTS, APP_ID_TAKEN…), then the console's, then the server's words.
 */
export function useWechatErrorText(): (error: ApiError) => string {
  const { tMaybe } = useI18n();
  return (error) => tMaybe(`wechat.error.${error.code}`) ?? tMaybe(`error.${error.code}`) ?? error.message;
}

/** Same look as the console's ErrorNote, with the code for whoever the admin reports it to. */
export function WechatErrorNote({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useWechatErrorText();
  return (
    <div className="error-note" role="alert" data-testid="wechat-error" data-code={error.code}>
      <span>{text(error)}</span>
      <code className="error-note__code">{error.code}</code>
      {onRetry && <button type="button" className="btn btn--small" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}
