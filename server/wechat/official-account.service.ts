import { decryptMessage, isEncodingAESKey, signatureMatches, wechatSignature, WechatCryptoError } from '../../channels/wechat/official/crypto.js';
import { mapOfficialMessage } from '../../channels/wechat/official/message.js';
import { OfficialAccountTransport } from '../../channels/wechat/official/official.transport.js';
import { field, parseWechatXml, WechatXmlError, type WechatXmlObject } from '../../channels/wechat/official/xml.js';
import type { WechatAdapter } from '../../channels/wechat/wechat.adapter.js';
import { isUniqueViolation } from '../db/database.js';
import { Department, WechatOfficialAccount } from '../db/entities/index.js';
import { AppError, AuthError, ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import type { Services } from '../services.js';
import { SECRET_MASK, type OfficialAccountInput } from './official-account.contract.js';


export { SECRET_MASK, type OfficialAccountInput };

export interface OfficialAccountView {
  id: number; name: string; appId: string;
  /** Always the mask (or why the stored value cannot be read): secrets are never returned. Sending the mask back keeps the stored value. */
  appSecret: string | { unreadable: string };
  token: string | { unreadable: string };
  encodingAESKey: string | { unreadable: string } | null;
  departmentId: number; active: boolean;
  /** Path of the server URL to enter in the WeChat console (prefix it with this server's public address). */
  callbackPath: string;
  createdAt: string; updatedAt: string;
}

/** An active account with its secrets unsealed, for the callback and the transport. */
export interface OfficialAccountSecrets { id: number; appId: string; appSecret: string; token: string; encodingAESKey: string | null; departmentId: number }

export type CallbackQuery = Partial<Record<'signature' | 'timestamp' | 'nonce' | 'echostr' | 'encrypt_type' | 'msg_signature' | 'openid', string>>;

export type CallbackOutcome =
  | { stored: true; duplicate: boolean; ticketId: number; messageId: number }
  | { stored: false; ignored: string };

/** Sealing contexts of the account secrets (key rotation re-wraps them under the same ones). */
export const OFFICIAL_SECRET_CONTEXT = { appSecret: 'wechat-oa-app-secret', token: 'wechat-oa-token', encodingAESKey: 'wechat-oa-aes-key' } as const;
const CONTEXT = OFFICIAL_SECRET_CONTEXT;
/** WeChat's own samples refuse callbacks whose timestamp is more than 5 minutes off. */
export const MAX_SKEW_S = 300;
/** Like mailboxes: a change through this process applies at once, through another within this time. */
const CACHE_MS = 5_000;

/**
 * Official Accounts: admin-managed settings (secrets sealed by the master key), the server callback
 * (URL verification, plaintext and safe mode, into tickets.ingest), and the `oa:` transport on the
 * 'wechat' adapter.
 */
export class OfficialAccountService {
  readonly transport: OfficialAccountTransport;
  private cache = new Map<number, { until: number; value: Promise<OfficialAccountSecrets | null> }>();

  constructor(private readonly s: Services, opts: { apiUrl?: string; fetch?: typeof fetch } = {}) {
    this.transport = new OfficialAccountTransport({
      apiUrl: opts.apiUrl, fetch: opts.fetch,
      credentials: async (id) => {
        const a = await this.secrets(id);
        return a ? { appId: a.appId, appSecret: a.appSecret } : null;
      },
    });
  }

  // ── admin ────────────────────────────────────────────────────────────────

  async list(): Promise<OfficialAccountView[]> {
    const rows = await this.s.db.read((m) => m.find(WechatOfficialAccount, { order: { id: 'ASC' } }));
    return rows.map((r) => this.view(r));
  }

  async get(id: number): Promise<OfficialAccountView> {
    const row = await this.s.db.read((m) => m.findOneBy(WechatOfficialAccount, { id }));
    if (!row) throw new NotFoundError('official account');
    return this.view(row);
  }

  async create(input: OfficialAccountInput & Required<Pick<OfficialAccountInput, 'name' | 'appId' | 'appSecret' | 'token' | 'departmentId'>>): Promise<OfficialAccountView> {
    for (const k of ['appSecret', 'token', 'encodingAESKey'] as const) {
      if (input[k] === SECRET_MASK) throw new UnprocessableError('SECRET_REQUIRED', `send the real ${k}`, { field: k });
    }
    checkAesKey(input.encodingAESKey);
    const id = await this.s.db.tx(async (m) => {
      await checkDepartment(m, input.departmentId);
      const res = await m.insert(WechatOfficialAccount, {
        name: input.name, appId: input.appId, departmentId: input.departmentId, active: input.active ?? true,
        appSecretSealed: this.seal(input.appSecret, 'appSecret'), tokenSealed: this.seal(input.token, 'token'),
        encodingAesKeySealed: input.encodingAESKey ? this.seal(input.encodingAESKey, 'encodingAESKey') : null,
      });
      return Number(res.identifiers[0]!.id);
    }).catch(rethrowTaken);
    return this.get(id);
  }

  async update(id: number, input: OfficialAccountInput): Promise<OfficialAccountView> {
    if (input.encodingAESKey !== SECRET_MASK) checkAesKey(input.encodingAESKey);
    await this.s.db.tx(async (m) => {
      const current = await m.findOneBy(WechatOfficialAccount, { id });
      if (!current) throw new NotFoundError('official account');
      if (input.departmentId !== undefined) await checkDepartment(m, input.departmentId);
      const patch: Partial<WechatOfficialAccount> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.appId !== undefined) patch.appId = input.appId;
      if (input.departmentId !== undefined) patch.departmentId = input.departmentId;
      if (input.active !== undefined) patch.active = input.active;
      // The mask (a GET's value sent back) keeps the stored secret.
      if (input.appSecret !== undefined && input.appSecret !== SECRET_MASK) patch.appSecretSealed = this.seal(input.appSecret, 'appSecret');
      if (input.token !== undefined && input.token !== SECRET_MASK) patch.tokenSealed = this.seal(input.token, 'token');
      if (input.encodingAESKey !== undefined && input.encodingAESKey !== SECRET_MASK) {
        patch.encodingAesKeySealed = input.encodingAESKey ? this.seal(input.encodingAESKey, 'encodingAESKey') : null;
      }
      if (Object.keys(patch).length) await m.update(WechatOfficialAccount, { id }, patch);
    }).catch(rethrowTaken).finally(() => this.forget(id));
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const res = await this.s.db.tx((m) => m.delete(WechatOfficialAccount, { id }));
    this.forget(id);
    if (!res.affected) throw new NotFoundError('official account');
  }

  /** An active account with its secrets, briefly cached (see CACHE_MS); null when absent, inactive or unreadable. */
  async secrets(id: number): Promise<OfficialAccountSecrets | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.value;
    const value = this.s.db.read((m) => m.findOneBy(WechatOfficialAccount, { id })).then((r) => {
      if (!r || !r.active) return null;
      try {
        return {
          id: r.id, appId: r.appId, departmentId: r.departmentId,
          appSecret: this.unseal(r.appSecretSealed, 'appSecret'), token: this.unseal(r.tokenSealed, 'token'),
          encodingAESKey: r.encodingAesKeySealed ? this.unseal(r.encodingAesKeySealed, 'encodingAESKey') : null,
        };
      } catch (err) {
        this.s.log.error('official account secrets unreadable (master key?)', { accountId: id, error: String(err) });
        return null;
      }
    });
    this.cache.set(id, { until: now + CACHE_MS, value });
    value.catch(() => this.cache.delete(id));
    return value;
  }

  // ── the server callback ──────────────────────────────────────────────────

  /** GET: WeChat checks the URL; the answer is `echostr` itself, only with a valid signature. */
  async verifyUrl(accountId: number, q: CallbackQuery): Promise<string> {
    const account = await this.account(accountId);
    this.checkSignature(account, q);
    if (!q.echostr) throw new ValidationError('echostr is missing', [{ field: 'query.echostr', message: 'is required' }], 'ECHOSTR_MISSING');
    return q.echostr;
  }

  /**
   * POST: verify, decrypt, parse, then ingest — and only then answer (the caller sends `success`).
   * Ingest is one short transaction and idempotent on (channel, externalId), so WeChat's retries
   * (it resends after 5 s without an answer) and replays change nothing.
   */
  async receive(accountId: number, q: CallbackQuery, body: string): Promise<CallbackOutcome> {
    const account = await this.account(accountId);
    const safe = q.encrypt_type === 'aes';
    let fields: WechatXmlObject;
    if (safe) {
      if (!account.encodingAESKey) throw new AppError('ENCRYPTION_NOT_CONFIGURED', 'this account has no EncodingAESKey; set it, or switch the Official Account to plaintext mode', 400);
      const outer = parseXml(body);
      const encrypted = field(outer, 'Encrypt');
      if (!encrypted) throw new ValidationError('safe mode message without <Encrypt>', [{ field: 'body', message: 'Encrypt is missing' }], 'INVALID_XML');
      if (!signatureMatches(wechatSignature([account.token, q.timestamp ?? '', q.nonce ?? '', encrypted]), q.msg_signature)) {
        throw new AuthError('INVALID_SIGNATURE', 'msg_signature does not match this account\'s token');
      }
      this.checkTimestamp(q);
      let inner: string;
      try {
        inner = decryptMessage(account.encodingAESKey, account.appId, encrypted);
      } catch (err) {
        if (err instanceof WechatCryptoError) {
          throw err.code === 'APPID_MISMATCH'
            ? new AppError('APPID_MISMATCH', 'the message was encrypted for another AppID', 403)
            : new AppError('DECRYPT_FAILED', `${err.message}; check the EncodingAESKey`, 400);
        }
        throw err;
      }
      fields = parseXml(inner);
    } else {
      this.checkSignature(account, q);
      fields = parseXml(body);
    }
    let mapped;
    try {
      mapped = mapOfficialMessage(fields, account, this.s.clock.now());
    } catch (err) {
      if (err instanceof WechatXmlError) throw new ValidationError(err.message, [{ field: 'body', message: err.message }], 'INVALID_XML');
      throw err;
    }
    if (mapped.kind === 'ignored') {
      this.s.log.debug('wechat official account event ignored', { accountId, reason: mapped.reason });
      return { stored: false, ignored: mapped.reason };
    }
    const r = await this.s.tickets.ingest(mapped.message);
    return { stored: true, duplicate: r.duplicate, ticketId: r.ticketId, messageId: r.messageId };
  }

  private async account(id: number): Promise<OfficialAccountSecrets> {
    const account = await this.secrets(id);
    if (!account) throw new NotFoundError('official account');
    return account;
  }

  /** Plain signature first (a forgery is told so), then the timestamp window (a replay). */
  private checkSignature(account: OfficialAccountSecrets, q: CallbackQuery): void {
    if (!signatureMatches(wechatSignature([account.token, q.timestamp ?? '', q.nonce ?? '']), q.signature)) {
      throw new AuthError('INVALID_SIGNATURE', 'the signature does not match this account\'s token');
    }
    this.checkTimestamp(q);
  }

  private checkTimestamp(q: CallbackQuery): void {
    const ts = Number(q.timestamp);
    if (!/^\d{1,12}$/.test(q.timestamp ?? '') || Math.abs(this.s.clock.now().getTime() / 1000 - ts) > MAX_SKEW_S) {
      throw new AuthError('STALE_TIMESTAMP', `the timestamp is more than ${MAX_SKEW_S / 60} minutes away from this server's clock (a replay, or a wrong clock)`);
    }
  }

  private forget(id: number): void {
    this.cache.delete(id);
    this.transport.forget(id);
  }

  private seal(value: string, what: keyof typeof CONTEXT): string {
    return this.s.vault.keyring.wrap(Buffer.from(value, 'utf8'), CONTEXT[what]).wrapped;
  }

  private unseal(sealed: string, what: keyof typeof CONTEXT): string {
    return this.s.vault.keyring.unwrap(sealed, CONTEXT[what]).toString('utf8');
  }

  private view(r: WechatOfficialAccount): OfficialAccountView {
    const masked = (sealed: string, what: keyof typeof CONTEXT): string | { unreadable: string } => {
      try {
        this.unseal(sealed, what);
        return SECRET_MASK;
      } catch (err) {
        return { unreadable: `${String(err)}; configure the previous master key (MEMBERDESK_PREVIOUS_MASTER_KEYS) and run npm run keys:rotate, or set this value again` };
      }
    };
    return {
      id: r.id, name: r.name, appId: r.appId,
      appSecret: masked(r.appSecretSealed, 'appSecret'), token: masked(r.tokenSealed, 'token'),
      encodingAESKey: r.encodingAesKeySealed ? masked(r.encodingAesKeySealed, 'encodingAESKey') : null,
      departmentId: r.departmentId, active: r.active, callbackPath: `/api/channels/wechat/official/${r.id}`,
      createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
    };
  }
}

const services = new WeakMap<Services, OfficialAccountService>();

/**
 * The one OfficialAccountService of a Services, created on first call with `opts`; its transport is
 * registered on the 'wechat' adapter then. Both the routes and tests reach it through here.
 */
export function officialAccounts(s: Services, opts: { apiUrl?: string; fetch?: typeof fetch } = {}): OfficialAccountService {
  let svc = services.get(s);
  if (!svc) {
    svc = new OfficialAccountService(s, opts);
    services.set(s, svc);
    (s.channels.get('wechat') as WechatAdapter | undefined)?.register(svc.transport);
  }
  return svc;
}

function parseXml(body: string): WechatXmlObject {
  try {
    return parseWechatXml(body);
  } catch (err) {
    if (err instanceof WechatXmlError) throw new ValidationError(`not WeChat XML: ${err.message}`, [{ field: 'body', message: err.message }], 'INVALID_XML');
    throw err;
  }
}

function checkAesKey(key: string | null | undefined): void {
  if (key && !isEncodingAESKey(key)) throw new ValidationError('EncodingAESKey must be 43 letters and digits', [{ field: 'encodingAESKey', message: 'must be 43 characters of [A-Za-z0-9]' }], 'INVALID_AES_KEY');
}

async function checkDepartment(m: import('typeorm').EntityManager, departmentId: number): Promise<void> {
  if (!(await m.existsBy(Department, { id: departmentId }))) {
    throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${departmentId} does not exist`, { field: 'departmentId' });
  }
}

function rethrowTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('APP_ID_TAKEN', 'another Official Account has this AppID');
  throw err;
}
