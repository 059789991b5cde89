import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptMessage, wechatSignature } from '../../channels/wechat/official/crypto.js';
import type { AppOptions } from '../../server/app.js';
import { Message, TicketEvent, WechatOfficialAccount } from '../../server/db/entities/index.js';
import type { WechatRouteOptions } from '../../server/http/routes/wechat.routes.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/wechat');
const DIR = path.join(FIXTURES, 'official_account_inbound');
const INDEX: { files: Array<{ file: string; wechatpy_assertions: string[] }> } = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const V = JSON.parse(readFileSync(path.join(FIXTURES, 'signature_and_crypto_vectors.json'), 'utf8'));
const SAMPLE = V.official_account_aes_tencent_sample;
const isEvent = (f: { wechatpy_assertions: string[] }) => f.wechatpy_assertions[0] === '"event", msg.type';

/** A fixture as a given member sent it, with its own MsgId. */
function delivered(file: string, openid: string, msgId: string): string {
  return readFileSync(path.join(DIR, file), 'utf8')
    .replace(/<FromUserName><!\[CDATA\[[^\]]*\]\]><\/FromUserName>/, `<FromUserName><![CDATA[${openid}]]></FromUserName>`)
    .replace(/<MsgId>\d+<\/MsgId>/, `<MsgId>${msgId}</MsgId>`);
}

/** The fake WeChat API: records every request; custom/send answers per openid. */
interface FakeWechat { url: string; requests: Array<{ path: string; query: URLSearchParams; body: any }>; refuse: Map<string, number>; close(): Promise<void> }
async function fakeWechat(): Promise<FakeWechat> {
  const requests: FakeWechat['requests'] = [];
  const refuse = new Map<string, number>();
  let issued = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? JSON.parse(raw) : null;
      requests.push({ path: url.pathname, query: url.searchParams, body });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/cgi-bin/token') {
        const ok = url.searchParams.get('appid') === SAMPLE.appId && url.searchParams.get('secret') === 'the-app-secret-0123456789abcdef';
        res.end(JSON.stringify(ok ? { access_token: `ACCESS_${++issued}`, expires_in: 7200 } : { errcode: 40125, errmsg: 'invalid appsecret' }));
      } else if (url.pathname === '/cgi-bin/message/custom/send') {
        const code = refuse.get(body?.touser) ?? 0;
        res.end(JSON.stringify(code ? { errcode: code, errmsg: 'response out of time limit or subscription is canceled' } : { errcode: 0, errmsg: 'ok' }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, refuse, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

for (const engine of ENGINES) {
  describe(`wechat official account [${engine.name}]`, function () {
    this.timeout(60_000);
    let w: TestWorld;
    let wx: FakeWechat;
    let accountId: number;
    const token = SAMPLE.token as string; // "pamtest"

    /** Query string of a callback signed with the account's token (or as told). */
    const signed = (o: { timestamp?: number; token?: string; encrypt?: string; extra?: Record<string, string> } = {}) => {
      const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
      const nonce = randomBytes(5).toString('hex');
      const q = new URLSearchParams({ signature: wechatSignature([o.token ?? token, timestamp, nonce]), timestamp, nonce, openid: 'x', ...o.extra });
      if (o.encrypt !== undefined) {
        q.set('encrypt_type', 'aes');
        q.set('msg_signature', wechatSignature([o.token ?? token, timestamp, nonce, o.encrypt]));
      }
      return q.toString();
    };
    const callback = (query: string, xml: string, id = accountId) =>
      w.api('POST', `/api/channels/wechat/official/${id}?${query}`, { raw: xml, contentType: 'text/xml' });
    const wechatMessages = () => w.services.db.read((m) => m.find(Message, { where: { channel: 'wechat', direction: 'inbound' }, order: { id: 'ASC' } }));

    before(async () => {
      wx = await fakeWechat();
      const app: AppOptions & WechatRouteOptions = { wechatApiUrl: wx.url };
      w = await startWorld(engine, { app });
    });
    after(async () => {
      await w.stop();
      await wx.close();
    });

    it('admins connect an account; secrets are sealed at rest and never returned; others get 403', async () => {
      const secrets = { appSecret: 'the-app-secret-0123456789abcdef', token, encodingAESKey: SAMPLE.encodingAesKey };
      const body = { name: 'Member Club 公众号', appId: SAMPLE.appId, departmentId: w.deptA, ...secrets };
      for (const who of [w.agentA, w.supervisorA]) {
        expect((await w.api('POST', '/api/channels/wechat/official-accounts', { token: who.token, body })).status).to.equal(403);
        expect((await w.api('GET', '/api/channels/wechat/official-accounts', { token: who.token })).status).to.equal(403);
      }
      const created = await w.api('POST', '/api/channels/wechat/official-accounts', { token: w.admin.token, body });
      expect(created.status).to.equal(201);
      accountId = created.body.id;
      expect(created.body).to.include({ appId: SAMPLE.appId, appSecret: '********', token: '********', encodingAESKey: '********', departmentId: w.deptA, active: true });
      expect(created.body.callbackPath).to.equal(`/api/channels/wechat/official/${accountId}`);
      const list = await w.api('GET', '/api/channels/wechat/official-accounts', { token: w.admin.token });
      const one = await w.api('GET', `/api/channels/wechat/official-accounts/${accountId}`, { token: w.admin.token });
      const row = await w.services.db.read((m) => m.findOneByOrFail(WechatOfficialAccount, { id: accountId }));
      for (const text of [JSON.stringify(created.body), JSON.stringify(list.body), JSON.stringify(one.body), JSON.stringify(row)]) {
        for (const secret of Object.values(secrets)) expect(text).not.to.contain(secret);
      }
      expect(list.body.items).to.have.length(1);
      // The mask sent back keeps the stored values; a duplicate AppID is a conflict; a bad AES key a 400.
      const patched = await w.api('PATCH', `/api/channels/wechat/official-accounts/${accountId}`, { token: w.admin.token, body: { appSecret: '********', token: '********', encodingAESKey: '********', name: 'Member Club' } });
      expect(patched.status).to.equal(200);
      expect(patched.body.name).to.equal('Member Club');
      expect((await w.api('POST', '/api/channels/wechat/official-accounts', { token: w.admin.token, body })).status).to.equal(409);
      expect((await w.api('POST', '/api/channels/wechat/official-accounts', { token: w.admin.token, body: { ...body, appId: 'wxother', encodingAESKey: 'short' } })).status).to.equal(400);
    });

    it('URL verification echoes echostr only with a valid, fresh signature', async () => {
      const ok = await w.api('GET', `/api/channels/wechat/official/${accountId}?${signed({ extra: { echostr: 'echo-1234567890' } })}`);
      expect(ok.status).to.equal(200);
      expect(ok.body).to.equal('echo-1234567890');
      const forged = await w.api('GET', `/api/channels/wechat/official/${accountId}?${signed({ token: 'wrongtoken', extra: { echostr: 'echo' } })}`);
      expect(forged.status).to.equal(401);
      expect(forged.body.error.code).to.equal('INVALID_SIGNATURE');
      const stale = await w.api('GET', `/api/channels/wechat/official/${accountId}?${signed({ timestamp: Math.floor(Date.now() / 1000) - 600, extra: { echostr: 'echo' } })}`);
      expect(stale.status).to.equal(401);
      expect(stale.body.error.code).to.equal('STALE_TIMESTAMP');
      // The wechatpy vector's own values: right scheme, wrong token for this account.
      const vec = V.official_account_plain_signature[0];
      const wrong = await w.api('GET', `/api/channels/wechat/official/${accountId}?signature=${vec.signature}&timestamp=${vec.timestamp}&nonce=${vec.nonce}&echostr=e`);
      expect(wrong.status).to.equal(401);
      expect((await w.api('GET', `/api/channels/wechat/official/99999?${signed({ extra: { echostr: 'e' } })}`)).status).to.equal(404);
    });

    it('plaintext mode: every fixture message becomes a ticket message on the wechat channel, events do not; a redelivery is ingested once', async () => {
      const openid = `oPlain${engine.name}`;
      let n = 0;
      for (const f of INDEX.files) {
        const res = await callback(signed(), delivered(f.file, openid, `900000000000${String(++n).padStart(4, '0')}`));
        expect(res.status, f.file).to.equal(200);
        expect(res.body, f.file).to.equal('success');
      }
      const messages = await wechatMessages();
      const expected = INDEX.files.filter((f) => !isEvent(f)).length; // text, image, voice, video, location, link, unknown
      expect(messages).to.have.length(expected);
      expect(new Set(messages.map((m) => m.ticketId)).size, 'one conversation').to.equal(1);
      expect(messages.map((m) => m.text)).to.include.members(['this is a test', '[图片 / Image]', '[语音 / Voice message]', '[视频 / Video]']);
      expect(messages.find((m) => m.text === '[图片 / Image]')!.meta).to.include({ picUrl: 'this is a url', mediaId: 'media_id' });
      expect(messages.every((m) => m.externalId!.startsWith(`oa:${accountId}:9000000000000`))).to.equal(true);

      // WeChat retries (same MsgId): answered "success" again, stored once.
      const again = await callback(signed(), delivered('text_message.xml', openid, '9000000000000001'));
      expect(again.status).to.equal(200);
      expect(again.body).to.equal('success');
      // The verbatim fixtures all carry MsgId 1234567890123456: the first is stored, the rest are duplicates.
      for (const f of INDEX.files) await callback(signed(), readFileSync(path.join(DIR, f.file), 'utf8'));
      expect(await wechatMessages()).to.have.length(expected + 1);
    });

    it('a forged, replayed or malformed callback changes nothing', async () => {
      const before = (await wechatMessages()).length;
      const xml = delivered('text_message.xml', 'oForger', '9100000000000001');
      const forged = await callback(signed({ token: 'notthetoken' }), xml);
      expect(forged.status).to.equal(401);
      expect(forged.body.error.code).to.equal('INVALID_SIGNATURE');
      const noSig = await callback('timestamp=1&nonce=2', xml);
      expect(noSig.status).to.equal(401);
      const replayed = await callback(signed({ timestamp: Math.floor(Date.now() / 1000) - 301 }), xml);
      expect(replayed.status).to.equal(401);
      expect(replayed.body.error.code).to.equal('STALE_TIMESTAMP');
      const bad = await callback(signed(), '<xml><FromUserName>oX</FromUserName><MsgType>text');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('INVALID_XML');
      const json = await w.api('POST', `/api/channels/wechat/official/${accountId}?${signed()}`, { body: { hello: 1 } });
      expect(json.status).to.equal(400);
      expect(await wechatMessages()).to.have.length(before);
    });

    it('safe mode: an encrypted message is verified by msg_signature, decrypted and stored; wrong signature, AppID or stale vector refused', async () => {
      const before = (await wechatMessages()).length;
      const inner = delivered('text_message.xml', 'oSafe', '9200000000000001').replace('this is a test', '我的会员积分不见了');
      const encrypt = encryptMessage(SAMPLE.encodingAesKey, SAMPLE.appId, inner);
      const outer = `<xml><ToUserName><![CDATA[gh_123]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
      const ok = await callback(signed({ encrypt }), outer);
      expect(ok.status).to.equal(200);
      expect(ok.body).to.equal('success');
      const stored = await wechatMessages();
      expect(stored).to.have.length(before + 1);
      expect(stored.at(-1)!.text).to.equal('我的会员积分不见了');

      const forged = await callback(signed({ encrypt: `${encrypt}x` }), outer);
      expect(forged.status).to.equal(401);
      const otherApp = encryptMessage(SAMPLE.encodingAesKey, 'wx0000000000000000', delivered('text_message.xml', 'oSafe', '9200000000000002'));
      const wrongApp = await callback(signed({ encrypt: otherApp }), `<xml><Encrypt><![CDATA[${otherApp}]]></Encrypt></xml>`);
      expect(wrongApp.status).to.equal(403);
      expect(wrongApp.body.error.code).to.equal('APPID_MISMATCH');
      // The Tencent sample as WeChat sent it: genuine msg_signature, but from 2014: a replay.
      const c = SAMPLE.cases[1];
      const q = new URLSearchParams({ timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce, encrypt_type: 'aes', msg_signature: c.msg_signature_derived_by_us, signature: wechatSignature([token, SAMPLE.timestamp, SAMPLE.nonce]) });
      const vector = await callback(q.toString(), `<xml><Encrypt><![CDATA[${c.encrypt}]]></Encrypt></xml>`);
      expect(vector.status).to.equal(401);
      expect(vector.body.error.code).to.equal('STALE_TIMESTAMP');
      q.set('msg_signature', '12345');
      expect((await callback(q.toString(), `<xml><Encrypt><![CDATA[${c.encrypt}]]></Encrypt></xml>`)).body.error.code).to.equal('INVALID_SIGNATURE');
      expect(await wechatMessages()).to.have.length(before + 1);
    });

    it('agent replies reach the member through the customer-service API with one cached access token', async () => {
      const [first] = await wechatMessages();
      const ticketId = first!.ticketId;
      wx.requests.length = 0;
      for (const text of ['您好，我们正在处理。', 'Second reply']) {
        expect((await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: w.admin.token, body: { text } })).status).to.equal(201);
      }
      const sends = await expectEventually(() => {
        const s = wx.requests.filter((r) => r.path === '/cgi-bin/message/custom/send');
        expect(s).to.have.length(2);
        return s;
      }, 10_000);
      expect(wx.requests.filter((r) => r.path === '/cgi-bin/token')).to.have.length(1);
      expect(sends.map((s) => s.body)).to.deep.equal([
        { touser: `oPlain${engine.name}`, msgtype: 'text', text: { content: '您好，我们正在处理。' } },
        { touser: `oPlain${engine.name}`, msgtype: 'text', text: { content: 'Second reply' } },
      ]);
      expect(sends.every((s) => s.query.get('access_token') === sends[0]!.query.get('access_token'))).to.equal(true);
      await expectEventually(async () => {
        const out = await w.services.db.read((m) => m.find(Message, { where: { ticketId, direction: 'outbound' } }));
        expect(out.map((m) => m.deliveryState)).to.deep.equal(['sent', 'sent']);
      });
    });

    it('errcode 45015 (48-hour window passed): delivery fails for good with the reason on the ticket', async () => {
      await callback(signed(), delivered('text_message.xml', 'oLate', '9300000000000001'));
      const msg = (await wechatMessages()).find((m) => m.externalId === `oa:${accountId}:9300000000000001`)!;
      wx.refuse.set('oLate', 45015);
      const sendsBefore = wx.requests.filter((r) => r.path === '/cgi-bin/message/custom/send').length;
      expect((await w.api('POST', `/api/tickets/${msg.ticketId}/messages`, { token: w.admin.token, body: { text: 'Too late?' } })).status).to.equal(201);
      const event = await expectEventually(async () => {
        const e = await w.services.db.read((m) => m.findOneBy(TicketEvent, { ticketId: msg.ticketId, type: 'delivery.failed' }));
        expect(e).to.not.equal(null);
        return e!;
      }, 10_000);
      expect(String((event.data as { reason: string }).reason)).to.contain('48 hours');
      const events = await w.api('GET', `/api/tickets/${msg.ticketId}/events`, { token: w.admin.token });
      expect(JSON.stringify(events.body)).to.contain('45015');
      const out = await w.services.db.read((m) => m.findOneByOrFail(Message, { ticketId: msg.ticketId, direction: 'outbound' }));
      expect(out.deliveryState).to.equal('failed');
      // Permanent: tried once, not retried.
      expect(wx.requests.filter((r) => r.path === '/cgi-bin/message/custom/send').length).to.equal(sendsBefore + 1);
    });

    it('an inactive account answers 404 and stores nothing', async () => {
      expect((await w.api('PATCH', `/api/channels/wechat/official-accounts/${accountId}`, { token: w.admin.token, body: { active: false } })).status).to.equal(200);
      const before = (await wechatMessages()).length;
      const res = await callback(signed(), delivered('text_message.xml', 'oAfter', '9400000000000001'));
      expect(res.status).to.equal(404);
      expect(await wechatMessages()).to.have.length(before);
      expect((await w.api('DELETE', `/api/channels/wechat/official-accounts/${accountId}`, { token: w.admin.token })).status).to.equal(204);
    });
  });
}
