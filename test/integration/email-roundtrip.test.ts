import { expect } from 'chai';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EmailAdapter } from '../../channels/email/email.adapter.js';
import { Delivery, Mailbox, Message } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

for (const engine of ENGINES) {
  describe(`email round trip [${engine.name}]`, () => {
    let w: TestWorld;
    let smtp: SMTPServer;
    const sent: ParsedMail[] = [];

    before(async () => {
      smtp = new SMTPServer({
        authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
        onData(stream, _session, cb) { simpleParser(stream).then((m) => { sent.push(m); cb(); }, cb); },
      });
      await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
      const port = (smtp.server.address() as { port: number }).port;
      w = await startWorld(engine);
      w.services.channels.register(new EmailAdapter({
        transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
        from: { address: 'service@desk.example', name: 'Member Service' },
        secret: w.services.vault.subKey('email-threading'), domain: 'desk.example',
      }));
      await w.services.mailboxes.create({ address: 'service@desk.example', departmentId: w.deptA });
    });
    after(async () => {
      await w.stop();
      await new Promise<void>((r) => smtp.close(() => r()));
    });

    it('writes the acknowledgement in the ticket\'s own transaction: a failure leaves neither, the redelivery both, once', async () => {
      const msg = (acknowledge: (t: { number: string; language: string | null }) => string) => inbound({
        channel: 'email', externalId: '<ack-atomic@example.com>', rfcMessageId: '<ack-atomic@example.com>', continueOpenTicket: false,
        from: { kind: 'email', value: 'ack.atomic@example.com' }, text: 'Where is my parcel?', departmentId: w.deptA, acknowledge,
      });
      const before = await w.services.db.read((m) => m.count(Message));
      let caught: unknown;
      try {
        await w.services.tickets.ingest(msg(() => { throw new Error('crash while acknowledging'); }));
      } catch (err) { caught = err; }
      expect(String(caught)).to.contain('crash while acknowledging');
      expect(await w.services.db.read((m) => m.count(Message)), 'nothing of the failed attempt').to.equal(before);

      const stored = await w.services.tickets.ingest(msg((t) => `ack ${t.number} ${t.language}`));
      const again = await w.services.tickets.ingest(msg((t) => `ack ${t.number} ${t.language}`));
      expect(again.duplicate).to.equal(true);
      const rows = await w.services.db.read((m) => m.find(Message, { where: { ticketId: stored.ticketId }, order: { id: 'ASC' } }));
      expect(rows.map((r) => [r.direction, r.authorType])).to.deep.equal([['inbound', 'member'], ['outbound', 'system']]);
      expect(rows[1]!.text).to.equal(`ack ${stored.ticketNumber} en`);
      expect(rows[1]!.meta).to.deep.include({ automatic: true, email: { inReplyTo: '<ack-atomic@example.com>', references: ['<ack-atomic@example.com>'] } });
      expect(await w.services.db.read((m) => m.countBy(Delivery, { messageId: rows[1]!.id }))).to.equal(1);
      await expectEventually(() => expect(sent.some((m) => m.text?.includes(`ack ${stored.ticketNumber}`))).to.equal(true), 10_000);
      sent.length = 0;
    });

    it('answers a member by email with threading headers, and their reply lands on the same ticket', async () => {
      const mailbox = (await w.services.db.read((m) => m.findOneByOrFail(Mailbox, { address: 'service@desk.example' })));
      const raw = (id: string, extra: string, body: string) => Buffer.from(
        `From: Li Lei <li.lei@example.com>\r\nTo: service@desk.example\r\nSubject: 会员卡无法使用\r\nMessage-ID: ${id}\r\n${extra}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
      const first = await w.services.emailInbound.receive(mailbox, raw('<member-1@example.com>', '', '门店说我的会员卡无效。'));
      if (!first.stored) throw new Error('not stored');
      // An acknowledgement in the member's language, marked automatic (no auto-reply loops), no first response.
      const ack = await expectEventually(() => { expect(sent).to.have.length(1); return sent[0]!; }, 10_000);
      expect(ack.headers.get('auto-submitted')).to.equal('auto-replied');
      expect(ack.text).to.contain('我们已收到您的来信').and.contain(first.ticketNumber);
      expect(ack.inReplyTo).to.equal('<member-1@example.com>');
      expect((await w.api('GET', `/api/tickets/${first.ticketId}`, { token: w.agentA.token })).body.firstResponseAt).to.equal(null);

      const upload = await w.api('POST', '/api/uploads?name=%E6%BF%80%E6%B4%BB%E8%AF%B4%E6%98%8E.txt', { token: w.agentA.token, raw: '激活步骤：1. 打开 App 2. 出示会员码', contentType: 'text/plain' });
      expect(upload.status).to.equal(201);
      const forged = await w.api('POST', `/api/tickets/${first.ticketId}/messages`, { token: w.agentA.token, body: { text: 'x', attachments: [upload.body.token.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'))] } });
      expect(forged.body.error.code).to.equal('INVALID_ATTACHMENT');
      const reply = await w.api('POST', `/api/tickets/${first.ticketId}/messages`, { token: w.agentA.token, body: { text: '您好，已为您重新激活会员卡。', attachments: [upload.body.token] } });
      expect(reply.status).to.equal(201);
      const out = await expectEventually(() => { expect(sent).to.have.length(2); return sent[1]!; }, 10_000);
      expect(out.to && 'value' in out.to ? out.to.value[0]!.address : null).to.equal('li.lei@example.com');
      expect(out.subject).to.match(/^Re: \[MD-\d{6}\] 会员卡无法使用$/);
      expect(out.inReplyTo).to.equal('<member-1@example.com>');
      expect(out.headers.get('x-auto-response-suppress')).to.equal('All');
      expect(out.headers.has('auto-submitted')).to.equal(false);
      expect(out.text).to.contain('已为您重新激活会员卡');
      expect(out.attachments.map((a) => a.filename)).to.deep.equal(['激活说明.txt']);
      expect(out.attachments[0]!.content.toString('utf8')).to.equal('激活步骤：1. 打开 App 2. 出示会员码');
      await expectEventually(async () => {
        const t = await w.api('GET', `/api/tickets/${first.ticketId}`, { token: w.agentA.token });
        expect(t.body.messages.at(-1).deliveryState).to.equal('sent');
        expect(t.body.firstResponseAt).to.be.a('string');
      });

      // The member answers our mail: their client quotes our signed Message-ID.
      const back = await w.services.emailInbound.receive(mailbox, raw('<member-2@example.com>', `In-Reply-To: ${out.messageId}\r\nReferences: <member-1@example.com> ${out.messageId}\r\n`, '谢谢，可以用了。'));
      expect(back.stored && back.ticketId).to.equal(first.ticketId);
      // Someone else replying to the same mail (a forwarded copy) does not join the member's ticket.
      const forwarded = Buffer.from(`From: other@example.com\r\nTo: service@desk.example\r\nSubject: Re: 会员卡\r\nMessage-ID: <other-1@example.com>\r\nIn-Reply-To: ${out.messageId}\r\n\r\nme too\r\n`);
      const other = await w.services.emailInbound.receive(mailbox, forwarded);
      expect(other.stored && other.ticketId).not.to.equal(first.ticketId);
    });

    it('ties a hard bounce of our mail to its delivery and flags the member\'s address', async () => {
      const mailbox = (await w.services.db.read((m) => m.findOneByOrFail(Mailbox, { address: 'service@desk.example' })));
      const first = await w.services.emailInbound.receive(mailbox, Buffer.from('From: gone@example.com\r\nTo: service@desk.example\r\nSubject: hello\r\nMessage-ID: <gone-1@example.com>\r\n\r\nhi\r\n'));
      if (!first.stored) throw new Error('not stored');
      const before = sent.length;
      await w.api('POST', `/api/tickets/${first.ticketId}/messages`, { token: w.agentA.token, body: { text: 'Hello again' } });
      const out = await expectEventually(() => { const r = sent.slice(before).filter((m) => !m.headers.has('auto-submitted')); expect(r).to.have.length(1); return r[0]!; }, 10_000);
      const dsn = [
        'From: MAILER-DAEMON@mx.example.net', 'To: service@desk.example', 'Subject: Undelivered Mail Returned to Sender', 'Message-ID: <bounce-1@mx.example.net>',
        'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
        '--B', 'Content-Type: text/plain', '', 'Your message could not be delivered.', '',
        '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '',
        'Final-Recipient: rfc822; gone@example.com', 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '',
        '--B', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${out.messageId}`, 'Subject: Re: hello', '', '--B--', '',
      ].join('\r\n');
      const outcome = await w.services.emailInbound.receive(mailbox, Buffer.from(dsn));
      expect(outcome).to.deep.equal({ stored: false, ignored: 'bounce' });
      const ticket = await w.api('GET', `/api/tickets/${first.ticketId}`, { token: w.supervisorA.token });
      const reply = ticket.body.messages.find((m: { text: string }) => m.text === 'Hello again');
      expect(reply.deliveryState).to.equal('failed');
      expect(ticket.body.member.identities[0]).to.have.property('bouncedAt').that.is.a('string');
      const events = (await w.api('GET', `/api/tickets/${first.ticketId}/events`, { token: w.supervisorA.token })).body.items;
      expect(events.find((e: { type: string }) => e.type === 'delivery.failed').data.reason).to.contain('5.1.1');
    });
  });
}
