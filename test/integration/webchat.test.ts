import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { ChannelRegistry } from '../../channels/channel.js';
import { EmailAdapter } from '../../channels/email/email.adapter.js';
import { memberSignature } from '../../channels/webchat/chat-identity.js';
import { widgetRoutes } from '../../channels/webchat/widget.routes.js';
import { Delivery, Member, MemberIdentity, Message, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import { MemoryCounterStore } from '../../server/http/rate-limit.js';
import { createLogger } from '../../server/logger.js';
import { ENGINES } from '../helpers/engines.js';
import { connectAgent } from '../helpers/agent-socket.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';

const SECRET = 'member-site-secret-for-tests-0123456789';

interface ChatLine { id: number; author: 'member' | 'agent' | 'system'; agentName?: string; text: string; createdAt: string }
interface Hello { visitorToken: string; identified: boolean; history: ChatLine[]; ticketNumber?: string; agentsOnline: boolean }
interface Ack { ok: boolean; error?: { code: string; message: string }; messageId?: number; ticketNumber?: string; duplicate?: boolean; notice?: { kind: string; expectedBy?: string } }

/** A widget stand-in: one socket.io client on /chat, with what the server pushed to it. */
interface Visitor {
  socket: ClientSocket;
  hello: Hello;
  messages: ChatLine[];
  notices: Array<{ kind: string; expectedBy?: string }>;
  send(text: string, clientId?: string): Promise<Ack>;
  emit(event: string, payload: unknown): Promise<Ack>;
  close(): void;
}

let clientSeq = 0;
const clientId = () => `client-${Date.now().toString(36)}-${++clientSeq}`;
let ipSeq = 0;
/** Each visitor comes from an address of its own (X-Forwarded-For from the loopback peer), unless a test shares one. */
const nextIp = () => `10.1.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

/** Tells a socket's hello from its refusal: resolves with the hello, rejects with the connect_error. */
function connectTo(baseUrl: string, auth: Record<string, unknown> = {}, o: { ip?: string; origin?: string } = {}): Promise<Visitor> {
  const socket = ioClient(`${baseUrl}/chat`, {
    auth, transports: ['websocket'], forceNew: true, reconnection: false,
    extraHeaders: { 'x-forwarded-for': o.ip ?? nextIp(), ...(o.origin ? { origin: o.origin } : {}) },
  });
  const messages: ChatLine[] = [];
  const notices: Array<{ kind: string; expectedBy?: string }> = [];
  socket.on('chat:message', (m: ChatLine) => { messages.push(m); });
  socket.on('chat:notice', (n: { kind: string }) => { notices.push(n); });
  return new Promise((resolve, reject) => {
    socket.once('chat:hello', (hello: Hello) => resolve({
      socket, hello, messages, notices,
      send: (text, id = clientId()) => socket.emitWithAck('chat:message', { text, clientId: id }),
      emit: (event, payload) => socket.emitWithAck(event, payload),
      close: () => { socket.disconnect(); },
    }));
    socket.once('connect_error', (err: Error & { data?: { code: string; message: string } }) => { socket.close(); reject(err); });
  });
}

for (const engine of ENGINES) {
  describe(`web chat [${engine.name}]`, () => {
    let w: TestWorld;
    let smtp: SmtpCapture;
    let email: EmailAdapter;
    const logs: Array<{ level: string; msg: string; line: string }> = [];
    const visitors: Visitor[] = [];
    // The counters' windows never move: a limit test cannot straddle a minute boundary.
    const counterClock = { now: () => new Date('2030-01-01T00:00:30.000Z') };

    const connect = async (auth: Record<string, unknown> = {}, o: { ip?: string; origin?: string } = {}) => {
      const v = await connectTo(w.baseUrl, auth, o);
      visitors.push(v);
      return v;
    };
    const ticketOf = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Ticket, { id }));
    const messagesOf = (ticketId: number) => w.services.db.read((m) => m.find(Message, { where: { ticketId }, order: { id: 'ASC' } }));
    const deliveryOf = (messageId: number) => w.services.db.read((m) => m.findOneBy(Delivery, { messageId }));
    const reply = async (ticketId: number, text: string, visibility: 'public' | 'internal' = 'public') => {
      const res = await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: w.agentA.token, body: { text, visibility } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body as { messageId: number };
    };
    const signed = (id: string, ts = Math.floor(Date.now() / 1000)) => ({ id, ts, sig: memberSignature(SECRET, id, ts) });
    /** The server has seen the visitor leave (on every process): what the adapter asks before choosing email. */
    const gone = (memberId: number) => expectEventually(async () => {
      expect(await w.realtime!.io.of('/chat').in(`visitor:${memberId}`).fetchSockets()).to.have.length(0);
    });
    const mailTo = (address: string) => smtp.received.filter((m) => !Array.isArray(m.to) && m.to?.value.some((a) => a.address === address));

    before(async () => {
      smtp = await startSmtpCapture();
      email = new EmailAdapter({
        transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true },
        from: { address: 'support@helpdesk.test', name: 'MemberDesk' }, secret: 'webchat-test-threading', domain: 'helpdesk.test',
      });
      w = await startWorld(engine, {
        channels: new ChannelRegistry().register(email),
        realtime: {
          counters: new MemoryCounterStore(counterClock),
          log: createLogger('debug', (line) => { const p = JSON.parse(line) as { level: string; msg: string }; logs.push({ level: p.level, msg: p.msg, line }); }),
          chat: { memberSecret: SECRET, limits: { messagesPerMinute: 3, messagesPerMinutePerIp: 5, connectionsPerMinutePerIp: 4, maxTextLength: 50 } },
        },
      });
    });
    afterEach(() => { for (const v of visitors.splice(0)) v.close(); });
    after(async () => {
      await w.stop();
      email.close();
      await smtp.close();
    });

    describe('conversation', () => {
      it('turns an anonymous visitor\'s message into a webchat ticket through ingest, and a resend of the same clientId into nothing new', async () => {
        const v = await connect({ locale: 'en' });
        expect(v.hello).to.include({ identified: false, agentsOnline: false });
        expect(v.hello.history).to.deep.equal([]);
        expect(v.hello.visitorToken).to.match(/^v1\./);
        const id = clientId();
        const first = await v.send('Hello, my membership card has not arrived', id);
        expect(first.ok, JSON.stringify(first)).to.equal(true);
        expect(first.ticketNumber).to.match(/^MD-\d{6}$/);
        const again = await v.send('Hello, my membership card has not arrived', id);
        expect(again).to.include({ ok: true, duplicate: true, messageId: first.messageId, ticketNumber: first.ticketNumber });
        const message = await w.services.db.read((m) => m.findOneByOrFail(Message, { id: first.messageId! }));
        expect(message).to.include({ channel: 'webchat', direction: 'inbound', authorType: 'member', text: 'Hello, my membership card has not arrived' });
        const ticket = await ticketOf(message.ticketId);
        expect(ticket).to.include({ channel: 'webchat', number: first.ticketNumber });
        expect(await messagesOf(ticket.id)).to.have.length(1);
        const identity = await w.services.db.read((m) => m.findOneByOrFail(MemberIdentity, { memberId: ticket.memberId, kind: 'webchat' }));
        expect(identity.masked).to.match(/^v:\*\*\*/);
      });

      it('pushes a public agent reply live, never an internal note, and shows the thread again after a reconnect', async () => {
        const v = await connect({ locale: 'zh-CN' });
        const sent = await v.send('会员积分没有到账');
        const ticketId = (await w.services.db.read((m) => m.findOneByOrFail(Message, { id: sent.messageId! }))).ticketId;
        const note = await reply(ticketId, 'INTERNAL: check the points ledger', 'internal');
        const answer = await reply(ticketId, '您好，积分将在24小时内到账。');
        await expectEventually(() => expect(v.messages.map((m) => m.id)).to.include(answer.messageId));
        const pushed = v.messages.find((m) => m.id === answer.messageId)!;
        expect(pushed).to.include({ author: 'agent', agentName: 'Agent A', text: '您好，积分将在24小时内到账。' });
        expect(v.messages.map((m) => m.text)).not.to.include('INTERNAL: check the points ledger');
        expect(await deliveryOf(note.messageId)).to.equal(null);
        await expectEventually(async () => expect(await deliveryOf(answer.messageId)).to.include({ status: 'sent', providerId: `socket:${answer.messageId}` }));

        v.close();
        const back = await connect({ visitorToken: v.hello.visitorToken, locale: 'zh-CN' });
        expect(back.hello.visitorToken).to.equal(v.hello.visitorToken);
        expect(back.hello.ticketNumber).to.equal(sent.ticketNumber);
        expect(back.hello.history.map((m) => [m.author, m.text])).to.deep.equal([['member', '会员积分没有到账'], ['agent', '您好，积分将在24小时内到账。']]);
        const more = await back.send('好的，谢谢');
        expect(more.ticketNumber).to.equal(sent.ticketNumber);
      });

      it('shows a message to the visitor\'s other tabs', async () => {
        const a = await connect();
        const first = await a.send('first words');
        const b = await connect({ visitorToken: a.hello.visitorToken });
        const second = await a.send('second words');
        await expectEventually(() => expect(b.messages.map((m) => m.id)).to.include(second.messageId));
        expect(b.hello.history.map((m) => m.id)).to.deep.equal([first.messageId]);
        expect(a.messages.map((m) => m.id)).not.to.include(second.messageId);
      });

      it('shows typing both ways: the visitor\'s to the agents viewing the ticket (and its end when they leave), the agent\'s to the visitor', async () => {
        const v = await connect();
        const sent = await v.send('typing test');
        const ticketId = (await ticketOf((await w.services.db.read((m) => m.findOneByOrFail(Message, { id: sent.messageId! }))).ticketId)).id;
        const agent = await connectAgent(w.baseUrl, w.agentA.token);
        try {
          expect((await agent.call('ticket:view', { ticketId })).ok).to.equal(true);
          const typed = new Promise<{ typing: boolean; agentName: string }>((resolve) => v.socket.once('chat:typing', resolve));
          expect(await agent.call('ticket:typing', { ticketId, typing: true })).to.deep.equal({ ok: true });
          // The visitor learns someone answers, by first name only.
          expect(await typed).to.deep.equal({ typing: true, agentName: 'Agent' });
          expect(await v.emit('chat:typing', { typing: true })).to.deep.equal({ ok: true });
          await agent.next('member:typing', (p) => p.ticketId === ticketId && p.typing === true);
          v.close();
          await agent.next('member:typing', (p) => p.ticketId === ticketId && p.typing === false);
        } finally {
          agent.close();
        }
      });

      it('answers bad payloads with VALIDATION_FAILED and writes nothing', async () => {
        const v = await connect();
        const cases: Array<[string, unknown]> = [
          ['chat:message', { text: 'no client id' }],
          ['chat:message', { text: 'x', clientId: 'short' }],
          ['chat:message', { text: 'unknown key', clientId: clientId(), html: '<b>' }],
          ['chat:message', { text: 'y'.repeat(51), clientId: clientId() }],
          ['chat:message', { text: '   ', clientId: clientId() }],
          ['chat:typing', { typing: 'yes' }],
          ['chat:prechat', { email: 'not-an-address' }],
          ['chat:transcript', { email: 42 }],
        ];
        for (const [event, payload] of cases) {
          const ack = await v.emit(event, payload);
          expect(ack.ok, `${event} ${JSON.stringify(payload)}`).to.equal(false);
          expect(ack.error!.code, `${event} ${JSON.stringify(payload)}`).to.be.oneOf(['VALIDATION_FAILED', 'INVALID_EMAIL']);
          expect(ack.error!.message).to.be.a('string').and.not.equal('');
        }
        expect((await v.emit('chat:message', { text: 'y'.repeat(51), clientId: clientId() })).error!.message).to.contain('50 characters');
        expect(await w.services.members.findByIdentity('webchat', `v:${v.hello.visitorToken.split('.')[1]}`)).to.equal(null);
      });

      it('refuses a handshake whose auth is not the documented shape', async () => {
        const err = await connect({ visitorToken: 7 }).then(() => null, (e: Error & { data?: { code: string } }) => e);
        expect(err?.message).to.equal('VALIDATION_FAILED');
        expect(err?.data?.code).to.equal('VALIDATION_FAILED');
      });
    });

    describe('identity', () => {
      it('maps a member signed by the member site to the same member on every visit', async () => {
        const first = await connect({ member: signed('M-1001') });
        expect(first.hello.identified).to.equal(true);
        const a = await first.send('I am a signed member');
        first.close();
        // Another device: another visitor token, the same member.
        const second = await connect({ member: signed('M-1001', Math.floor(Date.now() / 1000) - 3600) });
        expect(second.hello.visitorToken).not.to.equal(first.hello.visitorToken);
        expect(second.hello.history.map((m) => m.id)).to.deep.equal([a.messageId]);
        const b = await second.send('still me');
        expect(b.ticketNumber).to.equal(a.ticketNumber);
        const found = await w.services.members.findByIdentity('webchat', 'm:M-1001');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: a.ticketNumber! }));
        expect(ticket.memberId).to.equal(found!.id);
      });

      it('treats a forged or expired signature as an anonymous visitor, and logs why without naming anyone', async () => {
        const before = logs.length;
        const forged = await connect({ member: { ...signed('M-2002'), sig: memberSignature('another-secret-entirely-0123456789', 'M-2002', Math.floor(Date.now() / 1000)) } });
        expect(forged.hello.identified).to.equal(false);
        const expired = await connect({ member: signed('M-2002', Math.floor(Date.now() / 1000) - 25 * 3600) });
        expect(expired.hello.identified).to.equal(false);
        await forged.send('who am I');
        expect(await w.services.members.findByIdentity('webchat', 'm:M-2002')).to.equal(null);
        const warnings = logs.slice(before).filter((l) => l.level === 'warn');
        expect(warnings.map((l) => JSON.parse(l.line).reason)).to.deep.equal(['bad_signature', 'expired']);
        for (const l of warnings) expect(l.line).not.to.contain('M-2002');
      });

      it('gives a visitor whose token was tampered with a new identity, not the one named in it', async () => {
        const v = await connect();
        await v.send('my own conversation');
        const [, id, mac] = v.hello.visitorToken.split('.');
        const tampered = await connect({ visitorToken: `v1.${id}.${mac!.slice(0, -2)}AA` });
        expect(tampered.hello.visitorToken).not.to.equal(v.hello.visitorToken);
        expect(tampered.hello.history).to.deep.equal([]);
      });

      it('keeps pre-chat details on the member record: the name if it had none, the email encrypted', async () => {
        const v = await connect();
        expect(await v.emit('chat:prechat', { name: '王芳', email: 'Wang.Fang@Example.com' })).to.deep.equal({ ok: true });
        const sent = await v.send('hello with details');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
        const member = await w.services.members.get(ticket.memberId);
        expect(member.name).to.equal('王芳');
        expect(member.identities.find((i) => i.kind === 'email')?.masked).to.equal('w***@example.com');
        const rows = await w.services.db.read((m) => m.findBy(MemberIdentity, { memberId: ticket.memberId }));
        for (const r of rows) expect(r.valueEnc).not.to.contain('example.com');
        // A second form does not rename the member; a new address replaces the anonymous visitor's old one.
        expect((await v.emit('chat:prechat', { name: 'Someone Else', email: 'wf@example.org' })).ok).to.equal(true);
        const after = await w.services.members.get(ticket.memberId);
        expect(after.name).to.equal('王芳');
        expect(after.identities.filter((i) => i.kind === 'email').map((i) => i.masked)).to.deep.equal(['w***@example.org']);
      });

      it('never links an address another member has, and answers the same as for a free one', async () => {
        const owner = await w.services.members.create({ name: 'Owner', identities: { email: 'owner@example.com' } });
        const v = await connect();
        expect(await v.emit('chat:prechat', { email: 'owner@example.com' })).to.deep.equal({ ok: true });
        expect((await w.services.members.findByIdentity('email', 'owner@example.com'))!.id).to.equal(owner.id);
      });
    });

    describe('member service: addContact', () => {
      it('fills an empty name, adds, keeps, replaces and refuses identities as asked', async () => {
        const m = await w.services.members.create({ name: null, identities: { webchat: 'v:add-contact-test' } });
        const other = await w.services.members.create({ name: 'Other', identities: { email: 'taken@example.com' } });
        const run = (input: Parameters<typeof w.services.members.addContact>[2]) => w.services.db.sqlTx((sql) => w.services.members.addContact(sql, m.id, input));
        expect(await run({ name: '  Li Na ', identity: { kind: 'email', value: 'Li.Na@example.com' } })).to.deep.equal({ name: true, identity: 'added' });
        expect(await run({ name: 'Renamed', identity: { kind: 'email', value: 'li.na@example.com' } })).to.deep.equal({ name: false, identity: 'same' });
        expect(await run({ identity: { kind: 'email', value: 'new@example.com' } })).to.deep.equal({ name: false, identity: 'kept' });
        expect(await run({ identity: { kind: 'email', value: 'taken@example.com' }, replace: true })).to.deep.equal({ name: false, identity: 'taken' });
        expect(await run({ identity: { kind: 'email', value: 'new@example.com' }, replace: true })).to.deep.equal({ name: false, identity: 'replaced' });
        const view = await w.services.members.get(m.id);
        expect(view.name).to.equal('Li Na');
        expect(view.identities.filter((i) => i.kind === 'email').map((i) => i.masked)).to.deep.equal(['n***@example.com']);
        expect((await w.services.members.findByIdentity('email', 'new@example.com'))!.id).to.equal(m.id);
        expect((await w.services.members.findByIdentity('email', 'taken@example.com'))!.id).to.equal(other.id);
        const member = await w.services.db.read((mgr) => mgr.findOneByOrFail(Member, { id: m.id }));
        expect(member.name).to.equal('Li Na');
      });
    });

    describe('when nobody can answer now', () => {
      it('still makes a ticket and tells the visitor when to expect an answer (the SLA\'s first-response deadline)', async () => {
        const policy = await w.api('POST', '/api/sla-policies', { token: w.admin.token, body: { name: 'Chat', conditions: { channels: ['webchat'] }, firstResponseMinutes: 30 } });
        expect(policy.status, JSON.stringify(policy.body)).to.equal(201);
        // Nobody online: agents whose consoles connected in earlier tests are still online for the socket grace period.
        for (const a of [w.agentA, w.agentB, w.supervisorA, w.admin]) await w.services.presence.set(a.agentId, 'offline');
        try {
          const v = await connect();
          const sent = await v.send('anyone there?');
          const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
          expect(ticket.firstResponseDueAt).to.be.instanceOf(Date);
          expect(sent.notice).to.deep.equal({ kind: 'offline', expectedBy: ticket.firstResponseDueAt!.toISOString() });
          await expectEventually(() => expect(v.notices).to.deep.equal([sent.notice]));
          // A follow-up is part of the same ticket: no second notice.
          expect((await v.send('hello?')).notice).to.equal(undefined);
        } finally {
          await w.api('DELETE', `/api/sla-policies/${policy.body.id}`, { token: w.admin.token });
        }
      });

      it('says nothing of the kind while an agent of the ticket\'s department is online', async () => {
        await w.services.presence.set(w.agentA.agentId, 'online');
        await w.services.presence.set(w.supervisorA.agentId, 'online');
        try {
          const v = await connect();
          expect(v.hello.agentsOnline).to.equal(true);
          const sent = await v.send('quick question');
          const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
          expect(ticket.departmentId).to.equal(w.deptA);
          expect(sent.ok).to.equal(true);
          expect(sent.notice).to.equal(undefined);
          expect(v.notices).to.deep.equal([]);
        } finally {
          await w.services.presence.set(w.agentA.agentId, 'offline');
          await w.services.presence.set(w.supervisorA.agentId, 'offline');
        }
      });
    });

    describe('email', () => {
      it('sends a reply by email when the visitor has left and gave an address', async () => {
        const v = await connect({ locale: 'en' });
        expect((await v.emit('chat:prechat', { name: 'Emily', email: 'emily@example.com' })).ok).to.equal(true);
        const sent = await v.send('Please get back to me');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
        v.close();
        await gone(ticket.memberId);
        const answer = await reply(ticket.id, 'Your card was posted today.');
        await expectEventually(() => expect(mailTo('emily@example.com')).to.have.length(1));
        const mail = mailTo('emily@example.com')[0]!;
        expect(mail.subject).to.contain(ticket.number!);
        expect(mail.text).to.contain('Your card was posted today.').and.contain(ticket.number!);
        await expectEventually(async () => {
          const d = await deliveryOf(answer.messageId);
          expect(d?.status).to.equal('sent');
          expect(d?.providerId).to.equal(`email:${mail.messageId}`);
        });
        expect((await w.services.db.read((m) => m.findOneByOrFail(Message, { id: answer.messageId }))).deliveryState).to.equal('sent');
      });

      it('keeps retrying a reply to a visitor who left no address, and shows it when they come back', async () => {
        const v = await connect();
        const sent = await v.send('I will be right back');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
        v.close();
        await gone(ticket.memberId);
        const answer = await reply(ticket.id, 'Here is your answer.');
        await expectEventually(async () => {
          const d = await deliveryOf(answer.messageId);
          expect(d).to.include({ status: 'pending', attempts: 1 });
          expect(d!.lastError).to.contain('not connected');
        });
        const back = await connect({ visitorToken: v.hello.visitorToken });
        expect(back.hello.history.map((m) => m.text)).to.deep.equal(['I will be right back', 'Here is your answer.']);
      });

      it('mails the public thread as a transcript, to the address on record or one given for it', async () => {
        const v = await connect({ locale: 'en', timeZone: 'Asia/Shanghai' });
        const missing = await v.emit('chat:transcript', {});
        expect(missing.error?.code).to.equal('NO_CONVERSATION');
        const sent = await v.send('Transcript please');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: sent.ticketNumber! }));
        await reply(ticket.id, 'NOTE: not for the member', 'internal');
        await reply(ticket.id, 'Happy to help.');
        expect((await v.emit('chat:transcript', {})).error?.code).to.equal('EMAIL_REQUIRED');

        // An agent looking at the ticket sees the request as it happens.
        const agent = await connectAgent(w.baseUrl, w.agentA.token);
        expect((await agent.call('ticket:view', { ticketId: ticket.id })).ok).to.equal(true);
        expect(await v.emit('chat:transcript', { email: 'transcript@example.com' })).to.deep.equal({ ok: true });
        const line = await agent.next('message:new', (p) => p.ticketId === ticket.id && p.message.author.type === 'system');
        expect(line.message.meta).to.include({ transcript: true });
        agent.close();
        await expectEventually(() => expect(mailTo('transcript@example.com')).to.have.length(1));
        const mail = mailTo('transcript@example.com')[0]!;
        expect(mail.subject).to.equal(`[${ticket.number}] Chat transcript`);
        expect(mail.text).to.contain('You:\nTranscript please').and.contain('Agent A:\nHappy to help.');
        expect(mail.text).not.to.contain('NOTE: not for the member');
        expect(mail.headers.get('auto-submitted')).to.equal('auto-replied');
        // The request is on the ticket's history; the widget's thread does not show it.
        const events = await w.services.db.read((m) => m.findBy(TicketEvent, { ticketId: ticket.id, type: 'transcript.requested' }));
        expect(events).to.have.length(1);
        const back = await connect({ visitorToken: v.hello.visitorToken });
        expect(back.hello.history.map((m) => m.text)).to.deep.equal(['Transcript please', 'Happy to help.']);
        // The address given was kept on the member too: the next transcript needs none.
        expect(await back.emit('chat:transcript', {})).to.deep.equal({ ok: true });
        await expectEventually(() => expect(mailTo('transcript@example.com')).to.have.length(2));
      });
    });

    describe('limits', () => {
      it('refuses a visitor\'s messages over their limit, then an address\'s over its limit, and ingests none of them', async () => {
        const ip = '10.9.9.9';
        const a = await connect({}, { ip });
        const acks: Ack[] = [];
        for (let i = 0; i < 4; i++) acks.push(await a.send(`limit message ${i}`));
        expect(acks.map((r) => r.ok)).to.deep.equal([true, true, true, false]);
        expect(acks[3]!.error!.code).to.equal('RATE_LIMITED');
        const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { number: acks[0]!.ticketNumber! }));
        expect((await messagesOf(ticket.id)).map((m) => m.text)).to.deep.equal(['limit message 0', 'limit message 1', 'limit message 2']);
        // Another visitor behind the same address: 5 a minute for the address.
        const b = await connect({}, { ip });
        expect((await b.send('from b 1')).ok).to.equal(true);
        expect((await b.send('from b 2')).ok).to.equal(true);
        const refused = await b.send('from b 3');
        expect(refused.error?.code).to.equal('RATE_LIMITED');
        expect(await w.services.db.read((m) => m.countBy(Message, { text: 'from b 3' }))).to.equal(0);
      });

      it('refuses connections from one address over its limit', async () => {
        const ip = '10.8.8.8';
        for (let i = 0; i < 4; i++) await connect({}, { ip });
        const err = await connect({}, { ip }).then(() => null, (e: Error & { data?: { code: string } }) => e);
        expect(err?.data?.code).to.equal('RATE_LIMITED');
      });
    });

    describe('cross-origin embedding', () => {
      it('lets a page of another site use long-polling (CORS on the socket.io endpoint, no credentials)', async () => {
        const res = await fetch(`${w.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://shop.example' } });
        expect(res.status).to.equal(200);
        expect(res.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
        expect(res.headers.get('access-control-allow-credentials')).to.equal(null);
      });

      it('serves widget.js to any site and the demo page', async () => {
        // The build's output stands in: this checks what the server adds, not what the bundler made.
        const dist = await mkdtemp(path.join(os.tmpdir(), 'widget-'));
        await writeFile(path.join(dist, 'widget.js'), 'socket.emit("chat:hello")');
        const app = express().use(widgetRoutes({ distDir: dist }));
        const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
        try {
          const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
          const js = await fetch(`${base}/widget.js`, { headers: { origin: 'https://shop.example' } });
          expect(js.status).to.equal(200);
          expect(js.headers.get('content-type')).to.match(/javascript/);
          expect(js.headers.get('access-control-allow-origin')).to.equal('*');
          expect(js.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
          expect(await js.text()).to.contain('chat:hello');
          const demo = await fetch(`${base}/widget-demo.html`);
          expect(demo.status).to.equal(200);
          expect(await demo.text()).to.contain('src="/widget.js"');
        } finally {
          await new Promise<void>((r) => server.close(() => r()));
          await rm(dist, { recursive: true, force: true });
        }
      });
    });
  });
}

describe('web chat: allowed origins', () => {
  let w: TestWorld;
  before(async () => { w = await startWorld(ENGINES[0]!, { realtime: { chat: { allowedOrigins: ['https://shop.example'] } } }); });
  after(async () => { await w.stop(); });

  it('admits the listed sites and this server\'s own pages, and refuses others', async () => {
    const listed = await connectTo(w.baseUrl, {}, { origin: 'https://shop.example' });
    listed.close();
    const own = await connectTo(w.baseUrl, {}, { origin: w.baseUrl });
    own.close();
    const err = await connectTo(w.baseUrl, {}, { origin: 'https://evil.example' }).then(() => null, (e: Error & { data?: { code: string } }) => e);
    expect(err?.data?.code).to.equal('ORIGIN_NOT_ALLOWED');
    const res = await fetch(`${w.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).to.equal(null);
  });
});
