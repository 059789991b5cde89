import express, { type Router } from 'express';
import type { AppOptions } from '../../app.js';
import { ValidationError } from '../../errors.js';
import type { Services } from '../../services.js';
import { officialAccounts, type CallbackQuery, type OfficialAccountInput } from '../../wechat/official-account.service.js';
import { defineRoute, idParams, int, nullable, obj, str, type ApiServices } from '../api.js';

/** Options of the WeChat routes; `wechatApiUrl` is MEMBERDESK_WECHAT_API_URL (WeChat's own API when absent). */
export interface WechatRouteOptions { wechatApiUrl?: string }

const MASK = '\\*{8}';
const accountFields = {
  name: str({ minLength: 1, maxLength: 100 }),
  appId: str({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  appSecret: str({ minLength: 1, maxLength: 128 }),
  // WeChat's console: Token 3–32 letters and digits; EncodingAESKey 43. The mask keeps the stored value.
  token: str({ pattern: `^([A-Za-z0-9]{3,32}|${MASK})$` }),
  encodingAESKey: nullable(str({ pattern: `^([A-Za-z0-9]{43}|${MASK})$` })),
  departmentId: int(),
  active: { type: 'boolean' },
};
const callbackParams = obj({ accountId: int() }, ['accountId']);
// WeChat may add parameters: the ones we read are checked, others pass.
const callbackQuery = {
  type: 'object', additionalProperties: true,
  properties: Object.fromEntries(['signature', 'timestamp', 'nonce', 'echostr', 'encrypt_type', 'msg_signature', 'openid'].map((k) => [k, str({ maxLength: 512 })])),
};
/** WeChat's callbacks are a few KB of XML; the public routes' JSON parser leaves them to this one. */
const xmlBody = express.text({ type: () => true, limit: '64kb' });

/**
 * WeChat Official Account: admin CRUD of accounts, and the public server callback
 * (`GET` URL verification, `POST` messages) authenticated by the account's signature instead of a token.
 * Also registers the `oa:` transport on the 'wechat' adapter (once per Services).
 */
export function wechatOfficialRoutes(r: Router, auth: ApiServices, s: Services, opts: AppOptions & WechatRouteOptions = {}): void {
  const accounts = officialAccounts(s, { apiUrl: opts.wechatApiUrl });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels/wechat/official-accounts', tag: 'wechat', roles: ['admin'],
    summary: 'WeChat Official Accounts (AppSecret, Token and EncodingAESKey are never returned: masked).',
  }, async () => ({ items: await accounts.list() }));

  defineRoute<Record<string, never>, never, OfficialAccountInput & { name: string; appId: string; appSecret: string; token: string; departmentId: number }>(r, auth, {
    method: 'post', path: '/channels/wechat/official-accounts', tag: 'wechat', roles: ['admin'], status: 201,
    body: obj(accountFields, ['name', 'appId', 'appSecret', 'token', 'departmentId']),
    summary: 'Connect an Official Account: its members\' messages become tickets of departmentId. Enter <public URL> + callbackPath, the Token and the EncodingAESKey in the WeChat console.',
  }, ({ body }) => accounts.create(body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/channels/wechat/official-accounts/:id', tag: 'wechat', roles: ['admin'], params: idParams,
    summary: 'One Official Account (secrets masked).',
  }, ({ params }) => accounts.get(params.id));

  defineRoute<{ id: number }, never, OfficialAccountInput>(r, auth, {
    method: 'patch', path: '/channels/wechat/official-accounts/:id', tag: 'wechat', roles: ['admin'], params: idParams,
    body: { ...obj(accountFields), minProperties: 1 },
    summary: 'Change an Official Account; a secret sent as "********" keeps its stored value; encodingAESKey: null = plaintext mode only.',
  }, ({ params, body }) => accounts.update(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/channels/wechat/official-accounts/:id', tag: 'wechat', roles: ['admin'], params: idParams, status: 204,
    summary: 'Disconnect an Official Account (its tickets stay; replies to its members fail as undeliverable).',
  }, async ({ params }) => { await accounts.remove(params.id); });

  defineRoute<{ accountId: number }, CallbackQuery, never>(r, auth, {
    method: 'get', path: '/channels/wechat/official/:accountId', tag: 'wechat', public: true, params: callbackParams, query: callbackQuery,
    summary: 'WeChat server URL verification: answers echostr (text/plain) when signature = sha1(sort(token, timestamp, nonce)) matches and the timestamp is within 5 minutes; 401 INVALID_SIGNATURE / STALE_TIMESTAMP otherwise.',
  }, async ({ params, query, res }) => {
    const echo = await accounts.verifyUrl(params.accountId, query);
    res.status(200).type('text/plain').send(echo);
  });

  defineRoute<{ accountId: number }, CallbackQuery, never>(r, auth, {
    method: 'post', path: '/channels/wechat/official/:accountId', tag: 'wechat', public: true, params: callbackParams, query: callbackQuery, bodyType: 'text/xml',
    summary: 'WeChat message callback (plaintext, or safe mode with encrypt_type=aes and msg_signature). Answers "success" (text/plain) once the message is stored or known to be an event or a duplicate; 401 INVALID_SIGNATURE / STALE_TIMESTAMP, 400 INVALID_XML / DECRYPT_FAILED, 403 APPID_MISMATCH, 404 for an unknown or inactive account.',
  }, async ({ params, query, req, res }) => {
    if (typeof req.body !== 'string' || !req.body.trim()) {
      throw new ValidationError('send WeChat\'s XML as the body (Content-Type: text/xml)', [{ field: 'body', message: 'is empty' }], 'INVALID_XML');
    }
    await accounts.receive(params.accountId, query, req.body);
    // WeChat wants exactly "success" (or an empty body); anything else shows the member an error notice.
    res.status(200).type('text/plain').send('success');
  }, xmlBody);
}
