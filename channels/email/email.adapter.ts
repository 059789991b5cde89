import type { SendMailOptions, SMTPTransportOptions } from 'nodemailer';
import { formatTicketNumber } from '../../server/tickets/status.js';
import { ChannelSendError, type ChannelAdapter, type ChannelDescription, type OutboundMessage } from '../channel.js';
import { escapeHtml } from './html.js';
import { isSingleAddress, SmtpSender, type SmtpTransport } from './smtp.js';
import { bodyMarker, normaliseSubject, ourMessageId, parseMessageIds, subjectWithTicketNumber, type ThreadingSecret } from './threading.js';

export { classifySmtpError } from './smtp.js';

/**
 * What the server puts in `OutboundMessage.meta.email` for a reply: the ids of the mail being
 * answered, so the member's client threads our reply under it.
 */
export interface EmailThreadMeta {
  inReplyTo?: string;
  references?: string[];
}

export interface EmailAdapterOptions {
  /** SMTP options (the adapter builds and owns its transport), or a transport shared with other senders. */
  transport: SMTPTransportOptions | SmtpTransport;
  from: { address: string; name: string };
  /** Signs Message-IDs and body markers; the inbound side verifies with the same secret(s). */
  secret: ThreadingSecret;
  /** Right-hand side of our Message-IDs, normally the support mailbox's domain. */
  domain: string;
}

export class EmailAdapter implements ChannelAdapter {
  readonly kind = 'email' as const;
  private readonly smtp: SmtpSender;

  constructor(private readonly options: EmailAdapterOptions) {
    // Fail at boot, not on every send, when the secret is empty or the domain unusable.
    ourMessageId({ ticketId: 1, messageId: 1, secret: options.secret, domain: options.domain });
    this.smtp = new SmtpSender(options.transport);
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
    await this.smtp.send(mail);
    return { providerId: mail.messageId };
  }

  /** Releases pooled connections of a transport built from options (see SmtpSender). */
  close(): void {
    this.smtp.close();
  }

  private compose(message: OutboundMessage): SendMailOptions & { messageId: string } {
    const to = message.to?.kind === 'email' ? message.to.value.trim() : '';
    if (!to) throw new ChannelSendError('no email address', true);
    if (!isSingleAddress(to)) throw new ChannelSendError('invalid email address', true);

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
  return `<!doctype html><html><body><div style="white-space:pre-wrap">${escapeHtml(text)}</div></body></html>`;
}
