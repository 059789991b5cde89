import nodemailer from 'nodemailer';
import type { Mail, NodemailerError, SendMailOptions, SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer';
import { formatTicketNumber } from '../../server/tickets/status.js';
import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type OutboundMessage } from '../channel.js';
import { bodyMarker, normaliseSubject, ourMessageId, parseMessageIds, subjectWithTicketNumber, type ThreadingSecret } from './threading.js';

/**
 * What the server puts in `OutboundMessage.meta.email` for a reply: the ids of the mail being
 * answered, so the member's client threads our reply under it.
 */
export interface EmailThreadMeta {
  inReplyTo?: string;
  references?: string[];
}

export interface EmailAdapterOptions {
  transport: SMTPTransportOptions;
  from: { address: string; name: string };
  /** Signs Message-IDs and body markers; the inbound side verifies with the same secret(s). */
  secret: ThreadingSecret;
  /** Right-hand side of our Message-IDs, normally the support mailbox's domain. */
  domain: string;
}

/**
 * nodemailer waits up to 2 min to connect and 10 min on an idle socket by default. The delivery
 * worker sends one row after another and its claim on a row lasts 60 s, so a hung server would
 * stall every channel's queue and let another process claim and send the same row again.
 */
const TRANSPORT_DEFAULTS: SMTPTransportOptions = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  // We never attach files or URLs; refusing them closes a path to reading local files.
  disableFileAccess: true,
  disableUrlAccess: true,
};

/**
 * One bare address only. Member addresses are validated loosely at intake, and nodemailer would
 * read "a@x.com, b@y.com" or "Name <b@y.com>" as other recipients, so a reply could leak.
 */
const SINGLE_ADDRESS_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export class EmailAdapter implements ChannelAdapter {
  readonly kind = 'email' as const;
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(private readonly options: EmailAdapterOptions) {
    // Fail at boot, not on every send, when the secret is empty or the domain unusable.
    ourMessageId({ ticketId: 1, messageId: 1, secret: options.secret, domain: options.domain });
    this.transport = nodemailer.createTransport({ ...TRANSPORT_DEFAULTS, ...options.transport });
  }

  describe(): ChannelDescription {
    return {
      kind: 'email',
      name: { en: 'Email', 'zh-CN': '电子邮件' },
      sendsText: true,
      settings: [
        { key: 'smtp.host', label: 'SMTP host' },
        { key: 'smtp.port', label: 'SMTP port' },
        { key: 'smtp.user', label: 'SMTP user' },
        { key: 'smtp.password', label: 'SMTP password', secret: true },
        { key: 'from', label: 'From address' },
      ],
    };
  }

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    const mail = this.compose(message);
    let info: SMTPSentMessageInfo;
    try {
      info = await this.transport.sendMail(mail);
    } catch (err) {
      throw classifySmtpError(err);
    }
    // With one recipient a refusal normally arrives as an error; this guards the partial-accept path.
    if (info.rejected.length) throw new ChannelSendError(`recipient refused: ${redactAddresses(info.response)}`, true);
    return { providerId: mail.messageId };
  }

  /** Releases pooled connections, if the transport options asked for a pool. */
  close(): void {
    this.transport.close();
  }

  private compose(message: OutboundMessage): SendMailOptions & { messageId: string } {
    const to = message.to?.kind === 'email' ? message.to.value.trim() : '';
    if (!to) throw new ChannelSendError('no email address', true);
    if (!SINGLE_ADDRESS_RE.test(to)) throw new ChannelSendError('invalid email address', true);

    const { secret, domain, from } = this.options;
    const number = message.ticketNumber || formatTicketNumber(message.ticketId);
    const thread = readThreadMeta(message.meta);
    const inReplyTo = thread.inReplyTo ? parseMessageIds(thread.inReplyTo)[0] : undefined;
    // RFC 5322 §3.6.4: References = the parent's References plus the parent's own id.
    const references = [...new Set([...(thread.references ?? []).flatMap(parseMessageIds), ...(inReplyTo ? [inReplyTo] : [])])];
    const subject = subjectWithTicketNumber(normaliseSubject(message.subject), number);
    const text = `${message.text.replace(/\s+$/, '')}\n\n${bodyMarker({ ticketId: message.ticketId, secret })}\n`;

    const headers: Record<string, string> = {
      // Asks Exchange/Outlook not to answer with out-of-office and similar, which would loop back in.
      'X-Auto-Response-Suppress': 'All',
      'X-MemberDesk-Ticket': number,
    };
    // RFC 3834: only mail no person wrote is auto-replied; an agent's reply must look like one.
    if (message.meta?.['automatic'] === true) headers['Auto-Submitted'] = 'auto-replied';

    return {
      from: { address: from.address, name: from.name },
      to: { address: to, name: '' },
      subject: inReplyTo ? `Re: ${subject}` : subject,
      // Deterministic per message, so a retried send after a lost 250 reply is the same mail to clients.
      messageId: ourMessageId({ ticketId: message.ticketId, messageId: message.messageId, secret, domain }),
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length ? { references } : {}),
      headers,
      text,
      html: textToHtml(text),
      ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.name, contentType: a.contentType, content: a.content })) } : {}),
    };
  }
}

/** Reads `meta.email` defensively: meta is JSON from the database, not a typed value. */
export function readThreadMeta(meta: Record<string, unknown> | null): EmailThreadMeta {
  const email = meta?.['email'];
  if (typeof email !== 'object' || email === null) return {};
  const { inReplyTo, references } = email as Record<string, unknown>;
  return {
    ...(typeof inReplyTo === 'string' && inReplyTo ? { inReplyTo } : {}),
    ...(Array.isArray(references) ? { references: references.filter((r): r is string => typeof r === 'string') } : {}),
  };
}

function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><body><div style="white-space:pre-wrap">${escaped}</div></body></html>`;
}

/** Failures of the connection itself: nothing was refused, the same mail can go through later. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROXY', 'EAUTH', 'ENOAUTH']);

/**
 * Permanent = retrying the same mail gets the same answer: a 5xx reply (except 503, "bad sequence",
 * a session-state problem) or an envelope nodemailer itself refused. Connection and login failures
 * and 4xx replies are transient; so is anything unknown, since the worker's attempt limit caps it.
 * Login failures (535) count as transient on purpose: the mail is fine and an admin fixing the
 * password should let the queue drain rather than find every reply failed.
 */
export function classifySmtpError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  const e: NodemailerError = err instanceof Error ? err : new Error(String(err));
  const reason = redactAddresses(e.response ?? e.message);
  if (e.code && CONNECTION_CODES.has(e.code)) return new ChannelSendError(`SMTP ${e.code}: ${reason}`, false);
  if (typeof e.responseCode === 'number') {
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return new ChannelSendError(`SMTP ${e.command ? `${e.command} ` : ''}refused: ${reason}`, permanent);
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMAXRECIPIENTS') return new ChannelSendError(`invalid recipient: ${reason}`, true);
  return new ChannelSendError(`SMTP ${e.code ?? 'error'}: ${reason}`, false);
}

/**
 * Servers echo the recipient ("550 5.1.1 <ann@example.com>: User unknown"), and the worker stores
 * and logs this text as delivery.lastError, where member addresses must never be in plaintext.
 */
function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
