import nodemailer from 'nodemailer';
import type { Mail, NodemailerError, SendMailOptions, SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer';
import { ChannelSendError } from '../channel.js';

/** Outgoing SMTP, shared by member mail (EmailAdapter) and staff alerts (EmailNotifier). */
export type SmtpTransport = Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

/**
 * nodemailer waits up to 2 min to connect and 10 min on an idle socket by default. The outbox
 * workers send one row after another and their claim on a row lasts 60 s, so a hung server would
 * stall every queue and let another process claim and send the same row again.
 */
export const TRANSPORT_DEFAULTS: SMTPTransportOptions = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  // We never attach files or URLs by path; refusing them closes a path to reading local files.
  disableFileAccess: true,
  disableUrlAccess: true,
};

/** A nodemailer SMTP transport with our defaults; `options` override them. */
export function createSmtpTransport(options: SMTPTransportOptions): SmtpTransport {
  return nodemailer.createTransport({ ...TRANSPORT_DEFAULTS, ...options });
}

/**
 * One sender's hold on a transport: built from options (then the sender owns it and `close()`
 * closes it), or one already built and shared (then whoever built it closes it). A nodemailer
 * transport keeps no per-message state and serves concurrent sendMail calls, so senders may share one.
 */
export class SmtpSender {
  private readonly transport: SmtpTransport;
  private readonly owned: boolean;

  constructor(given: SMTPTransportOptions | SmtpTransport) {
    this.owned = !isTransport(given);
    this.transport = isTransport(given) ? given : createSmtpTransport(given);
  }

  send(mail: SendMailOptions): Promise<SMTPSentMessageInfo> {
    return sendOneMail(this.transport, mail);
  }

  /** Releases pooled connections, if the transport options asked for a pool; a shared transport is left to its builder. */
  close(): void {
    if (this.owned) this.transport.close();
  }
}

function isTransport(value: SMTPTransportOptions | SmtpTransport): value is SmtpTransport {
  return typeof (value as Partial<SmtpTransport>).sendMail === 'function';
}

/**
 * One bare address only. Addresses are validated loosely where they are entered (members at intake,
 * staff in the agent table), and nodemailer would read "a@x.com, b@y.com" or "Name <b@y.com>" as
 * other recipients, so a mail could leak.
 */
const SINGLE_ADDRESS_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function isSingleAddress(address: string): boolean {
  return SINGLE_ADDRESS_RE.test(address);
}

/**
 * Sends one mail to one recipient. Every failure is a ChannelSendError classified by
 * `classifySmtpError`; a recipient the server refused is a permanent one.
 */
export async function sendOneMail(transport: SmtpTransport, mail: SendMailOptions): Promise<SMTPSentMessageInfo> {
  let info: SMTPSentMessageInfo;
  try {
    info = await transport.sendMail(mail);
  } catch (err) {
    throw classifySmtpError(err);
  }
  // With one recipient a refusal normally arrives as an error; this guards the partial-accept path.
  if (info.rejected.length) throw new ChannelSendError(`recipient refused: ${redactAddresses(info.response)}`, true);
  return info;
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
 * Servers echo the recipient ("550 5.1.1 <ann@example.com>: User unknown"), and the workers store
 * and log this text as lastError, where addresses must never be in plaintext.
 */
function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
