import { expect } from 'chai';
import type { Server } from 'node:http';
import express from 'express';
import { FileBox } from 'file-box';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { types } from 'wechaty';
import { WechatBot } from '../../channels/wechat/bot/wechat-bot.js';
import { BINDING_TEXT } from '../../channels/wechat/bot/bot-binding.js';
import { ChannelRegistry, type ChannelAdapter, type OutboundMessage } from '../../channels/channel.js';
import { SendRateLimiter } from '../../channels/wechat/bot/bot-transport.js';
import { Message, Ticket } from '../../server/db/entities/index.js';
import { bearerAuth } from '../../server/http/auth.js';
import { errorMiddleware, notFoundHandler } from '../../server/http/error-middleware.js';
import { wechatBotRoutes } from '../../server/http/routes/wechat-bot.routes.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbox, type MockContact } from '../helpers/wechat-mock.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';


describe('wechat bot: send rate limiter', () => {
  it('spaces messages to one contact and caps the global rate, refusing what would wait too long', () => {
    let now = 1_000_000;
    const l = new SendRateLimiter({ perContactIntervalMs: 2_000, globalPerMinute: 3, maxWaitMs: 3_000 }, () => now);
    expect(l.reserve('a')).to.equal(0);
    expect(l.reserve('a')).to.equal(2_000);        // waits its turn
    expect(l.reserve('a')).to.equal(null);         // would wait 4 s: refused, nothing reserved
    expect(l.reserve('b')).to.equal(0);            // 3 in the minute now
    expect(l.reserve('c')).to.equal(null);         // global cap: the next slot is a minute after the first
    now += 60_001;
    expect(l.reserve('c')).to.equal(0);
  });
});

for (const engine of ENGINES) {
  describe(`wechat bot (wechaty-puppet-mock) [${engine.name}]`, function () {
    this.timeout(60_000);
    let w: TestWorld;
    let mocker: mock.Mocker;
    let puppet: PuppetMock;
    let bot: WechatBot;
    let me: MockContact;
    let member: MockContact;
    let room: ReturnType<mock.Mocker['createRoom']>;
    let routesServer: Server;
    let routesUrl: string;
    const mails: OutboundMessage[] = [];

    before(async () => {
      // An email channel that keeps what it sends: the binding code goes to the member's email.
      const email: ChannelAdapter = {
        kind: 'email', describe: () => ({ kind: 'email', name: { en: 'Email', 'zh-CN': '邮件' }, sendsText: true, settings: [] }),
        send: async (msg) => { mails.push(msg); return { providerId: `mail-${mails.length}` }; },
      };
      w = await startWorld(engine, { channels: new ChannelRegistry().register(email) });
      mocker = new mock.Mocker();
      puppet = new PuppetMock({ mocker });
      [me, member] = mocker.createContacts(2) as [MockContact, MockContact];
      room = mocker.createRoom({ topic: 'VIP group', memberIdList: [me.id, member.id] } as never);
      const configured = mocker.createRoom({ topic: 'Service group', memberIdList: [me.id, member.id] } as never);
      bot = new WechatBot({ puppet, groupIds: [configured.id], rateLimits: { perContactIntervalMs: 10, maxWaitMs: 1_000 } });
      (bot as unknown as { configuredRoom: unknown }).configuredRoom = configured;
      await bot.start(w.services);
      // The state routes on an app of their own (server/app.ts mounts them for production).
      const app = express();
      const api = express.Router();
      wechatBotRoutes(api, bearerAuth(w.services), w.services, bot);
      app.use('/api', api);
      app.use(notFoundHandler);
      app.use(errorMiddleware(w.services.log));
      routesServer = await new Promise<Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
      routesUrl = `http://127.0.0.1:${(routesServer.address() as { port: number }).port}`;
    });

    after(async () => {
      await bot?.stop();
      await new Promise((r) => routesServer?.close(() => r(null)));
      await w?.stop();
    });

    const state = async (token = w.admin.token) => {
      const res = await fetch(`${routesUrl}/api/channels/wechat/bot`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: await res.json() as Record<string, any> };
    };
    const messagesOf = (ticketId: number) => w.services.db.read((m) => m.find(Message, { where: { ticketId }, order: { id: 'ASC' } }));
    const wechatTickets = () => w.services.db.read((m) => m.find(Ticket, { where: { channel: 'wechat' }, order: { id: 'ASC' } }));

    it('shows the QR code while scanning and the account once logged in (admins only)', async () => {
      mocker.scan('https://login.weixin.qq.com/l/mock-qr', types.ScanStatus.Waiting);
      const scanning = await state();
      expect(scanning.status).to.equal(200);
      expect(scanning.body).to.include({ configured: true, status: 'scan', qrcode: 'https://login.weixin.qq.com/l/mock-qr', scanStatus: 'Waiting' });
      // The console shows the code as an image: an SVG document drawn by the server, a QR code's square grid.
      const svg = scanning.body.qrSvg as string;
      expect(svg).to.be.a('string');
      expect(svg.startsWith('<svg')).to.equal(true);
      expect(svg).to.match(/viewBox="0 0 (\d+) \1"/);
      expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
      expect(svg).to.not.match(/<script|on\w+=/i);
      for (const who of [w.agentA, w.supervisorA]) {
        const refused = await state(who.token);
        expect(refused.status).to.equal(403);
        expect(refused.body).to.not.have.property('qrcode');
        expect(refused.body).to.not.have.property('qrSvg');
        const logout = await fetch(`${routesUrl}/api/channels/wechat/bot/logout`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` } });
        expect(logout.status).to.equal(403);
      }
      mocker.login(me);
      await expectEventually(async () => expect((await state()).body).to.deep.include({ status: 'logged_in', user: { id: me.id, name: me.payload.name } }));
      // Logged in: no code to scan, drawn or not.
      expect((await state()).body).to.not.have.any.keys('qrcode', 'qrSvg');
    });

    it('a member sends text then an image: one wechat ticket with both, the image stored as an attachment', async () => {
      member.say('我的会员积分没有到账').to(me);
      await expectEventually(async () => expect(await wechatTickets()).to.have.length(1));
      member.say(FileBox.fromBase64(Buffer.from('\x89PNG fake image', 'latin1').toString('base64'), 'receipt.png')).to(me);
      const [ticket] = await wechatTickets();
      const msgs = await expectEventually(async () => {
        const list = await messagesOf(ticket!.id);
        expect(list).to.have.length(2);
        return list;
      });
      expect(await wechatTickets()).to.have.length(1);
      expect(msgs[0]).to.include({ direction: 'inbound', channel: 'wechat', text: '我的会员积分没有到账' });
      expect(msgs[0]!.externalId).to.match(/^wx:/);
      expect(msgs[1]!.text).to.equal('[图片 / Image]');
      expect(msgs[1]!.attachments).to.have.length(1);
      expect(msgs[1]!.attachments![0]).to.include({ name: 'receipt.png', contentType: 'image/png' });
      expect((await w.services.files.get(msgs[1]!.attachments![0]!.path)).toString('latin1')).to.equal('\x89PNG fake image');
    });

    it("an agent's public reply reaches the mock contact through say(); the bot's own message is not ingested", async () => {
      const got = inbox(member, me);
      const [ticket] = await wechatTickets();
      const res = await w.api('POST', `/api/tickets/${ticket!.id}/messages`, { token: w.admin.token, body: { text: '您好，积分将在24小时内到账。', visibility: 'public' } });
      expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
      await expectEventually(() => expect(got).to.deep.equal(['您好，积分将在24小时内到账。']));
      await expectEventually(async () => {
        const out = (await messagesOf(ticket!.id)).filter((m) => m.direction === 'outbound');
        expect(out.map((m) => m.deliveryState)).to.deep.equal(['sent']);
      });
      // The bot's say() came back as a message event (self): still only the two inbound messages.
      expect((await messagesOf(ticket!.id)).filter((m) => m.direction === 'inbound')).to.have.length(2);
    });

    it('ignores group chats unless the room is configured', async () => {
      const before = (await w.services.db.read((m) => m.count(Message))) as number;
      member.say('hello group').to(room);
      const configured = (bot as unknown as { configuredRoom: ReturnType<mock.Mocker['createRoom']> }).configuredRoom;
      member.say('question in the service group').to(configured);
      await expectEventually(async () => {
        const found = await w.services.db.read((m) => m.findOneBy(Message, { text: 'question in the service group' }));
        expect(found).to.not.equal(null);
        expect(found!.meta).to.deep.include({ room: { id: configured.id, topic: 'Service group' } });
      });
      expect(await w.services.db.read((m) => m.findOneBy(Message, { text: 'hello group' }))).to.equal(null);
      expect(await w.services.db.read((m) => m.count(Message))).to.equal(before + 1);
    });

    it('a puppet error and a logout do not crash the server; a later login works again', async () => {
      puppet.emit('error', { data: 'mock puppet failure' });
      await expectEventually(async () => expect((await state()).body.lastError).to.match(/mock puppet failure/));
      await puppet.logout();
      await expectEventually(async () => {
        const s = (await state()).body;
        expect(s.status).to.not.equal('logged_in');
        expect(s.user).to.equal(undefined);
      });
      expect((await w.api('GET', '/healthz')).status).to.equal(200);
      mocker.login(me);
      await expectEventually(async () => expect((await state()).body.status).to.equal('logged_in'));
      member.say('back again').to(me);
      await expectEventually(async () => expect(await w.services.db.read((m) => m.findOneBy(Message, { text: 'back again' }))).to.not.equal(null));
    });

    it('binding by member number: code to the member\'s email, wrong code refused, right code links the contact', async () => {
      const target = await w.services.members.create({ name: '李娜', memberNumber: 'M-20250001', identities: { email: 'li.na@example.com' } });
      expect(target.memberNumber).to.equal('M-20250001');
      const [newbie] = mocker.createContacts(1) as [MockContact];
      const got = inbox(newbie, me);
      newbie.say('积分问题').to(me);
      await expectEventually(async () => expect(await w.services.members.findByIdentity('wechat', `wx:${newbie.id}`)).to.not.equal(null));
      const placeholder = (await w.services.members.findByIdentity('wechat', `wx:${newbie.id}`))!.id;
      expect(placeholder).to.not.equal(target.id);

      newbie.say('绑定 NO-SUCH-NUMBER').to(me);          // same answer, no mail: nothing to learn from it
      await expectEventually(() => expect(got).to.deep.equal([BINDING_TEXT.sent]));
      expect(mails).to.have.length(0);

      newbie.say('绑定 M-20250001').to(me);
      await expectEventually(() => expect(mails).to.have.length(1));
      expect(mails[0]!.to).to.deep.equal({ kind: 'email', value: 'li.na@example.com' });
      const code = /(\d{6})/.exec(mails[0]!.text)![1]!;
      const wrong = code === '000000' ? '111111' : '000000';
      newbie.say(wrong).to(me);
      await expectEventually(() => expect(got.at(-1)).to.equal(BINDING_TEXT.wrong));
      newbie.say(code).to(me);
      await expectEventually(() => expect(got.at(-1)).to.equal(BINDING_TEXT.linked));
      expect((await w.services.members.findByIdentity('wechat', `wx:${newbie.id}`))!.id).to.equal(target.id);
      // The dialogue itself made no ticket messages; the next message is the member's.
      expect(await w.services.db.read((m) => m.findOneBy(Message, { text: '绑定 M-20250001' }))).to.equal(null);
      newbie.say('现在可以查积分吗').to(me);
      const msg = await expectEventually(async () => {
        const found = await w.services.db.read((m) => m.findOneBy(Message, { text: '现在可以查积分吗' }));
        expect(found).to.not.equal(null);
        return found!;
      });
      const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: msg.ticketId }));
      expect(ticket.memberId).to.equal(target.id);
    });

    it('logout by an admin through the API', async () => {
      const res = await fetch(`${routesUrl}/api/channels/wechat/bot/logout`, { method: 'POST', headers: { authorization: `Bearer ${w.admin.token}` } });
      expect(res.status).to.equal(204);
      await expectEventually(async () => expect((await state()).body.status).to.not.equal('logged_in'));
      mocker.login(me);
      await expectEventually(async () => expect((await state()).body.status).to.equal('logged_in'));
    });
  });
}
