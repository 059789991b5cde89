import { useState } from 'react';
import { asApiError, type ApiError } from '../../api';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../../state/console-context';
import { wechatApi, type OfficialAccount, type OfficialAccountInput, type SecretView } from '../../wechat-api';
import { Modal } from '../common/modal';
import { WechatErrorNote } from './wechat-error-note';

// The server's rules (server/http/routes/wechat.routes.ts), checked here too so that the form says which field is wrong.
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9]{3,32}$/;
const AES_KEY = /^[A-Za-z0-9]{43}$/;

const isSet = (v: SecretView) => v !== null && v !== '';

interface Props {
  /** null: a new account. */
  account: OfficialAccount | null;
  onClose(): void;
  onSaved(a: OfficialAccount): void;
}

/**
 * Adding or changing an Official Account. Secrets are write-only: an existing one shows as set, an empty field
 * keeps it, and only what was typed is sent.
 */
export function OfficialAccountDialog({ account, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { departments } = useConsole();
  const editing = account !== null;
  const [name, setName] = useState(account?.name ?? '');
  const [appId, setAppId] = useState(account?.appId ?? '');
  const [appSecret, setAppSecret] = useState('');
  const [token, setToken] = useState('');
  const [aesKey, setAesKey] = useState('');
  const [plaintextOnly, setPlaintextOnly] = useState(false);
  const [departmentId, setDepartmentId] = useState<number | ''>(account?.departmentId ?? departments.find((d) => d.isDefault)?.id ?? departments[0]?.id ?? '');
  const [active, setActive] = useState(account?.active ?? true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const appIdBad = appId !== '' && !APP_ID.test(appId.trim());
  const tokenBad = token !== '' && !TOKEN.test(token.trim());
  const aesBad = aesKey !== '' && !plaintextOnly && !AES_KEY.test(aesKey.trim());
  const complete = name.trim() !== '' && appId.trim() !== '' && departmentId !== ''
    && (editing || (appSecret.trim() !== '' && token.trim() !== ''));
  const canSave = complete && !appIdBad && !tokenBad && !aesBad && !busy;

  const body = (): OfficialAccountInput => {
    if (!editing) {
      return {
        name: name.trim(), appId: appId.trim(), appSecret: appSecret.trim(), token: token.trim(),
        encodingAESKey: aesKey.trim() || null, departmentId: Number(departmentId), active,
      };
    }
    const patch: OfficialAccountInput = {};
    if (name.trim() !== account.name) patch.name = name.trim();
    if (appId.trim() !== account.appId) patch.appId = appId.trim();
    if (Number(departmentId) !== account.departmentId) patch.departmentId = Number(departmentId);
    if (active !== account.active) patch.active = active;
    if (appSecret.trim()) patch.appSecret = appSecret.trim();
    if (token.trim()) patch.token = token.trim();
    if (plaintextOnly) patch.encodingAESKey = null;
    else if (aesKey.trim()) patch.encodingAESKey = aesKey.trim();
    return patch;
  };

  const submit = async () => {
    if (!canSave) return;
    const input = body();
    if (editing && Object.keys(input).length === 0) { onClose(); return; }
    setBusy(true);
    setError(null);
    try {
      onSaved(editing ? await wechatApi.updateOfficialAccount(account.id, input) : await wechatApi.createOfficialAccount(input));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const secretPlaceholder = (v: SecretView | undefined) => (editing && v !== undefined && isSet(v) ? t('wechat.oa.keepSecret') : '');

  return (
    <Modal title={editing ? t('wechat.oa.editTitle', { name: account.name }) : t('wechat.oa.addTitle')} onClose={onClose} testId="oa-dialog" wide
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={!canSave} data-testid="oa-save">
          {busy ? t('common.saving') : editing ? t('wechat.oa.save') : t('wechat.oa.create')}
        </button>
      </>}>
      <form className="wechat-form" onSubmit={(e) => { e.preventDefault(); void submit(); }} autoComplete="off">
        <label className="field">
          <span>{t('wechat.oa.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required data-testid="oa-name" />
        </label>
        <label className="field">
          <span>{t('wechat.oa.appId')}</span>
          <input value={appId} onChange={(e) => setAppId(e.target.value)} maxLength={64} required placeholder="wx0123456789abcdef"
            aria-invalid={appIdBad} spellCheck={false} data-testid="oa-app-id" />
          {appIdBad && <em className="wechat-form__bad">{t('wechat.oa.appIdInvalid')}</em>}
        </label>
        <label className="field">
          <span>{t('wechat.oa.appSecret')}</span>
          <input type="password" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} maxLength={128} required={!editing}
            placeholder={secretPlaceholder(account?.appSecret)} autoComplete="new-password" data-testid="oa-app-secret" />
        </label>
        <label className="field">
          <span>{t('wechat.oa.token')}</span>
          <input type="password" value={token} onChange={(e) => setToken(e.target.value)} maxLength={32} required={!editing}
            placeholder={secretPlaceholder(account?.token)} aria-invalid={tokenBad} autoComplete="new-password" data-testid="oa-token" />
          <em className={tokenBad ? 'wechat-form__bad' : 'field__hint small'}>{t(tokenBad ? 'wechat.oa.tokenInvalid' : 'wechat.oa.tokenHint')}</em>
        </label>
        <label className="field">
          <span>{t('wechat.oa.encodingAESKey')}</span>
          <input type="password" value={aesKey} onChange={(e) => setAesKey(e.target.value)} maxLength={43} disabled={plaintextOnly}
            placeholder={secretPlaceholder(account?.encodingAESKey ?? undefined)} aria-invalid={aesBad} autoComplete="new-password" data-testid="oa-aes-key" />
          <em className={aesBad ? 'wechat-form__bad' : 'field__hint small'}>{t(aesBad ? 'wechat.oa.aesInvalid' : 'wechat.oa.aesHint')}</em>
        </label>
        {editing && account.encodingAESKey !== null && (
          <label className="wechat-form__check">
            <input type="checkbox" checked={plaintextOnly} onChange={(e) => setPlaintextOnly(e.target.checked)} data-testid="oa-plaintext-only" />
            <span>{t('wechat.oa.plaintextOnly')}</span>
          </label>
        )}
        <label className="field">
          <span>{t('wechat.oa.department')}</span>
          <select value={departmentId} onChange={(e) => setDepartmentId(e.target.value === '' ? '' : Number(e.target.value))} required data-testid="oa-department">
            {departmentId === '' && <option value="">—</option>}
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
          <em className="field__hint small">{t('wechat.oa.departmentHint')}</em>
        </label>
        <label className="wechat-form__check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="oa-active" />
          <span>{t('wechat.oa.active')} <span className="muted small">· {t('wechat.oa.activeHint')}</span></span>
        </label>
        {/* Enter in a field submits. */}
        <button type="submit" hidden />
      </form>
      {error && <WechatErrorNote error={error} />}
    </Modal>
  );
}
