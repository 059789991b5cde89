import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { loadConfig } from '../../server/config.js';
import { Message, Ticket } from '../../server/db/entities/index.js';
import { startSmtpReceiver, type SmtpReceiverServices } from '../../server/email/smtp-receiver.js';
import { ConfigError } from '../../server/errors.js';
import { createLogger, silentLogger, type Logger } from '../../server/logger.js';
import { startRuntime } from '../../server/runtime.js';
import { ENGINES } from '../helpers/engines.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/email');

interface Sent { accepted: boolean; response?: string; responseCode?: number; error?: Error }

/** One sendMail over a fresh connection (no pooling), as an MTA would deliver; never throws. */
async function send(port: number, mail: SendMailOptions): Promise<Sent> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail(mail);
    return { accepted: true, response: info.response };
  } catch (err) {
    return { accepted: false, responseCode: (err as { responseCode?: number }).responseCode, response: (err as { response?: string }).response, error: err as Error };
  } finally {
    transport.close();
  }
}

function memberMail(o: { to?: string | string[]; messageId: string; subject?: string; text?: string; from?: string }): SendMailOptions {
  return {
    from: o.from ?? 'Li Lei <li.lei@example.com>', to: o.to ?? 'service@desk.example', subject: o.subject ?? '会员卡无法使用',
    text: o.text ?? '门店说我的会员卡无效，请帮忙查一下。', messageId: o.messageId,
  };
}

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', (l) => lines.push(l)), lines };
}

for (const engine of ENGINES) {
  describe(`email SMTP receiver [${engine.name}]`, () => {
    let w: TestWorld;
    let receiver: { port: number; stop(): Promise<void> };
    let service: number;
    let sales: number;
    const logs = capture();

    const messagesOf = (mailboxId: number, messageId: string) =>
      w.services.db.read((m) => m.findBy(Message, { externalId: `${mailboxId}:${messageId}` }));

    before(async () => {
      w = await startWorld(engine);
      service = (await w.services.mailboxes.create({ address: 'service@desk.example', departmentId: w.deptA })).mailbox.id;
      sales = (await w.services.mailboxes.create({ address: 'sales@desk.example', departmentId: w.deptB })).mailbox.id;
      await w.services.mailboxes.create({ address: 'closed@desk.example', departmentId: w.deptA, active: false });
      receiver = await startSmtpReceiver(w.services, logs.log, { port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await receiver?.stop();
      await w?.stop();
    });

    it('answers 250 only after commit: the ticket is there as soon as sendMail resolves', async () => {
      const sent = await send(receiver.port, memberMail({ messageId: '<smtp-first@example.com>' }));
      expect(sent.accepted, String(sent.error)).to.equal(true);
      expect(sent.response).to.match(/^250 /);
      // No waiting: the 250 came after the commit.
      const stored = await messagesOf(service, '<smtp-first@example.com>');
      expect(stored).to.have.length(1);
      const ticket = await w.services.db.read((m) => m.findOneBy(Ticket, { id: stored[0]!.ticketId }));
      expect(ticket).to.not.equal(null);
      expect(ticket!.departmentId).to.equal(w.deptA);
      expect(stored[0]!.text).to.contain('会员卡无效');
    });

    it('refuses an unknown or inactive address at RCPT TO with 550 5.1.1', async () => {
      for (const to of ['nobody@desk.example', 'closed@desk.example']) {
        const sent = await send(receiver.port, memberMail({ to, messageId: `<smtp-unknown-${to.split('@')[0]}@example.com>` }));
        expect(sent.accepted, to).to.equal(false);
        expect(sent.responseCode, to).to.equal(550);
        expect(sent.response, to).to.contain('5.1.1 no such mailbox here');
      }
    });

    it('matches the recipient address case-insensitively', async () => {
      const sent = await send(receiver.port, memberMail({ to: 'Service@Desk.Example', messageId: '<smtp-case@example.com>' }));
      expect(sent.accepted, String(sent.error)).to.equal(true);
      expect(await messagesOf(service, '<smtp-case@example.com>')).to.have.length(1);
    });

    it('stores a mail sent twice once (dedupe per mailbox), and answers 250 both times', async () => {
      const mail = memberMail({ messageId: '<smtp-twice@example.com>', subject: '积分没有到账', text: '请帮忙查一下积分。' });
      const first = await send(receiver.port, mail);
      const second = await send(receiver.port, mail);
      expect(first.accepted, String(first.error)).to.equal(true);
      expect(second.accepted, String(second.error)).to.equal(true);
      expect(await messagesOf(service, '<smtp-twice@example.com>')).to.have.length(1);
    });

    it('stores a mail to two of our mailboxes in each, and still accepts it with one unknown recipient among them', async () => {
      const sent = await send(receiver.port, memberMail({ to: ['service@desk.example', 'sales@desk.example', 'nobody@desk.example'], messageId: '<smtp-both@example.com>' }));
      // nodemailer delivers to the accepted recipients and reports the refused one.
      expect(sent.accepted, String(sent.error)).to.equal(true);
      expect(await messagesOf(service, '<smtp-both@example.com>')).to.have.length(1);
      expect(await messagesOf(sales, '<smtp-both@example.com>')).to.have.length(1);
    });

    it('answers 451 4.3.0 when storing fails, so the sender retries; the retry is stored; the log names no address', async () => {
      let failures = 0;
      const flaky: SmtpReceiverServices = {
        mailboxes: w.services.mailboxes,
        emailInbound: {
          receive: async (mailbox, raw) => {
            if (failures++ === 0) throw new Error('db down while storing li.lei@example.com');
            return w.services.emailInbound.receive(mailbox, raw);
          },
        },
      };
      const flakyLogs = capture();
      const other = await startSmtpReceiver(flaky, flakyLogs.log, { port: 0, host: '127.0.0.1' });
      try {
        const mail = memberMail({ messageId: '<smtp-retry@example.com>', subject: '退款进度' });
        const first = await send(other.port, mail);
        expect(first.accepted).to.equal(false);
        expect(first.responseCode).to.equal(451);
        expect(first.response).to.contain('4.3.0 temporary failure, try again');
        expect(await messagesOf(service, '<smtp-retry@example.com>')).to.have.length(0);

        const retry = await send(other.port, mail);
        expect(retry.accepted, String(retry.error)).to.equal(true);
        expect(await messagesOf(service, '<smtp-retry@example.com>')).to.have.length(1);
      } finally {
        await other.stop();
      }
      const failed = flakyLogs.lines.filter((l) => l.includes('storing the message failed'));
      expect(failed).to.have.length(1);
      expect(failed[0]).to.contain('db down');
      for (const line of [...flakyLogs.lines, ...logs.lines]) expect(line).not.to.match(/@(example\.com|desk\.example)/);
    });

    it('accepts a bounce (null sender, raw fixture) with 250 and opens no ticket', async () => {
      const raw = await readFile(path.join(FIXTURES, 'postalmime__bounce.eml'));
      const before = await w.services.db.read((m) => m.count(Ticket));
      const seen = logs.lines.length;
      const sent = await send(receiver.port, { envelope: { from: '', to: ['service@desk.example'] }, raw });
      expect(sent.accepted, String(sent.error)).to.equal(true);
      expect(sent.response).to.match(/^250 /);
      expect(await w.services.db.read((m) => m.count(Ticket))).to.equal(before);
      // It went through receive and was recognised as a bounce, not refused or kept as unparseable.
      expect(logs.lines.slice(seen).map((l) => JSON.parse(l) as { ignored?: string }).map((l) => l.ignored)).to.include('bounce');
    });

    it('refuses a message over the size limit with 552 and stores nothing', async () => {
      const small = await startSmtpReceiver(w.services, silentLogger, { port: 0, host: '127.0.0.1', maxBytes: 4096 });
      try {
        const sent = await send(small.port, memberMail({ messageId: '<smtp-big@example.com>', text: '很长的信。'.repeat(2000) }));
        expect(sent.accepted).to.equal(false);
        expect(sent.responseCode).to.equal(552);
        expect(sent.response).to.match(/^552 .*size limit of 4096 bytes/);
        expect(await messagesOf(service, '<smtp-big@example.com>')).to.have.length(0);
        // The connection is still usable for a mail under the limit.
        const ok = await send(small.port, memberMail({ messageId: '<smtp-small@example.com>', text: 'short' }));
        expect(ok.accepted, String(ok.error)).to.equal(true);
        expect(await messagesOf(service, '<smtp-small@example.com>')).to.have.length(1);
      } finally {
        await small.stop();
      }
    });
  });
}

describe('MEMBERDESK_SMTP_LISTEN', () => {
  it('is off when unset, takes a port or host:port, and refuses anything else', () => {
    expect(loadConfig({}).smtpListen).to.equal(null);
    expect(loadConfig({ MEMBERDESK_SMTP_LISTEN: '' }).smtpListen).to.equal(null);
    expect(loadConfig({ MEMBERDESK_SMTP_LISTEN: '2525' }).smtpListen).to.deep.equal({ host: '0.0.0.0', port: 2525 });
    expect(loadConfig({ MEMBERDESK_SMTP_LISTEN: '127.0.0.1:2525' }).smtpListen).to.deep.equal({ host: '127.0.0.1', port: 2525 });
    expect(loadConfig({ MEMBERDESK_SMTP_LISTEN: '[::1]:2525' }).smtpListen).to.deep.equal({ host: '::1', port: 2525 });
    expect(loadConfig({ MEMBERDESK_SMTP_LISTEN: 'mx.internal:25' }).smtpListen).to.deep.equal({ host: 'mx.internal', port: 25 });
    for (const bad of ['smtp://127.0.0.1:2525', '127.0.0.1:', 'abc', '1:2:3', '99999']) {
      expect(() => loadConfig({ MEMBERDESK_SMTP_LISTEN: bad }), bad).to.throw(ConfigError, /MEMBERDESK_SMTP_LISTEN/);
    }
  });

  it('starts the receiver with the runtime and stops it with it', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'md-smtp-'));
    try {
      const runtime = await startRuntime(loadConfig({
        PORT: '0', HOST: '127.0.0.1', MEMBERDESK_DATA_DIR: dataDir, MEMBERDESK_DEMO: '0', MEMBERDESK_SMTP_LISTEN: `127.0.0.1:${port}`,
      }), silentLogger, { print: () => {} });
      let stopped = false;
      try {
        const dept = (await runtime.services.departments.list())[0]?.id ?? (await runtime.services.departments.create({ name: 'Service', isDefault: true })).id;
        await runtime.services.mailboxes.create({ address: 'service@desk.example', departmentId: dept });
        const sent = await send(port, memberMail({ messageId: '<smtp-runtime@example.com>' }));
        expect(sent.accepted, String(sent.error)).to.equal(true);
        await runtime.stop();
        stopped = true;
        const after = await send(port, memberMail({ messageId: '<smtp-runtime-2@example.com>' }));
        expect(after.accepted).to.equal(false);
        expect((after.error as NodeJS.ErrnoException).code).to.equal('ESOCKET');
      } finally {
        if (!stopped) await runtime.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
