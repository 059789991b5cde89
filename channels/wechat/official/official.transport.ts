import { createHash } from 'node:crypto';
import { ChannelSendError, type OutboundMessage } from '../../channel.js';
import { OFFICIAL_PREFIX, type WechatTransport } from '../wechat.adapter.js';

export const DEFAULT_WECHAT_API_URL = 'https://api.weixin.qq.com';

export interface OfficialAccountCredentials { appId: string; appSecret: string }

export interface OfficialTransportOptions {
  /** Base URL of WeChat's API (MEMBERDESK_WECHAT_API_URL; a local fake in tests). */
  apiUrl?: string;
  /** The account's AppID and AppSecret, or null when it is gone or inactive. */
  credentials(accountId: number): Promise<OfficialAccountCredentials | null>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

/** A token is renewed this long before WeChat says it expires (clock skew, slow requests). */
const TOKEN_MARGIN_S = 300;
/** Errors that mean our token is no longer valid: fetch a new one and try once more. */
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** Errors retrying will not fix, with what an agent should read. */
const PERMANENT: Record<number, string> = {
  45015: 'WeChat refuses: the member has not written to the Official Account in the last 48 hours, so it may not message them (errcode 45015). Reach them another way, or wait for their next message',
  45047: 'WeChat refuses: too many messages sent since the member last wrote (errcode 45047). Wait for their next message',
  40003: 'WeChat does not know this member\'s OpenID for this Official Account (errcode 40003)',
  43004: 'the member no longer follows the Official Account (errcode 43004)',
  48001: 'this Official Account may not use the customer-service message API (errcode 48001: not verified or permission missing)',
  40013: 'WeChat rejects the AppID (errcode 40013); check the Official Account settings',
  40125: 'WeChat rejects the AppSecret (errcode 40125); check the Official Account settings',
  40164: 'WeChat refuses calls from this server\'s IP address (errcode 40164); add it to the Official Account\'s IP whitelist',
};

interface CachedToken { key: string; token: string; until: number }

/**
 * The Official Account door out: replies go through the customer-service message API
 * (`/cgi-bin/message/custom/send`) with the account's access token, fetched on first use and cached
 * per account until shortly before it expires; a token WeChat no longer accepts is replaced once.
 * Addresses (after the `oa:` prefix) are `<accountId>:<openid>`.
 */
export class OfficialAccountTransport implements WechatTransport {
  readonly prefix = OFFICIAL_PREFIX;
  private readonly tokens = new Map<number, CachedToken>();
  private readonly fetching = new Map<number, Promise<CachedToken>>();
  private readonly apiUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly o: OfficialTransportOptions) {
    this.apiUrl = (o.apiUrl ?? DEFAULT_WECHAT_API_URL).replace(/\/+$/, '');
    this.fetchFn = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
  }

  /** Drops an account's cached token (its AppSecret changed, or it was removed). */
  forget(accountId: number): void {
    this.tokens.delete(accountId);
  }

  async send(address: string, message: OutboundMessage): Promise<{ providerId: string }> {
    const m = /^(\d+):([A-Za-z0-9_-]{1,128})$/.exec(address);
    if (!m) throw new ChannelSendError('this member\'s Official Account address is malformed', true);
    const accountId = Number(m[1]);
    const openid = m[2]!;
    const creds = await this.o.credentials(accountId);
    if (!creds) throw new ChannelSendError(`the Official Account (id ${accountId}) this member wrote through is removed or inactive`, true);
    const body = { touser: openid, msgtype: 'text', text: { content: message.text } };
    let token = await this.token(accountId, creds, null);
    let res = await this.post(`/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token.token)}`, body);
    if (TOKEN_INVALID.has(res.errcode ?? 0)) {
      token = await this.token(accountId, creds, token.token);
      res = await this.post(`/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token.token)}`, body);
    }
    const code = res.errcode ?? 0;
    if (code === 0) return { providerId: res.msgid !== undefined ? String(res.msgid) : `oa-custom:${message.deliveryId}` };
    throw errorOf(code, res.errmsg, 'sending the message');
  }

  /** The cached token, or a new one when there is none, it expired, or it is `rejected` (WeChat said it is invalid). */
  private async token(accountId: number, creds: OfficialAccountCredentials, rejected: string | null): Promise<CachedToken> {
    const key = createHash('sha256').update(`${creds.appId}\0${creds.appSecret}`).digest('hex');
    const cached = this.tokens.get(accountId);
    if (cached && cached.key === key && cached.until > this.now() && cached.token !== rejected) return cached;
    // Concurrent sends of one account share one request.
    let pending = this.fetching.get(accountId);
    if (!pending) {
      pending = this.fetchToken(creds, key).finally(() => this.fetching.delete(accountId));
      this.fetching.set(accountId, pending);
    }
    const fresh = await pending;
    this.tokens.set(accountId, fresh);
    return fresh;
  }

  private async fetchToken(creds: OfficialAccountCredentials, key: string): Promise<CachedToken> {
    const qs = new URLSearchParams({ grant_type: 'client_credential', appid: creds.appId, secret: creds.appSecret });
    const res = await this.call(`/cgi-bin/token?${qs}`, { method: 'GET' });
    if (typeof res.access_token !== 'string' || !res.access_token) {
      throw errorOf(res.errcode ?? -1, res.errmsg ?? 'no access_token in the answer', 'getting an access token');
    }
    const ttl = Math.max(60, (Number(res.expires_in) || 7200) - TOKEN_MARGIN_S);
    return { key, token: res.access_token, until: this.now() + ttl * 1000 };
  }

  private post(path: string, body: unknown): Promise<WechatApiAnswer> {
    return this.call(path, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
  }

  /** One API call; the URL (it holds the secret or the token) is never put in an error. */
  private async call(path: string, init: RequestInit): Promise<WechatApiAnswer> {
    let res: Response;
    try {
      res = await this.fetchFn(this.apiUrl + path, { ...init, signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new ChannelSendError(`WeChat API unreachable: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`, false);
    }
    const text = await res.text().catch(() => '');
    // WeChat answers errors as 200 + errcode; any other status is a proxy or an outage: retried.
    if (!res.ok) throw new ChannelSendError(`WeChat API answered HTTP ${res.status}`, false);
    try {
      return JSON.parse(text) as WechatApiAnswer;
    } catch {
      throw new ChannelSendError('WeChat API answered something that is not JSON', false);
    }
  }
}

interface WechatApiAnswer { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number; msgid?: number | string }

function errorOf(code: number, errmsg: string | undefined, doing: string): ChannelSendError {
  const known = PERMANENT[code];
  if (known) return new ChannelSendError(known, true);
  // -1 is "system busy"; 45009 a quota per day/minute: both pass. Unknown codes are retried until the worker gives up.
  return new ChannelSendError(`WeChat API error while ${doing}: ${String(errmsg ?? '').slice(0, 200)} (errcode ${code})`, false);
}
