import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EmailAdapter } from '../../channels/email/email.adapter.js';
import { ImapPoller } from '../../channels/email/imap.poller.js';
import { Mailbox, Message, Ticket } from '../../server/db/entities/index.js';
import { startImapPollers } from '../../server/email/imap-runner.js';
import { silentLogger } from '../../server/logger.js';
import { startDovecot, type RunningDovecot } from '../helpers/dovecot.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';

const USER = 'service@desk.example';
const PASSWORD = 'imap-test-password';

for (const engine of ENGINES) {
  describe(`email end to end over IMAP and SMTP [${engine.name}]`, () => {
    let dovecot: RunningDovecot;
    let w: TestWorld;
    let smtp: SMTPServer;
    let pollers: { stop(): Promise<void> };
    const sent: ParsedMail[] = [];
    const append = async (raw: string) => {
      const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: USER, pass: PASSWORD }, logger: false, disableAutoIdle: true });
      await c.connect();
      try { await c.append('INBOX', Buffer.from(raw)); } finally { await c.logout(); }
    };
    const mail = (o: { from: string; id: string; subject: string; extra?: string; body: string }) =>
      `From: ${o.from}\r\nTo: ${USER}\r\nSubject: ${o.subject}\r\nMessage-ID: ${o.id}\r\n${o.extra ?? ''}Content-Type: text/plain; charset=utf-8\r\n\r\n${o.body}\r\n`;
    const ticketsOf = (from: string) => w.services.db.read((m) => m.createQueryBuilder(Ticket, 't')
      .innerJoin('member_identity', 'mi', 'mi.memberId = t.memberId AND mi.kind = :k AND mi.blindIndex = :b', { k: 'email', b: w.services.vault.blindIndex('email', from) }).getMany());

    before(async function () {
      this.timeout(60_000);
      dovecot = await startDovecot([{ user: USER, password: PASSWORD }]);
      smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
        onData(stream, _s, cb) { simpleParser(stream).then((m) => { sent.push(m); cb(); }, cb); } });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
      w = await startWorld(engine);
      w.services.channels.register(new EmailAdapter({
        transport: { host: '127.0.0.1', port: (smtp.server.address() as { port: number }).port, secure: false, ignoreTLS: true },
        from: { address: USER, name: 'Member Service' }, secret: w.services.vault.subKey('email-threading'), domain: 'desk.example',
      }));
      await w.services.mailboxes.create({ address: USER, departmentId: w.deptA, imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: USER, password: PASSWORD } });
      pollers = startImapPollers(w.services, silentLogger, { intervalMs: 50 });
    });
    after(async () => {
      await pollers?.stop();
      await w?.stop();
      if (smtp) await new Promise<void>((r) => smtp.close(() => r()));
      await dovecot?.stop();
    });

    it('turns mailbox mail into a ticket, answers by SMTP, and files the member\'s reply on the same ticket', async () => {
      await append(mail({ from: 'wang.fang@example.com', id: '<imap-1@example.com>', subject: '退货进度', body: '我的退货还没处理。' }));
      const [ticket] = await expectEventually(async () => { const t = await ticketsOf('wang.fang@example.com'); expect(t).to.have.length(1); return t; }, 10_000);
      const reply = await w.api('POST', `/api/tickets/${ticket!.id}/messages`, { token: w.agentA.token, body: { text: '已加急处理，明天退款到账。' } });
      expect(reply.status).to.equal(201);
      // The acknowledgement went first; the agent's answer is the mail that is not automatic.
      const out = await expectEventually(() => { const r = sent.filter((m) => !m.headers.has('auto-submitted')); expect(r).to.have.length(1); return r[0]!; }, 10_000);
      expect(out.inReplyTo).to.equal('<imap-1@example.com>');
      await append(mail({ from: 'wang.fang@example.com', id: '<imap-2@example.com>', subject: `Re: ${out.subject}`, extra: `In-Reply-To: ${out.messageId}\r\nReferences: <imap-1@example.com> ${out.messageId}\r\n`, body: '收到，谢谢！' }));
      await expectEventually(async () => {
        expect(await w.services.db.read((m) => m.countBy(Message, { ticketId: ticket!.id, direction: 'inbound' }))).to.equal(2);
      }, 10_000);
      // A stranger quoting the ticket number gets a ticket of their own.
      await append(mail({ from: 'stranger@example.com', id: '<imap-3@example.com>', subject: `Re: [${ticket!.number}] 退货进度`, body: '我也要退款' }));
      await expectEventually(async () => { expect(await ticketsOf('stranger@example.com')).to.have.length(1); }, 10_000);
      expect(await w.services.db.read((m) => m.countBy(Message, { ticketId: ticket!.id, direction: 'inbound' }))).to.equal(2);
    });

    it('stores a message once when the process dies between commit and acknowledgement', async () => {
      await pollers.stop();
      const mailbox = await w.services.db.read((m) => m.findOneByOrFail(Mailbox, { address: USER }));
      const settings = { host: '127.0.0.1', port: dovecot.port, secure: false, user: USER, password: PASSWORD };
      await append(mail({ from: 'crash@example.com', id: '<imap-crash@example.com>', subject: 'crash', body: 'once please' }));
      // First process: commits the ticket, then "dies" before it can flag the message.
      const dying = new ImapPoller({ settings, log: silentLogger, store: async (raw) => {
        await w.services.emailInbound.receive(mailbox, raw);
        throw new Error('killed after commit');
      } });
      await dying.pollOnce().catch(() => undefined);
      await dying.stop();
      // The restarted process fetches it again; dedupe makes it one message.
      const restarted = new ImapPoller({ settings, log: silentLogger, store: async (raw) => ((await w.services.emailInbound.receive(mailbox, raw)).stored ? 'stored' : 'ignored') });
      const result = await restarted.pollOnce();
      await restarted.stop();
      expect(result.acknowledged).to.be.greaterThan(0);
      expect(await ticketsOf('crash@example.com')).to.have.length(1);
      expect(await w.services.db.read((m) => m.countBy(Message, { rfcMessageId: '<imap-crash@example.com>' }))).to.equal(1);
    });
  });
}
