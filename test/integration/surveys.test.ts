import { expect } from 'chai';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { ChannelRegistry } from '../../channels/channel.js';
import { EmailAdapter } from '../../channels/email/email.adapter.js';
import { FollowUp, Message, Notification, Survey, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import type { Notifier } from '../../server/notify/notification.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startMockBot } from '../helpers/wechat-mock.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';

/** A clock the test moves: surveys are sent, reminded and expired at the times it sets. */
function manualClock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => { now += ms; }, set: (iso: string) => { now = new Date(iso).getTime(); } };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;


/** Staff notifications are only written for channels that have a sender: an email one that records. */
const staffMail: Notifier & { sent: unknown[] } = { channel: 'email', sent: [], send: async (n) => { staffMail.sent.push(n); return { providerRef: null }; } };

for (const engine of ENGINES) {
  describe(`satisfaction surveys [${engine.name}]`, function () {
    this.timeout(30_000);
    let w: TestWorld;
    let smtp: SmtpCapture;
    let email: EmailAdapter;
    // Starts at the real time: the realtime layer's own timers (presence, batching) run on the wall clock.
    const clock = manualClock(new Date().toISOString());
    const sockets: ClientSocket[] = [];

    before(async () => {
      smtp = await startSmtpCapture();
      email = new EmailAdapter({
        transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true },
        from: { address: 'support@helpdesk.test', name: 'MemberDesk' }, secret: 'survey-test-threading', domain: 'helpdesk.test',
      });
      w = await startWorld(engine, {
        clock, startSurveys: false, notifiers: [staffMail], realtime: true,
        channels: new ChannelRegistry().register(email),
      });
    });
    // Staff tokens expire on the service clock: a test that travels forward comes back to the present after.
    afterEach(() => { for (const s of sockets.splice(0)) s.close(); clock.set(new Date().toISOString()); });
    after(async () => {
      await w.stop();
      email.close();
      await smtp.close();
    });

    const solve = async (ticketId: number, token = w.agentA.token) => {
      const res = await w.api('POST', `/api/tickets/${ticketId}/status`, { token, body: { status: 'solved' } });
      expect(res.status, JSON.stringify(res.body)).to.be.within(200, 204);
    };
    const surveysOf = (ticketId: number) => w.services.db.read((m) => m.find(Survey, { where: { ticketId }, order: { id: 'ASC' } }));
    const eventsOf = async (ticketId: number, prefix: string) => (await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId }, order: { id: 'ASC' } })))
      .filter((e) => e.type.startsWith(prefix)).map((e) => e.type);
    const mailsTo = (address: string) => smtp.received.filter((m) => !Array.isArray(m.to) && m.to?.value.some((a) => a.address === address));
    const linkIn = (text: string) => /\/survey\/([A-Za-z0-9._-]+)/.exec(text)?.[1] ?? null;
    /** An email ticket from `address`, answered and solved by agent A. */
    const solvedEmailTicket = async (address: string) => {
      const t = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: address }, departmentId: w.deptA, text: '会员卡积分没有到账' }));
      await w.api('POST', `/api/tickets/${t.ticketId}/messages`, { token: w.agentA.token, body: { text: '已为您补发积分。', visibility: 'public' } });
      await solve(t.ticketId);
      return t.ticketId;
    };
    /** Sends what is due now and waits until the delivery worker handed it to the channel. */
    const sendDue = async () => { await w.services.surveys.runDue(); };

    it('emails a signed link on solve; the link page answers once, attributes the rating, and a second use is refused', async () => {
      const ticketId = await solvedEmailTicket('happy@example.com');
      const [scheduled] = await surveysOf(ticketId);
      expect(scheduled).to.include({ status: 'scheduled', channel: 'email', departmentId: w.deptA, agentId: w.agentA.agentId, ticketChannel: 'email', tier: 'standard' });
      await sendDue();
      const mail = await expectEventually(() => { const m = mailsTo('happy@example.com').find((x) => linkIn(x.text ?? '')); expect(m).to.not.equal(undefined); return m!; });
      expect(mail.text).to.contain('请点击链接评分');
      expect(String(mail.headers.get('auto-submitted'))).to.match(/^auto-/);
      const token = linkIn(mail.text!)!;
      // Only the member's mail holds the link; the thread agents read shows a marker (an agent could rate themselves).
      const thread = await w.api('GET', `/api/tickets/${ticketId}`, { token: w.agentA.token });
      expect(JSON.stringify(thread.body)).to.contain('[survey link').and.not.contain(token);

      const page = await fetch(`${w.baseUrl}/survey/${token}`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/text\/html/);
      expect(page.headers.get('referrer-policy')).to.equal('no-referrer');

      const info = await w.api('GET', `/api/surveys/link/${token}`);
      expect(info.status, JSON.stringify(info.body)).to.equal(200);
      expect(info.body.survey).to.include({ status: 'sent', language: 'zh-Hans' });
      expect(info.body.survey.ticketNumber).to.match(/^MD-/);

      const answered = await w.api('POST', `/api/surveys/link/${token}`, { body: { rating: 5, comment: '很快，谢谢' } });
      expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
      expect(answered.body).to.deep.equal({ status: 'answered', rating: 5 });
      const [survey] = await surveysOf(ticketId);
      expect(survey).to.include({ status: 'answered', rating: 5, comment: '很快，谢谢', answeredVia: 'link' });
      expect(await eventsOf(ticketId, 'survey.')).to.deep.equal(['survey.sent', 'survey.answered']);

      const reused = await w.api('POST', `/api/surveys/link/${token}`, { body: { rating: 1 } });
      expect(reused.status).to.equal(409);
      expect(reused.body.error).to.include({ code: 'SURVEY_ANSWERED' });
      expect(reused.body.error.details).to.deep.equal({ rating: 5 });
      expect((await surveysOf(ticketId))[0]!.rating).to.equal(5);
      // The agents' view of it.
      const list = await w.api('GET', `/api/tickets/${ticketId}/surveys`, { token: w.agentA.token });
      expect(list.body.items[0]).to.include({ status: 'answered', rating: 5, channel: 'email', answeredVia: 'link' });
      expect((await w.api('GET', `/api/tickets/${ticketId}/surveys`, { token: w.agentB.token })).status).to.equal(404);
    });

    it('refuses a tampered link, a link to another survey, and an expired one, without changing any rating', async () => {
      const ticketId = await solvedEmailTicket('tamper@example.com');
      await sendDue();
      const mail = await expectEventually(() => { const m = mailsTo('tamper@example.com').find((x) => linkIn(x.text ?? '')); expect(m).to.not.equal(undefined); return m!; });
      const token = linkIn(mail.text!)!;
      const [id, nonce, mac] = token.split('.') as [string, string, string];
      const forged = [
        `${id}.${nonce}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // one character of the signature
        `${Number(id) + 1}.${nonce}.${mac}`,                                 // someone else's survey id
        `${id}.${nonce}`,                                                    // no signature at all
      ];
      for (const bad of forged) {
        const res = await w.api('POST', `/api/surveys/link/${bad}`, { body: { rating: 1 } });
        expect(res.status, bad).to.be.oneOf([400]);
        expect(res.body.error.code, bad).to.be.oneOf(['SURVEY_LINK_INVALID', 'VALIDATION_FAILED']);
        expect(JSON.stringify(res.body)).to.not.match(/at .*\.ts|stack/i);
      }
      const garbage = await w.api('GET', '/api/surveys/link/..%2F..%2Fetc');
      expect(garbage.status).to.be.within(400, 404);
      // The page itself still loads for a bad token: it explains, it does not crash.
      expect((await fetch(`${w.baseUrl}/survey/not-a-token`)).status).to.equal(200);

      clock.advance(8 * DAY);
      const expired = await w.api('POST', `/api/surveys/link/${token}`, { body: { rating: 1 } });
      expect(expired.status).to.equal(410);
      expect(expired.body.error.code).to.equal('SURVEY_EXPIRED');
      await sendDue();
      const [survey] = await surveysOf(ticketId);
      expect(survey).to.include({ status: 'expired', rating: null });
      // Past its expiry before the reminder was sent: it expires, no late reminder.
      expect(await eventsOf(ticketId, 'survey.')).to.deep.equal(['survey.sent', 'survey.expired']);
    });

    it('a prompt the mail server refuses for good withdraws the survey (never sent, not in the response rate)', async () => {
      const ticketId = await solvedEmailTicket('gone@example.com'); // the capture server refuses gone@… for good (550)
      await sendDue();
      const [survey] = await expectEventually(async () => {
        const list = await surveysOf(ticketId);
        expect(list[0]).to.include({ status: 'cancelled' });
        return list;
      }, 10_000);
      expect(survey).to.include({ cancelReason: 'undeliverable', nextCheckAt: null, rating: null });
      expect(await eventsOf(ticketId, 'survey.')).to.deep.equal(['survey.sent', 'survey.cancelled']);
      expect(await eventsOf(ticketId, 'delivery.')).to.include('delivery.failed');
    });

    it('reminds once when unanswered, and a reopen cancels the unanswered survey (its link then says so)', async () => {
      const ticketId = await solvedEmailTicket('remind@example.com');
      await sendDue();
      await expectEventually(() => expect(mailsTo('remind@example.com').filter((x) => linkIn(x.text ?? ''))).to.have.length(1));
      clock.advance(47 * HOUR);
      await sendDue();
      expect(await eventsOf(ticketId, 'survey.')).to.deep.equal(['survey.sent']);
      clock.advance(2 * HOUR);
      await sendDue();
      await sendDue();
      const reminders = await expectEventually(() => { const r = mailsTo('remind@example.com').filter((x) => linkIn(x.text ?? '')); expect(r).to.have.length(2); return r; });
      expect(reminders[1]!.text).to.contain('温馨提醒');
      expect(linkIn(reminders[1]!.text!)).to.equal(linkIn(reminders[0]!.text!));
      expect(await eventsOf(ticketId, 'survey.')).to.deep.equal(['survey.sent', 'survey.reminded']);

      const nowToken = w.services.signer.issue(w.agentA.agentId, 0, clock.now()).token;
      const reopen = await w.api('POST', `/api/tickets/${ticketId}/status`, { token: nowToken, body: { status: 'open' } });
      expect(reopen.status, JSON.stringify(reopen.body)).to.be.within(200, 204);
      const [cancelled] = await surveysOf(ticketId);
      expect(cancelled).to.include({ status: 'cancelled', cancelReason: 'reopened', nextCheckAt: null });
      const res = await w.api('POST', `/api/surveys/link/${linkIn(reminders[0]!.text!)}`, { body: { rating: 4 } });
      expect(res.status).to.equal(410);
      expect(res.body.error.code).to.equal('SURVEY_CANCELLED');

      // Solved again: a new survey for the new solve, at most one per solve.
      await solve(ticketId, nowToken);
      const twice = await w.api('POST', `/api/tickets/${ticketId}/status`, { token: nowToken, body: { status: 'solved' } });
      expect(twice.status).to.be.within(200, 204); // already solved: no change, no second survey
      const all = await surveysOf(ticketId);
      expect(all.map((s) => s.status)).to.deep.equal(['cancelled', 'scheduled']);
    });

    it('a rating of 1–2 opens a follow-up for the department, tells its head, shows in the console, and is done with an outcome', async () => {
      await w.api('PATCH', `/api/departments/${w.deptA}`, { token: w.admin.token, body: { headAgentId: w.supervisorA.agentId } });
      const agentSocket = await import('../helpers/agent-socket.js').then((m) => m.connectAgent(w.baseUrl, w.supervisorA.token));
      const notices: Array<{ kind: string; rating?: number }> = [];
      agentSocket.socket.on('notice', (n: { kind: string; rating?: number }) => notices.push(n));
      try {
        const ticketId = await solvedEmailTicket('unhappy@example.com');
        await sendDue();
        const mail = await expectEventually(() => { const m = mailsTo('unhappy@example.com').find((x) => linkIn(x.text ?? '')); expect(m).to.not.equal(undefined); return m!; });
        const res = await w.api('POST', `/api/surveys/link/${linkIn(mail.text!)}`, { body: { rating: 2, comment: '等了太久' } });
        expect(res.status).to.equal(200);

        const [followUp] = await w.services.db.read((m) => m.find(FollowUp, { where: { ticketId } }));
        expect(followUp).to.include({ departmentId: w.deptA, reason: 'low_rating', status: 'open', channel: 'call' });
        // The default low-rating rule (docs/follow-ups.md): delay 0, due at once.
        expect(followUp!.dueAt.getTime()).to.equal(clock.now().getTime());
        expect(await eventsOf(ticketId, 'followup.')).to.deep.equal(['followup.created']);
        const rows = await w.services.db.read((m) => m.find(Notification, { where: { ticketId } }));
        expect(rows.map((r) => [r.channel, r.agentId, r.payload.kind, r.payload.rating])).to.deep.equal([['email', w.supervisorA.agentId, 'survey.low_rating', 2]]);
        await expectEventually(() => expect(notices.some((n) => n.kind === 'follow_up' && n.rating === 2), JSON.stringify(agentSocket.received.map((r) => r.event))).to.equal(true));

        const open = await w.api('GET', '/api/follow-ups', { token: w.agentA.token });
        expect(open.body.items.map((f: { ticketId: number }) => f.ticketId)).to.include(ticketId);
        expect(open.body.items.find((f: { ticketId: number }) => f.ticketId === ticketId)).to.include({ rating: 2, reason: 'low_rating', status: 'open' });
        expect((await w.api('GET', '/api/follow-ups', { token: w.agentB.token })).body.items.map((f: { ticketId: number }) => f.ticketId)).to.not.include(ticketId);
        expect((await w.api('POST', `/api/follow-ups/${followUp!.id}/done`, { token: w.agentB.token, body: { outcome: 'satisfied' } })).status).to.equal(404);

        const done = await w.api('POST', `/api/follow-ups/${followUp!.id}/done`, { token: w.agentA.token, body: { outcome: 'satisfied', note: '已电话致歉，会员接受' } });
        expect(done.status, JSON.stringify(done.body)).to.equal(200);
        expect(done.body).to.include({ status: 'done', outcome: 'satisfied', doneBy: w.agentA.agentId });
        const again = await w.api('POST', `/api/follow-ups/${followUp!.id}/done`, { token: w.agentA.token, body: { outcome: 'other' } });
        expect(again.status).to.equal(409);
        expect((await w.api('GET', '/api/follow-ups', { token: w.agentA.token })).body.items.map((f: { ticketId: number }) => f.ticketId)).to.not.include(ticketId);
        expect((await w.api('GET', `/api/tickets/${ticketId}/follow-ups`, { token: w.agentA.token })).body.items[0]).to.include({ status: 'done', note: '已电话致歉，会员接受' });
      } finally {
        agentSocket.socket.close();
      }
    });

    it('a phone-only ticket: the email link when an address is known, otherwise an agent records the answer from a call', async () => {
      const call = async (phone: string, memberEmail?: string) => {
        if (memberEmail) await w.services.members.create({ name: 'Caller', identities: { phone, email: memberEmail } });
        const res = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone, summary: '积分查询', durationSeconds: 60 } });
        expect(res.status, JSON.stringify(res.body)).to.be.within(200, 201);
        await solve(res.body.ticketId);
        return res.body.ticketId as number;
      };
      const withEmail = await call('+8613800001111', 'caller@example.com');
      const withoutEmail = await call('+8613800002222');
      expect((await surveysOf(withEmail))[0]!.channel).to.equal('email');
      expect((await surveysOf(withoutEmail))[0]!.channel).to.equal('call');
      await sendDue();
      await expectEventually(() => expect(mailsTo('caller@example.com').filter((x) => linkIn(x.text ?? ''))).to.have.length(1));
      const [callSurvey] = await surveysOf(withoutEmail);
      expect(callSurvey).to.include({ status: 'sent' });
      expect(await w.services.db.read((m) => m.count(Message, { where: { ticketId: withoutEmail, authorType: 'system' } }))).to.equal(0);

      const other = await w.api('POST', `/api/tickets/${withoutEmail}/surveys/${callSurvey!.id}/answer`, { token: w.agentB.token, body: { rating: 4 } });
      expect(other.status).to.equal(404);
      const wrongTicket = await w.api('POST', `/api/tickets/${withEmail}/surveys/${callSurvey!.id}/answer`, { token: w.agentA.token, body: { rating: 4 } });
      expect(wrongTicket.status).to.equal(404);
      const bad = await w.api('POST', `/api/tickets/${withoutEmail}/surveys/${callSurvey!.id}/answer`, { token: w.agentA.token, body: { rating: 6 } });
      expect(bad.status).to.equal(400);
      const res = await w.api('POST', `/api/tickets/${withoutEmail}/surveys/${callSurvey!.id}/answer`, { token: w.agentA.token, body: { rating: 4, comment: '电话回访：满意' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await surveysOf(withoutEmail))[0]).to.include({ status: 'answered', rating: 4, answeredVia: 'agent', recordedBy: w.agentA.agentId });
    });

    it('web chat: the prompt reaches the widget with stars, the visitor rates inline, and the thread shows the rating after a reconnect', async () => {
      const connect = () => new Promise<{ socket: ClientSocket; hello: any }>((resolve, reject) => {
        const socket = ioClient(`${w.baseUrl}/chat`, { transports: ['websocket'], auth: { locale: 'en', ...(token ? { visitorToken: token } : {}) }, reconnection: false });
        sockets.push(socket);
        socket.once('chat:hello', (hello) => resolve({ socket, hello }));
        socket.once('connect_error', reject);
      });
      let token: string | undefined;
      const v = await connect();
      token = v.hello.visitorToken;
      const sent = await v.socket.timeout(5_000).emitWithAck('chat:message', { text: 'Where are my points?', clientId: 'survey-chat-0001' });
      expect(sent.ok, JSON.stringify(sent)).to.equal(true);
      const ticketId = (await w.services.db.read((m) => m.findOneByOrFail(Message, { id: sent.messageId }))).ticketId;
      const prompt = new Promise<any>((resolve) => v.socket.on('chat:message', (line) => { if (line.survey) resolve(line); }));
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: w.agentA.token, body: { text: 'Added, sorry for the wait.', visibility: 'public', status: 'solved' } });
      await sendDue();
      const line = await prompt;
      expect(line.survey).to.include({ status: 'sent', rating: null });
      expect(line.text).to.contain('rate this conversation');

      const wrong = await v.socket.timeout(5_000).emitWithAck('chat:survey', { surveyId: line.survey.id, rating: 9 });
      expect(wrong.ok).to.equal(false);
      expect(wrong.error.code).to.equal('VALIDATION_FAILED');
      // Another visitor cannot answer it.
      token = undefined;
      const stranger = await connect();
      const theirs = await stranger.socket.timeout(5_000).emitWithAck('chat:survey', { surveyId: line.survey.id, rating: 1 });
      expect(theirs.ok).to.equal(false);
      expect(theirs.error.code).to.equal('SURVEY_NOT_FOUND');

      // A reload before rating: the solved conversation is gone from the widget, its survey prompt is not.
      v.socket.close();
      token = v.hello.visitorToken;
      const back = await connect();
      expect(back.hello.history).to.have.length(1);
      expect(back.hello.history[0].survey).to.deep.equal({ id: line.survey.id, status: 'sent', rating: null });
      const answered = new Promise<any>((resolve) => back.socket.on('chat:survey', resolve));
      const ok = await back.socket.timeout(5_000).emitWithAck('chat:survey', { surveyId: line.survey.id, rating: 4 });
      expect(ok, JSON.stringify(ok)).to.deep.equal({ ok: true, rating: 4 });
      expect(await answered).to.deep.equal({ surveyId: line.survey.id, status: 'answered', rating: 4 });
      expect((await surveysOf(ticketId))[0]).to.include({ status: 'answered', rating: 4, answeredVia: 'widget', channel: 'webchat' });
      const twice = await back.socket.timeout(5_000).emitWithAck('chat:survey', { surveyId: line.survey.id, rating: 1 });
      expect(twice.error.code).to.equal('SURVEY_ANSWERED');
    });

    it('WeChat (wechaty mock puppet): the prompt asks for 1–5; the next matching reply answers it once and is not a new ticket', async () => {
      const { bot, me, member, said } = await startMockBot(w.services);
      try {
        const wechatTicket = () => w.services.db.read((m) => m.findOne(Ticket, { where: { channel: 'wechat' }, order: { id: 'DESC' } }));
        member.say('积分什么时候到账？').to(me);
        const ticket = await expectEventually(async () => { const t = await wechatTicket(); expect(t).to.not.equal(null); return t!; });
        await w.services.db.sqlTx((sql) => sql.run('UPDATE ticket SET departmentId = ? WHERE id = ?', [w.deptA, ticket.id]));
        const solved = await w.api('POST', `/api/tickets/${ticket.id}/messages`, { token: w.agentA.token, body: { text: '已到账', visibility: 'public', status: 'solved' } });
        expect(solved.status, JSON.stringify(solved.body)).to.equal(201);
        await sendDue();
        await expectEventually(() => expect(said.some((t) => t.includes('请直接回复数字 1–5'))).to.equal(true), 10_000);

        member.say('1，太慢了').to(me);
        const [survey] = await expectEventually(async () => {
          const list = await surveysOf(ticket.id);
          expect(list[0]).to.include({ status: 'answered' });
          return list;
        });
        expect(survey).to.include({ rating: 1, comment: '太慢了', answeredVia: 'wechat' });
        // Stored on the surveyed ticket, which stays solved; no new ticket; the member is thanked; the department follows up.
        expect((await w.services.db.read((m) => m.count(Ticket, { where: { channel: 'wechat' } })))).to.equal(1);
        expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticket.id }))).status).to.equal('solved');
        const stored = await w.services.db.read((m) => m.find(Message, { where: { ticketId: ticket.id, direction: 'inbound' }, order: { id: 'ASC' } }));
        expect(stored.map((m) => m.text)).to.deep.equal(['积分什么时候到账？', '1，太慢了']);
        expect(stored[1]!.meta).to.deep.include({ surveyAnswer: survey!.id });
        await expectEventually(() => expect(said.some((t) => t.includes('很抱歉'))).to.equal(true), 10_000);
        expect(await w.services.db.read((m) => m.count(FollowUp, { where: { ticketId: ticket.id } }))).to.equal(1);

        // Answered: the next digit is an ordinary message (a new conversation), and the rating stays.
        member.say('5').to(me);
        await expectEventually(async () => expect(await w.services.db.read((m) => m.count(Ticket, { where: { channel: 'wechat' } }))).to.equal(2));
        expect((await surveysOf(ticket.id))[0]!.rating).to.equal(1);
      } finally {
        await bot.stop();
      }
    });

    it('WeChat: a digit that answers another live conversation is that conversation\'s message, not a rating', async () => {
      const contact = { kind: 'wechat' as const, value: `wx:survey-two-${engine.name}` };
      const first = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: contact, departmentId: w.deptA, text: '积分什么时候到账？', continueOpenTicket: true }));
      await solve(first.ticketId);
      await sendDue();
      expect((await surveysOf(first.ticketId))[0]).to.include({ status: 'sent', channel: 'wechat' });
      const second = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: contact, departmentId: w.deptA, text: '我想补办两张会员卡', continueOpenTicket: true }));
      expect(second.ticketId).to.not.equal(first.ticketId);
      // The second ticket's agent asks "how many?"; the member answers "2".
      const reply = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: contact, text: '2', continueOpenTicket: true }));
      expect(reply.ticketId).to.equal(second.ticketId);
      expect((await surveysOf(first.ticketId))[0]).to.include({ status: 'sent', rating: null });
      expect(await w.services.db.read((m) => m.count(FollowUp, { where: { ticketId: first.ticketId } }))).to.equal(0);
    });
  });
}
