import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutboundMessage } from '../../channels/channel.js';
import { ChannelSendError } from '../../channels/channel.js';
import { mapOfficialMessage } from '../../channels/wechat/official/message.js';
import { OfficialAccountTransport } from '../../channels/wechat/official/official.transport.js';
import { parseWechatXml, WechatXmlError } from '../../channels/wechat/official/xml.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/wechat/official_account_inbound');
const INDEX: { files: Array<{ file: string; wechatpy_assertions: string[] }> } = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const fixture = (file: string) => readFileSync(path.join(DIR, file), 'utf8');
const ACCOUNT = { id: 7, departmentId: 3 };
const NOW = new Date('2026-01-05T08:00:00Z');

describe('wechat official account: XML and message mapping (every fixture)', () => {
  for (const { file, wechatpy_assertions: assertions } of INDEX.files) {
    it(file, () => {
      const x = parseWechatXml(fixture(file));
      const mapped = mapOfficialMessage(x, ACCOUNT, NOW);
      const wantType = /^"(\w+)", msg\.type$/.exec(assertions[0] ?? '')?.[1];
      if (wantType === 'event') {
        // Events open no ticket: they are ignored, with the event named.
        expect(mapped.kind).to.equal('ignored');
        const event = /^"(\w+)", msg\.event$/.exec(assertions[1]!)![1]!;
        if (mapped.kind === 'ignored') expect(mapped.reason).to.equal(`event:${event === 'subscribe_scan' ? 'subscribe' : event}`);
        return;
      }
      expect(mapped.kind).to.equal('message');
      if (mapped.kind !== 'message') return;
      const m = mapped.message;
      expect(m.channel).to.equal('wechat');
      expect(m.externalId).to.equal('oa:7:1234567890123456');
      expect(m.from).to.deep.equal({ kind: 'wechat', value: 'oa:7:fromUser' });
      expect(m.departmentId).to.equal(3);
      expect(m.continueOpenTicket).to.equal(true);
      expect(m.receivedAt).to.equal(NOW);
      expect(m.text.trim()).not.to.equal('');
      expect(m.meta).to.include({ source: 'wechat-official', accountId: 7, msgType: wantType ?? 'notsure', msgId: '1234567890123456' });
    });
  }

  it('maps each message type to readable text and its fields', () => {
    const map = (file: string) => {
      const r = mapOfficialMessage(parseWechatXml(fixture(file)), ACCOUNT, NOW);
      if (r.kind !== 'message') throw new Error('not a message');
      return r.message;
    };
    expect(map('text_message.xml').text).to.equal('this is a test');
    expect(map('image_message.xml').text).to.equal('[图片 / Image]');
    expect(map('image_message.xml').meta).to.include({ picUrl: 'this is a url', mediaId: 'media_id' });
    expect(map('voice_message.xml').meta).to.include({ mediaId: 'media_id', format: 'Format', recognition: null });
    expect(map('video_message.xml').meta).to.include({ mediaId: 'media_id', thumbMediaId: 'thumb_media_id' });
    expect(map('location_message.xml').text).to.equal('[位置 / Location] 位置信息 (23.134521, 113.358803)');
    expect(map('location_message.xml').meta).to.include({ latitude: 23.134521, longitude: 113.358803, scale: 20, label: '位置信息' });
    expect(map('link_message.xml').text).to.equal('[链接 / Link] 公众平台官网链接\nurl');
    expect(map('unknown_message.xml').text).to.contain('notsure');
  });

  it('uses the voice recognition as the text when WeChat sends one', () => {
    const xml = fixture('voice_message.xml').replace('</Format>', '</Format><Recognition><![CDATA[我的订单还没到]]></Recognition>');
    const r = mapOfficialMessage(parseWechatXml(xml), ACCOUNT, NOW);
    expect(r.kind === 'message' && r.message.text).to.equal('我的订单还没到');
  });

  it('parses entities, nested elements and split CDATA; refuses DOCTYPE, bad nesting and non-OpenIDs', () => {
    const x = parseWechatXml('<?xml version="1.0"?><xml><A>x &amp; y &#x4e2d;</A><B><![CDATA[a]]]]><![CDATA[>b]]></B><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo><Empty/></xml>');
    expect(x).to.deep.equal({ A: 'x & y 中', B: 'a]]>b', ScanCodeInfo: { ScanType: 'qrcode' }, Empty: '' });
    for (const bad of ['', 'not xml', '<xml><A>1</B></xml>', '<xml><A>1</A>', '<root><A>1</A></root>', '<!DOCTYPE x [<!ENTITY e "x">]><xml><A>&e;</A></xml>', '<xml><A x="1">1</A></xml>', '<xml></xml>trailing']) {
      expect(() => parseWechatXml(bad), bad).to.throw(WechatXmlError);
    }
    expect(() => mapOfficialMessage(parseWechatXml('<xml><FromUserName>a:b</FromUserName><MsgType>text</MsgType></xml>'), ACCOUNT, NOW)).to.throw(WechatXmlError);
    expect(() => mapOfficialMessage(parseWechatXml('<xml><FromUserName>abc</FromUserName></xml>'), ACCOUNT, NOW)).to.throw(WechatXmlError);
  });
});

describe('wechat official account: transport (fake fetch)', () => {
  const out = (text: string): OutboundMessage => ({ deliveryId: 1, channel: 'wechat', ticketId: 1, ticketNumber: 'MD-1', messageId: 1, to: null, subject: '', text, meta: null });
  const fake = (answers: Array<(url: URL, body: any) => unknown>) => {
    const calls: Array<{ url: URL; body: any }> = [];
    const fn = (async (input: string, init?: RequestInit) => {
      const url = new URL(input);
      const body = init?.body ? JSON.parse(String(init.body)) : null;
      calls.push({ url, body });
      const next = answers.shift();
      if (!next) throw new Error('unexpected call');
      const r = next(url, body);
      if (r instanceof Response) return r;
      return new Response(JSON.stringify(r), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    return { calls, fn };
  };
  const creds = async (id: number) => (id === 7 ? { appId: 'wxapp', appSecret: 'sekrit' } : null);

  it('fetches a token once, caches it, and sends text to the openid', async () => {
    let t = 1_000_000;
    const f = fake([() => ({ access_token: 'T1', expires_in: 7200 }), () => ({ errcode: 0, errmsg: 'ok' }), () => ({ errcode: 0, errmsg: 'ok', msgid: 42 })]);
    const tr = new OfficialAccountTransport({ apiUrl: 'http://wx.test/', credentials: creds, fetch: f.fn, now: () => t });
    expect(await tr.send('7:oABC', out('hello'))).to.deep.equal({ providerId: 'oa-custom:1' });
    t += 3_600_000;
    expect(await tr.send('7:oABC', out('again'))).to.deep.equal({ providerId: '42' });
    expect(f.calls.map((c) => c.url.pathname)).to.deep.equal(['/cgi-bin/token', '/cgi-bin/message/custom/send', '/cgi-bin/message/custom/send']);
    expect(Object.fromEntries(f.calls[0]!.url.searchParams)).to.deep.equal({ grant_type: 'client_credential', appid: 'wxapp', secret: 'sekrit' });
    expect(f.calls[1]!.url.searchParams.get('access_token')).to.equal('T1');
    expect(f.calls[1]!.body).to.deep.equal({ touser: 'oABC', msgtype: 'text', text: { content: 'hello' } });
  });

  it('renews an expired token, and once on 40001/42001', async () => {
    let t = 0;
    const f = fake([
      () => ({ access_token: 'T1', expires_in: 7200 }), () => ({ errcode: 0 }),
      () => ({ access_token: 'T2', expires_in: 7200 }), () => ({ errcode: 42001, errmsg: 'access_token expired' }),
      () => ({ access_token: 'T3', expires_in: 7200 }), () => ({ errcode: 0 }),
    ]);
    const tr = new OfficialAccountTransport({ credentials: creds, fetch: f.fn, now: () => t });
    await tr.send('7:oABC', out('a'));
    t += (7200 - 299) * 1000; // within the renewal margin
    await tr.send('7:oABC', out('b'));
    expect(f.calls.map((c) => c.url.searchParams.get('access_token') ?? 'token')).to.deep.equal(['token', 'T1', 'token', 'T2', 'token', 'T3']);
  });

  it('45015 and unknown accounts are permanent; -1, HTTP 5xx and network errors are retried; secrets never in messages', async () => {
    const attempt = async (answers: Array<(url: URL, body: any) => unknown>, address = '7:oABC') => {
      const tr = new OfficialAccountTransport({ credentials: creds, fetch: fake(answers).fn });
      try { await tr.send(address, out('x')); } catch (err) { return err as ChannelSendError; }
      throw new Error('expected a failure');
    };
    const e45015 = await attempt([() => ({ access_token: 'T', expires_in: 7200 }), () => ({ errcode: 45015, errmsg: 'response out of time limit' })]);
    expect(e45015.permanent).to.equal(true);
    expect(e45015.message).to.contain('48 hours');
    expect((await attempt([], '8:oABC')).permanent).to.equal(true);
    expect((await attempt([], 'garbage')).permanent).to.equal(true);
    expect((await attempt([() => ({ access_token: 'T', expires_in: 7200 }), () => ({ errcode: -1, errmsg: 'system error' })])).permanent).to.equal(false);
    expect((await attempt([() => new Response('busy', { status: 502 })])).permanent).to.equal(false);
    const net = await attempt([() => { throw new TypeError('fetch failed'); }]);
    expect(net.permanent).to.equal(false);
    const badSecret = await attempt([() => ({ errcode: 40125, errmsg: 'invalid appsecret' })]);
    expect(badSecret.permanent).to.equal(true);
    for (const e of [e45015, net, badSecret]) expect(e.message).not.to.contain('sekrit');
  });
});
