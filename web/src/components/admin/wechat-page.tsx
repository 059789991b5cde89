import { useI18n } from '../../i18n/i18n';

/** The WeChat bot's state and login QR code (issue 8): being built. */
export function WechatPage() {
  const { t } = useI18n();
  return <h2>{t('wechat.title')}</h2>;
}
