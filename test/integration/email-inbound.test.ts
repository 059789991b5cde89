import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ChannelAdapter } from '../../channels/channel.js';
import { bodyMarker, ourMessageId } from '../../channels/email/threading.js';
import { Delivery, Mailbox, MemberIdentity, Message, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import { EmailInboundService } from '../../server/email/email-inbound.service.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/email');
/** Reports of delivery, reading and abuse: never a ticket. */
const NOISE = ['enmime__multi_recipient_dsn.eml', 'enmime__simple_dsn.eml', 'enmime__delayed_dsn.eml', 'mail__multipart_report_multiple_status.eml',
  'mail__report_530_failed.eml', 'mail__report_422_delayed.eml', 'mailparser__delivery-status.eml', 'postalmime__arf.eml', 'postalmime__bounce.eml', 'webklex__example_bounce.eml'];

function mail(o: { from: string; to?: string; subject: string; messageId?: string; inReplyTo?: string; references?: string; body: string }): Buffer {
  const lines = [`From: ${o.from}`, `To: ${o.to ?? 'service@desk.example'}`, `Subject: ${o.subject}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
  if (o.messageId) lines.push(`Message-ID: ${o.messageId}`);
  if (o.inReplyTo) lines.push(`In-Reply-To: ${o.inReplyTo}`);
  if (o.references) lines.push(`References: ${o.references}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${o.body}\r\n`);
}

/** A hard bounce (5.1.1) of the mail with Message-ID `original`, naming `recipient` in Final-Recipient (or no one). */
function hardBounce(original: string, recipient: string | null): Buffer {
  return Buffer.from([
    'From: MAILER-DAEMON@mx.example.net', 'To: service@desk.example', 'Subject: Undelivered Mail Returned to Sender', `Message-ID: <dsn-${original.slice(1, 30)}@mx.example.net>`,
    'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
    '--B', 'Content-Type: text/plain', '', 'Your message could not be delivered.', '',
    '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '',
    ...(recipient ? [`Final-Recipient: rfc822; ${recipient}`] : []), 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '',
    '--B', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${original}`, 'Subject: Re: hello', '', '--B--', '',
  ].join('\r\n'));
}

for (const engine of ENGINES) {
  describe(`email inbound [${engine.name}]`, () => {
    let w: TestWorld;
    let mailbox: Mailbox;
    let token: string;
    const secret = () => w.services.vault.subKey('email-threading');
    const receive = (raw: Buffer) => w.services.emailInbound.receive(mailbox, raw);

    before(async () => {
      w = await startWorld(engine);
      const created = await w.services.mailboxes.create({ address: 'service@desk.example', departmentId: w.deptA });
      token = created.pipingToken;
      mailbox = (await w.services.mailboxes.entityByAddress('service@desk.example'))!;
    });
    after(async () => { await w.stop(); });

    it('takes every fixture without throwing; reports open no ticket', async () => {
      const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.eml'));
      expect(files.length).to.be.greaterThan(50);
      for (const file of files) {
        const before = await w.services.db.read((m) => m.count(Ticket));
        const outcome = await receive(await readFile(path.join(FIXTURES, file)));
        const after = await w.services.db.read((m) => m.count(Ticket));
        if (NOISE.includes(file)) {
          expect(outcome.stored, file).to.equal(false);
          expect(after, file).to.equal(before);
        }
      }
    });

    it('threads the webklex fixtures as their names say: a reply joins, an unrelated mail of the same sender does not', async () => {
      const fresh = await startWorld(engine);
      try {
        const box = (await fresh.services.mailboxes.create({ address: 'threads@desk.example', departmentId: fresh.deptA })).mailbox;
        const entity = (await fresh.services.db.read((m) => m.findOneByOrFail(Mailbox, { id: box.id })));
        const get = async (name: string) => fresh.services.emailInbound.receive(entity, await readFile(path.join(FIXTURES, name)));
        const topic = await get('webklex__thread_my_topic.eml');
        const reply = await get('webklex__thread_re_my_topic.eml');
        const unrelated = await get('webklex__thread_unrelated.eml');
        if (!topic.stored || !reply.stored || !unrelated.stored) throw new Error('thread fixtures must be stored');
        expect(reply.ticketId).to.equal(topic.ticketId);
        expect(unrelated.ticketId).not.to.equal(topic.ticketId);
      } finally {
        await fresh.stop();
      }
    });

    it('puts a reply to our signed Message-ID or body marker on the ticket, and ignores redelivery', async () => {
      const first = await receive(mail({ from: 'zhang@example.com', subject: '积分没有到账', messageId: '<first-1@example.com>', body: '请帮忙查一下' }));
      if (!first.stored) throw new Error('not stored');
      const ours = ourMessageId({ ticketId: first.ticketId, messageId: 999, secret: secret(), domain: 'desk.example' });
      const reply = await receive(mail({ from: 'zhang@example.com', subject: 'Re: 积分', messageId: '<first-2@example.com>', inReplyTo: ours, body: '谢谢' }));
      expect(reply.stored && reply.ticketId).to.equal(first.ticketId);
      const marked = await receive(mail({ from: 'zhang@example.com', subject: 'no headers', messageId: '<first-3@example.com>', body: `again\n\n> ${bodyMarker({ ticketId: first.ticketId, secret: secret() })}` }));
      expect(marked.stored && marked.ticketId).to.equal(first.ticketId);
      const again = await receive(mail({ from: 'zhang@example.com', subject: 'Re: 积分', messageId: '<first-2@example.com>', inReplyTo: ours, body: '谢谢' }));
      expect(again).to.include({ stored: true, duplicate: true });
      expect(await w.services.db.read((m) => m.countBy(Message, { ticketId: first.ticketId }))).to.equal(3);
    });

    it('reopens a solved ticket on a reply within the window; a reply to a closed one opens a linked follow-up', async () => {
      const first = await receive(mail({ from: 'reopen@example.com', subject: 'Refund', messageId: '<reopen-1@example.com>', body: 'refund please' }));
      if (!first.stored) throw new Error('not stored');
      await w.services.tickets.setStatus(w.admin, first.ticketId, 'solved');
      const again = await receive(mail({ from: 'reopen@example.com', subject: 'Re: Refund', messageId: '<reopen-2@example.com>', inReplyTo: '<reopen-1@example.com>', body: 'not received yet' }));
      expect(again.stored && again.ticketId).to.equal(first.ticketId);
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).status).to.equal('open');

      await w.services.tickets.setStatus(w.admin, first.ticketId, 'solved');
      await w.services.tickets.setStatus(w.admin, first.ticketId, 'closed');
      const late = await receive(mail({ from: 'reopen@example.com', subject: 'Re: Refund', messageId: '<reopen-3@example.com>', inReplyTo: '<reopen-2@example.com>', body: 'one more thing' }));
      if (!late.stored) throw new Error('not stored');
      expect(late.ticketId).not.to.equal(first.ticketId);
      const events = await w.api('GET', `/api/tickets/${late.ticketId}/events`, { token: w.admin.token });
      expect(events.body.items[0].data.followUpOf).to.equal(first.ticketId);
      const old = await w.api('GET', `/api/tickets/${first.ticketId}/events`, { token: w.admin.token });
      expect(old.body.items.at(-1)).to.deep.include({ type: 'ticket.follow_up' });
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).status).to.equal('closed');
    });

    it('shows the new text of a mail apart from its quoted history, keeping both', async () => {
      const body = '新的问题：积分什么时候到账？\n\n在 2026年11月20日 周五 10:00，客服 <service@desk.example> 写道：\n> 您好，已为您处理。\n> 谢谢';
      const res = await receive(mail({ from: 'quote@example.com', subject: 'Re: 积分', messageId: '<quote-1@example.com>', body }));
      if (!res.stored) throw new Error('not stored');
      const ticket = await w.api('GET', `/api/tickets/${res.ticketId}`, { token: w.agentA.token });
      const msg = ticket.body.messages[0];
      expect(msg.fresh.trim()).to.equal('新的问题：积分什么时候到账？');
      expect(msg.quoted).to.contain('您好，已为您处理');
      expect(msg.text).to.contain('您好，已为您处理');
    });

    it('lets someone the member Cc\'d continue the ticket, and nobody else', async () => {
      const cc = Buffer.from('From: boss@example.com\r\nTo: service@desk.example\r\nCc: Assistant <assistant@example.com>\r\nSubject: Corporate account\r\nMessage-ID: <cc-1@example.com>\r\n\r\nplease help\r\n');
      const first = await receive(cc);
      if (!first.stored) throw new Error('not stored');
      const byAssistant = await receive(mail({ from: 'assistant@example.com', subject: 'Re: Corporate account', messageId: '<cc-2@example.com>', inReplyTo: '<cc-1@example.com>', body: 'adding the invoice' }));
      expect(byAssistant.stored && byAssistant.ticketId).to.equal(first.ticketId);
      const number = (await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).number;
      const bySubject = await receive(mail({ from: 'assistant@example.com', subject: `[${number}] one more`, messageId: '<cc-3@example.com>', body: 'and the receipt' }));
      expect(bySubject.stored && bySubject.ticketId).to.equal(first.ticketId);
      const outsider = await receive(mail({ from: 'outsider@example.com', subject: 'Re: Corporate account', messageId: '<cc-4@example.com>', inReplyTo: '<cc-1@example.com>', body: 'me too' }));
      expect(outsider.stored && outsider.ticketId).not.to.equal(first.ticketId);
      const rows = await w.services.db.read((m) => m.query('SELECT * FROM ticket_participant'));
      expect(JSON.stringify(rows)).not.to.contain('assistant@example.com');
      expect(JSON.stringify(rows)).to.contain('a***@example.com');
    });

    it('never lets a stranger quoting a ticket number land on that ticket', async () => {
      const owner = await receive(mail({ from: 'owner@example.com', subject: 'My order', messageId: '<owner-1@example.com>', body: 'where is it' }));
      if (!owner.stored) throw new Error('not stored');
      const number = (await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: owner.ticketId }))).number;
      const own = await receive(mail({ from: 'owner@example.com', subject: `Re: [${number}] My order`, messageId: '<owner-2@example.com>', body: 'still waiting' }));
      expect(own.stored && own.ticketId).to.equal(owner.ticketId);
      const stranger = await receive(mail({ from: 'stranger@example.com', subject: `[${number}] about that ticket`, messageId: '<stranger-1@example.com>', references: '<owner-1@example.com>', body: 'let me in' }));
      expect(stranger.stored && stranger.ticketId).not.to.equal(owner.ticketId);
    });

    it('dedupes a mail without Message-ID on its bytes, and ignores mail from our own addresses', async () => {
      const raw = mail({ from: 'noid@example.com', subject: 'no id', body: 'hello' });
      const a = await receive(raw);
      const b = await receive(raw);
      expect(b).to.include({ stored: true, duplicate: true });
      expect(a.stored && b.stored && a.messageId === b.messageId).to.equal(true);
      expect(await receive(mail({ from: 'service@desk.example', subject: 'loop', messageId: '<loop@desk.example>', body: 'x' }))).to.deep.equal({ stored: false, ignored: 'own_address' });
    });

    it('pipes raw mail over HTTP with the mailbox token or an admin token, never a 5xx', async () => {
      const url = '/api/channels/email/inbound?mailbox=service@desk.example';
      const raw = mail({ from: 'piped@example.com', subject: 'Piped', messageId: '<piped-1@example.com>', body: 'through the MTA' }).toString();
      const stored = await w.api('POST', url, { raw, contentType: 'message/rfc822', headers: { authorization: `Bearer ${token}` } });
      expect(stored.status).to.equal(201);
      expect(stored.body).to.have.keys(['ticketId', 'messageId', 'created']);
      const dup = await w.api('POST', url, { raw, contentType: 'message/rfc822', headers: { authorization: `Bearer ${token}` } });
      expect(dup.status).to.equal(200);
      expect(dup.body.ignored).to.equal('duplicate');
      expect((await w.api('POST', url, { raw, contentType: 'message/rfc822', headers: { authorization: 'Bearer mdp_wrong' } })).status).to.equal(401);
      expect((await w.api('POST', url, { raw, contentType: 'message/rfc822', token: w.agentA.token })).status).to.equal(403);
      const bounce = await readFile(path.join(FIXTURES, 'postalmime__bounce.eml'), 'latin1');
      const ignored = await w.api('POST', url, { raw: bounce, contentType: 'message/rfc822', token: w.admin.token });
      expect(ignored.status).to.equal(200);
      expect(ignored.body.ignored).to.equal('bounce');
      const garbage = await w.api('POST', url, { raw: '\u0000\u0001 not a mail at all', contentType: 'message/rfc822', token: w.admin.token });
      expect(garbage.status).to.equal(200);
      expect(garbage.body.ignored).to.equal('unparseable');
      const failures = await w.api('GET', '/api/channels/email/failures', { token: w.admin.token });
      expect(failures.body.items[0]).to.include({ id: garbage.body.failureId });
    });

    it('keeps attachments in the file store and references them from the message', async () => {
      const outcome = await receive(await readFile(path.join(FIXTURES, 'mail__attachment_nonascii_filename.eml')));
      if (!outcome.stored) throw new Error('not stored');
      const msg = await w.services.db.read((m) => m.findOneByOrFail(Message, { id: outcome.messageId }));
      expect(msg.attachments).to.have.length.greaterThan(0);
      const bytes = await w.services.files.get(msg.attachments![0]!.path);
      expect(bytes.length).to.equal(msg.attachments![0]!.size);
      const download = await fetch(`${w.baseUrl}/api/tickets/${outcome.ticketId}/messages/${outcome.messageId}/attachments/0`, { headers: { authorization: `Bearer ${w.agentA.token}` } });
      expect(download.status).to.equal(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).to.equal(true);
      expect(download.headers.get('content-disposition')).to.match(/^attachment; filename\*=UTF-8''/);
      const hidden = await fetch(`${w.baseUrl}/api/tickets/${outcome.ticketId}/messages/${outcome.messageId}/attachments/0`, { headers: { authorization: `Bearer ${w.agentB.token}` } });
      expect(hidden.status).to.equal(404);
    });

    it('ties a hard bounce to its delivery by the signed Message-ID and flags only the address it names', async () => {
      const fresh = await startWorld(engine);
      try {
        const threading = fresh.services.vault.subKey('email-threading');
        // The far end of the email channel: takes every mail, answers with the Message-ID the real adapter would use.
        const email: ChannelAdapter = {
          kind: 'email',
          describe: () => ({ kind: 'email', name: { en: 'Email (test)', 'zh-CN': '电子邮件（测试）' }, sendsText: true, settings: [] }),
          send: async (o) => ({ providerId: ourMessageId({ ticketId: o.ticketId, messageId: o.messageId, secret: threading, domain: 'desk.example' }) }),
        };
        fresh.services.channels.register(email);
        const box = (await fresh.services.mailboxes.create({ address: 'service@desk.example', departmentId: fresh.deptA, acknowledge: false })).mailbox;
        const entity = await fresh.services.db.read((m) => m.findOneByOrFail(Mailbox, { id: box.id }));
        const { db, tickets, files, clock, log, vault, mailboxes } = fresh.services;
        const inbound = new EmailInboundService({ db, tickets, files, clock, log, secret: threading, vault, mailboxes });

        const first = await inbound.receive(entity, mail({ from: 'old.address@example.com', subject: 'hello', messageId: '<moving-1@example.com>', body: 'hi' }));
        if (!first.stored) throw new Error('not stored');
        const { memberId } = await db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }));
        const reply = async (text: string) => {
          const res = await fresh.api('POST', `/api/tickets/${first.ticketId}/messages`, { token: fresh.agentA.token, body: { text } });
          expect(res.status).to.equal(201);
          const message = await db.read((m) => m.findOneByOrFail(Message, { ticketId: first.ticketId, text }));
          return expectEventually(async () => {
            const d = await db.read((m) => m.findOneByOrFail(Delivery, { messageId: message.id }));
            expect(d.status).to.equal('sent');
            return { messageId: message.id, rfcId: d.providerId! };
          });
        };
        const emailIdentity = () => db.read((m) => m.findOneByOrFail(MemberIdentity, { memberId, kind: 'email' }));

        // Mail to the old address bounces after the member changed it: the new address is not flagged.
        const toOld = await reply('sent to the old address');
        await fresh.services.members.update(memberId, { identities: { email: 'new.address@example.com' } });
        expect(await inbound.receive(entity, hardBounce(toOld.rfcId, 'old.address@example.com'))).to.deep.equal({ stored: false, ignored: 'bounce' });
        expect((await db.read((m) => m.findOneByOrFail(Message, { id: toOld.messageId }))).deliveryState).to.equal('failed');
        expect((await db.read((m) => m.findOneByOrFail(Delivery, { messageId: toOld.messageId }))).status).to.equal('failed');
        const events = await db.read((m) => m.findBy(TicketEvent, { ticketId: first.ticketId, type: 'delivery.failed' }));
        expect(events.map((e) => e.data)).to.deep.equal([{ deliveryId: events[0]!.data['deliveryId'], messageId: toOld.messageId, channel: 'email', reason: 'bounced: 5.1.1 smtp; 550 5.1.1 User unknown' }]);
        expect((await emailIdentity()).bouncedAt).to.equal(null);

        // A bounce naming the member's address flags it.
        const toNew = await reply('sent to the new address');
        await inbound.receive(entity, hardBounce(toNew.rfcId, 'New.Address@example.com'));
        expect((await emailIdentity()).bouncedAt).to.be.instanceOf(Date);

        // A bounce that names no recipient flags the member's email address, as before.
        await db.tx((m) => m.update(MemberIdentity, { memberId, kind: 'email' }, { bouncedAt: null }));
        const unnamed = await reply('bounced without a recipient');
        await inbound.receive(entity, hardBounce(unnamed.rfcId, null));
        expect((await db.read((m) => m.findOneByOrFail(Message, { id: unnamed.messageId }))).deliveryState).to.equal('failed');
        expect((await emailIdentity()).bouncedAt).to.be.instanceOf(Date);
      } finally {
        await fresh.stop();
      }
    });

    it('shows mailbox settings without the IMAP password', async () => {
      const res = await w.api('POST', '/api/channels/email/mailboxes', { token: w.admin.token, body: {
        address: 'imap@desk.example', departmentId: w.deptA, imap: { host: '127.0.0.1', port: 1143, secure: false, user: 'u', password: 's3cret-imap' } } });
      expect(res.status).to.equal(201);
      expect(res.body.pipingToken).to.match(/^mdp_/);
      expect(JSON.stringify(res.body)).not.to.contain('s3cret-imap');
      const raw = await w.services.db.read((m) => m.query('SELECT * FROM mailbox'));
      expect(JSON.stringify(raw)).not.to.contain('s3cret-imap');
      const list = await w.api('GET', '/api/channels/email/mailboxes', { token: w.admin.token });
      expect(list.body.items.find((b: { address: string }) => b.address === 'imap@desk.example').imap.password).to.equal('********');
    });
  });
}
