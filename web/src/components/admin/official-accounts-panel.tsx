import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { formatFullTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { useNotices } from '../../state/notices-context';
import { wechatApi, type OfficialAccount, type SecretView } from '../../wechat-api';
import { ConfirmDialog } from './confirm-dialog';
import { OfficialAccountDialog } from './official-account-dialog';
import { WechatErrorNote } from './wechat-error-note';

/**
 * The URL to paste into WeChat's server configuration. The console does not know MEMBERDESK_PUBLIC_URL: it
 * prefixes its own address, which is the public one when agents use the public server (the hint says so).
 */
export function callbackUrl(path: string): string {
  return `${location.origin}${path}`;
}

function SecretState({ label, value, plaintextWhenEmpty }: { label: string; value: SecretView; plaintextWhenEmpty?: boolean }) {
  const { t } = useI18n();
  const text = value === null || value === '' ? (plaintextWhenEmpty ? t('wechat.oa.plaintextMode') : t('wechat.oa.secretUnset'))
    : typeof value === 'object' ? t('wechat.oa.secretUnreadable') : t('wechat.oa.secretSet');
  const tone = typeof value === 'object' && value !== null ? ' wechat-secret--bad' : value ? ' wechat-secret--set' : '';
  return <span className={`wechat-secret${tone}`} title={typeof value === 'object' && value ? value.unreadable : undefined}>{label}: {text}</span>;
}

/** Official Accounts: the list with what to enter in WeChat's console, and add / edit / delete. */
export function OfficialAccountsPanel() {
  const { t, locale } = useI18n();
  const { departmentName } = useConsole();
  const { toast } = useNotices();
  const [items, setItems] = useState<OfficialAccount[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<OfficialAccount | 'new' | null>(null);
  const [deleting, setDeleting] = useState<OfficialAccount | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await wechatApi.officialAccounts()).items);
      setError(null);
    } catch (err) {
      setError(asApiError(err));
    }
  }, []);
  useEffect(() => { void load(); }, [load]);

  const saved = (a: OfficialAccount) => {
    setEditing(null);
    toast({ tone: 'success', text: t('wechat.oa.saved', { name: a.name }) });
    setItems((prev) => (prev?.some((x) => x.id === a.id) ? prev.map((x) => (x.id === a.id ? a : x)) : [...(prev ?? []), a]));
    void load();
  };

  const remove = async () => {
    if (!deleting) return;
    await wechatApi.deleteOfficialAccount(deleting.id);
    toast({ tone: 'success', text: t('wechat.oa.deleted', { name: deleting.name }) });
    setItems((prev) => prev?.filter((x) => x.id !== deleting.id) ?? null);
    setDeleting(null);
    void load();
  };

  const copy = (url: string) => {
    void navigator.clipboard.writeText(url).then(() => toast({ tone: 'success', text: t('wechat.oa.copied') }), () => undefined);
  };
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard;

  return (
    <section className="wechat-card" aria-labelledby="wechat-oa-title" data-testid="wechat-oa">
      <header className="wechat-card__head">
        <h3 id="wechat-oa-title">{t('wechat.oa.title')}</h3>
        <span className="wechat-card__spacer" />
        <button type="button" className="btn btn--small btn--primary" onClick={() => setEditing('new')} data-testid="oa-add">{t('wechat.oa.add')}</button>
      </header>
      {error && <WechatErrorNote error={error} onRetry={() => void load()} />}
      {items === null ? (!error && <p className="muted small">{t('common.loading')}</p>)
        : items.length === 0 ? (
          <div className="wechat-empty" data-testid="oa-empty">
            <strong>{t('wechat.oa.empty')}</strong>
            <p>{t('wechat.oa.emptyHint')}</p>
            <div><button type="button" className="btn btn--primary" onClick={() => setEditing('new')}>{t('wechat.oa.add')}</button></div>
          </div>
        ) : (
          <>
            <div className="wechat-table__wrap">
              <table className="wechat-table" data-testid="oa-table">
                <thead>
                  <tr>
                    <th scope="col">{t('wechat.oa.name')}</th>
                    <th scope="col">{t('wechat.oa.department')}</th>
                    <th scope="col">{t('wechat.oa.callbackUrl')}</th>
                    <th scope="col">{t('wechat.oa.secrets')}</th>
                    <th scope="col">{t('wechat.oa.created')}</th>
                    <th scope="col"><span className="wechat-sr">{t('wechat.oa.actions')}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((a) => {
                    const url = callbackUrl(a.callbackPath);
                    return (
                      <tr key={a.id} data-testid="oa-row" data-account-id={a.id}>
                        <td>
                          <strong>{a.name}</strong>
                          {!a.active && <span className="badge badge--warn">{t('wechat.oa.inactive')}</span>}
                          <div className="muted small"><code>{a.appId}</code></div>
                        </td>
                        <td>{departmentName(a.departmentId)}</td>
                        <td className="wechat-table__url">
                          <code data-testid="oa-callback-url">{url}</code>
                          {canCopy && <button type="button" className="link-btn" onClick={() => copy(url)}>{t('wechat.oa.copy')}</button>}
                        </td>
                        <td>
                          <div className="wechat-table__secrets" data-testid="oa-secrets">
                            <SecretState label="AppSecret" value={a.appSecret} />
                            <SecretState label="Token" value={a.token} />
                            <SecretState label="EncodingAESKey" value={a.encodingAESKey} plaintextWhenEmpty />
                          </div>
                        </td>
                        <td className="small" title={formatFullTime(a.createdAt, locale)}>{formatFullTime(a.createdAt, locale)}</td>
                        <td className="wechat-table__actions">
                          <button type="button" className="btn btn--small" onClick={() => setEditing(a)} data-testid="oa-edit">{t('wechat.oa.edit')}</button>
                          <button type="button" className="btn btn--small btn--ghost wechat-danger-text" onClick={() => setDeleting(a)} data-testid="oa-delete">{t('wechat.oa.delete')}</button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p className="muted small">{t('wechat.oa.callbackHint')}</p>
          </>
        )}
      {editing && <OfficialAccountDialog account={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={saved} />}
      {deleting && (
        <ConfirmDialog title={t('wechat.oa.deleteTitle', { name: deleting.name })} text={t('wechat.oa.deleteConfirm')} confirmLabel={t('wechat.oa.delete')}
          testId="oa-delete-dialog" onClose={() => setDeleting(null)} onConfirm={remove} />
      )}
    </section>
  );
}
