import nodemailer from 'nodemailer';
import type { Mail, SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer';
import { classifySmtpError } from '../../channels/email/email.adapter.js';
import { alertEmail } from './alert-email.js';
import { PermanentNotifyError, type Notifier, type OutgoingNotification } from './notification.js';

export interface EmailNotifierOptions {
  /** nodemailer SMTP options: host, port, secure, auth, ignoreTLS… */
  transport: SMTPTransportOptions;
  from: { address: string; name: string };
}

/** A staff address from the agent table, as one bare address: a list would mail other people. */
const SINGLE_ADDRESS_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Sends SLA alert emails to department contacts. */
export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(private readonly options: EmailNotifierOptions) {
    // nodemailer's defaults wait minutes on a hung server, longer than the worker's 60 s claim.
    this.transport = nodemailer.createTransport({
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
      disableFileAccess: true, disableUrlAccess: true,
      ...options.transport,
    });
  }

  async send(n: OutgoingNotification): Promise<{ providerRef: string | null }> {
    const to = n.target.trim();
    if (!SINGLE_ADDRESS_RE.test(to)) throw new PermanentNotifyError('invalid staff email address');
    const { subject, text, html } = alertEmail(n.payload);
    let info: SMTPSentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.options.from, to: { address: to, name: n.payload.contact.name }, subject, text, html,
        headers: {
          // RFC 3834: no person wrote this; vacation responders and ticket systems must not answer it.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-MemberDesk-Alert': String(n.payload.alertId),
        },
      });
    } catch (err) {
      // One classification for SMTP replies across the app: 5xx (but 503) is final, the rest is retried.
      const e = classifySmtpError(err);
      throw e.permanent ? new PermanentNotifyError(e.message) : new Error(e.message);
    }
    // With one recipient a refusal normally arrives as an error; this guards the partial-accept path.
    if (info.rejected.length) throw new PermanentNotifyError('recipient refused');
    return { providerRef: info.messageId };
  }

  /** Releases pooled connections, if the transport options asked for a pool. */
  close(): void {
    this.transport.close();
  }
}
