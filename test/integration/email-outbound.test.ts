import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { ChannelSendError, type OutboundMessage } from '../../channels/channel.js';
import { classifySmtpError, EmailAdapter, type EmailThreadMeta } from '../../channels/email/email.adapter.js';
import { findBodyMarker, verifyOurMessageId } from '../../channels/email/threading.js';

const secret = 'outbound-test-secret';
const domain = 'helpdesk.test';

function outbound(over: Partial<OutboundMessage> & { email?: EmailThreadMeta; automatic?: boolean } = {}): OutboundMessage {
  const { email, automatic, ...rest } = over;
  return {
    deliveryId: 1, channel: 'email', ticketId: 42, ticketNumber: 'MD-000042', messageId: 7,
    to: { kind: 'email', value: 'member@example.com' },
    subject: 'Card not received', text: 'Your card was posted today.\nRegards',
    meta: { ...(email ? { email } : {}), ...(automatic !== undefined ? { automatic } : {}) },
    ...rest,
  };
}


function refs(mail: ParsedMail): string[] {
  const r = mail.references;
  return r === undefined ? [] : Array.isArray(r) ? r : [r]; // mailparser: a string for one id
}

describe('email channel: outbound over SMTP', () => {
  let smtp: SmtpCapture;
  let adapter: EmailAdapter;

  before(async () => {
    smtp = await startSmtpCapture();
    const { port } = smtp;
    adapter = new EmailAdapter({
      transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true },
      from: { address: 'support@helpdesk.test', name: 'MemberDesk Support' },
      secret, domain,
    });
  });

  after(async () => {
    adapter.close();
    await smtp.close();
  });

  // onData answers only after parsing, so a resolved send means the mail is in `received`.
  async function sendAndReceive(msg: OutboundMessage): Promise<{ providerId: string; mail: ParsedMail }> {
    const before = smtp.received.length;
    const { providerId } = await adapter.send(msg);
    expect(smtp.received).to.have.length(before + 1);
    return { providerId, mail: smtp.received[smtp.received.length - 1]! };
  }

  it('describes itself as the email channel with a secret SMTP password', () => {
    const d = adapter.describe();
    expect(d.kind).to.equal('email');
    expect(d.name).to.deep.equal({ en: 'Email', 'zh-CN': '电子邮件' });
    expect(d.sendsText).to.equal(true);
    expect(d.settings.map((s) => s.key)).to.deep.equal(['smtp.host', 'smtp.port', 'smtp.user', 'smtp.password', 'from']);
    expect(d.settings.find((s) => s.key === 'smtp.password')?.secret).to.equal(true);
  });

  it('refuses to start with an empty secret rather than sign with it', () => {
    expect(() => new EmailAdapter({ transport: {}, from: { address: 'support@helpdesk.test', name: 'S' }, secret: '', domain })).to.throw(/secret/);
  });

  it('sends an agent reply threaded under the member mail, signed and marked', async () => {
    const email = { inReplyTo: '<orig-2@example.com>', references: ['<orig-1@example.com>', '<orig-2@example.com>'] };
    const { providerId, mail } = await sendAndReceive(outbound({ email, subject: 'Re: Card not received' }));

    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).to.deep.equal(['member@example.com']);
    expect(mail.from?.value[0]).to.deep.include({ address: 'support@helpdesk.test', name: 'MemberDesk Support' });
    expect(mail.subject).to.equal('Re: [MD-000042] Card not received');
    expect(mail.messageId).to.equal(providerId);
    expect(verifyOurMessageId(mail.messageId!, secret)).to.deep.equal({ ticketId: 42, messageId: 7 });
    expect(mail.inReplyTo).to.equal('<orig-2@example.com>');
    expect(refs(mail)).to.deep.equal(['<orig-1@example.com>', '<orig-2@example.com>']);
    expect(mail.text).to.contain('Your card was posted today.');
    expect(findBodyMarker(mail.text ?? '', secret)).to.equal(42);
    expect(mail.html).to.be.a('string');
    expect(findBodyMarker(mail.html || '', secret)).to.equal(42);
    expect(mail.headers.get('x-auto-response-suppress')).to.equal('All');
    expect(mail.headers.get('x-memberdesk-ticket')).to.equal('MD-000042');
    expect(mail.headers.has('auto-submitted')).to.equal(false);
  });

  it('marks automatic mail Auto-Submitted and sends a first mail without Re: or thread headers', async () => {
    const { mail } = await sendAndReceive(outbound({ automatic: true, messageId: 8 }));
    expect(mail.headers.get('auto-submitted')).to.equal('auto-replied');
    expect(mail.subject).to.equal('[MD-000042] Card not received');
    expect(mail.inReplyTo).to.equal(undefined);
    expect(refs(mail)).to.deep.equal([]);
    expect(verifyOurMessageId(mail.messageId!, secret)).to.deep.equal({ ticketId: 42, messageId: 8 });
  });

  it('adds the replied-to id to References when the server gave only In-Reply-To', async () => {
    const { mail } = await sendAndReceive(outbound({ email: { inReplyTo: '<only@example.com>' } }));
    expect(refs(mail)).to.deep.equal(['<only@example.com>']);
  });

  it('keeps a Chinese subject and body intact', async () => {
    const { mail } = await sendAndReceive(outbound({ subject: '回复: 会员卡未收到', text: '您好，会员卡已寄出。' }));
    expect(mail.subject).to.equal('[MD-000042] 会员卡未收到');
    expect(mail.text).to.contain('您好，会员卡已寄出。');
  });

  it('escapes the text in the HTML alternative', async () => {
    const { mail } = await sendAndReceive(outbound({ text: 'Use <b>code</b> & "save"' }));
    expect(mail.html).to.contain('&#60;b&#62;code&#60;/b&#62; &#38; &#34;save&#34;');
    expect(mail.html).not.to.contain('<b>code</b>');
  });

  async function sendError(msg: OutboundMessage, via = adapter): Promise<ChannelSendError> {
    try {
      await via.send(msg);
    } catch (err) {
      expect(err).to.be.instanceOf(ChannelSendError);
      return err as ChannelSendError;
    }
    return expect.fail('send should have failed');
  }

  it('fails permanently without a usable address, before talking to the server', async () => {
    const before = smtp.received.length;
    expect(await sendError(outbound({ to: null }))).to.include({ permanent: true, message: 'no email address' });
    expect(await sendError(outbound({ to: { kind: 'phone', value: '+8613800138000' } }))).to.include({ permanent: true });
    expect(await sendError(outbound({ to: { kind: 'email', value: 'a@example.com, b@evil.test' } }))).to.include({ permanent: true, message: 'invalid email address' });
    expect(smtp.received).to.have.length(before);
  });

  it('fails permanently when the server answers 550 for the recipient', async () => {
    const err = await sendError(outbound({ to: { kind: 'email', value: 'gone@example.com' } }));
    expect(err.permanent).to.equal(true);
    expect(err.message).to.contain('550');
    // The reason ends up in delivery.lastError and the log: no member address in plaintext.
    expect(err.message).not.to.contain('gone@example.com');
  });

  it('fails transiently when the server answers 4xx for the recipient', async () => {
    const err = await sendError(outbound({ to: { kind: 'email', value: 'busy@example.com' } }));
    expect(err.permanent).to.equal(false);
    expect(err.message).to.contain('451');
  });

  it('fails transiently when the server is down', async () => {
    // A port that was just free: listen on 0, note it, close it.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const down = new EmailAdapter({
      transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2_000 },
      from: { address: 'support@helpdesk.test', name: 'MemberDesk Support' },
      secret, domain,
    });
    try {
      const err = await sendError(outbound(), down);
      expect(err.permanent).to.equal(false);
    } finally {
      down.close();
    }
  });
});

describe('email channel: SMTP error classification', () => {
  const nodemailerError = (fields: { code?: string; responseCode?: number; response?: string }): Error => Object.assign(new Error(fields.response ?? 'failed'), fields);

  it('treats 5xx as permanent except 503 (bad sequence: a session problem, not a refusal)', () => {
    expect(classifySmtpError(nodemailerError({ code: 'EMESSAGE', responseCode: 554, response: '554 spam' })).permanent).to.equal(true);
    expect(classifySmtpError(nodemailerError({ code: 'EPROTOCOL', responseCode: 503, response: '503 need MAIL first' })).permanent).to.equal(false);
    expect(classifySmtpError(nodemailerError({ code: 'EENVELOPE', responseCode: 452, response: '452 full' })).permanent).to.equal(false);
  });

  it('keeps login and connection failures transient so a fixed password lets the queue drain', () => {
    expect(classifySmtpError(nodemailerError({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' })).permanent).to.equal(false);
    expect(classifySmtpError(nodemailerError({ code: 'ETIMEDOUT' })).permanent).to.equal(false);
    expect(classifySmtpError(new Error('something odd')).permanent).to.equal(false);
  });

  it('treats an envelope nodemailer refused itself as permanent', () => {
    expect(classifySmtpError(nodemailerError({ code: 'EENVELOPE', response: 'No recipients defined' })).permanent).to.equal(true);
  });
});
