import type { SMTPTransportOptions } from 'nodemailer';
import { ChannelSendError } from '../../channels/channel.js';
import { isSingleAddress, SmtpSender, type SmtpTransport } from '../../channels/email/smtp.js';
import { alertEmail } from './alert-email.js';
import { PermanentNotifyError, type Notifier, type OutgoingNotification } from './notification.js';

export interface EmailNotifierOptions {
  /** nodemailer SMTP options (host, port, secure, auth, ignoreTLS…), or a transport shared with member mail. */
  transport: SMTPTransportOptions | SmtpTransport;
  from: { address: string; name: string };
}

/** Sends SLA alert emails to department contacts. */
export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly smtp: SmtpSender;

  constructor(private readonly options: EmailNotifierOptions) {
    this.smtp = new SmtpSender(options.transport);
  }

  async send(n: OutgoingNotification): Promise<{ providerRef: string | null }> {
    const to = n.target.trim();
    // A staff address from the agent table, as one bare address: a list would mail other people.
    if (!isSingleAddress(to)) throw new PermanentNotifyError('invalid staff email address');
    const { subject, text, html } = alertEmail(n.payload);
    try {
      const info = await this.smtp.send({
        from: this.options.from, to: { address: to, name: n.payload.contact.name }, subject, text, html,
        headers: {
          // RFC 3834: no person wrote this; vacation responders and ticket systems must not answer it.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-MemberDesk-Alert': String(n.payload.alertId),
        },
      });
      return { providerRef: info.messageId };
    } catch (err) {
      // One classification for SMTP replies across the app: 5xx (but 503) is final, a refused recipient too, the rest is retried.
      if (err instanceof ChannelSendError) throw err.permanent ? new PermanentNotifyError(err.message) : new Error(err.message);
      throw err;
    }
  }

  /** Releases pooled connections of a transport built from options (see SmtpSender). */
  close(): void {
    this.smtp.close();
  }
}
