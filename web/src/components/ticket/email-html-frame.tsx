import { useI18n } from '../../i18n/i18n';

/**
 * Mail HTML in a sandbox with no permissions at all: no scripts, no same-origin access, no forms,
 * no navigation of the console. The server sanitises stored HTML too; this is the second wall.
 * The page's CSP (img-src 'self' data:) is inherited by srcdoc, so remote images and tracking pixels stay out.
 */
export function EmailHtmlFrame({ html }: { html: string }) {
  const { t } = useI18n();
  const doc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>
body{font:14px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;margin:12px;word-wrap:break-word}
img{max-width:100%;height:auto}blockquote{border-left:3px solid #d0d7de;margin:0 0 0 4px;padding-left:10px;color:#57606a}
table{max-width:100%}pre{white-space:pre-wrap}
</style></head><body>${html}</body></html>`;
  return <iframe className="email-frame" sandbox="" srcDoc={doc} title={t('message.htmlTitle')} referrerPolicy="no-referrer" loading="lazy" />;
}
