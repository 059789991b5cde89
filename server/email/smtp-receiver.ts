import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerEnvelope, type SMTPServerError } from 'smtp-server';
import type { Mailbox } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';

/** What the receiver needs of the services (the real `Services` fits; tests may pass a stand-in). */
export interface SmtpReceiverServices {
  mailboxes: Pick<Services['mailboxes'], 'entityByAddress'>;
  emailInbound: Pick<Services['emailInbound'], 'receive'>;
}

export interface SmtpReceiverOptions {
  port: number;
  /** Interface to listen on; all interfaces when omitted. */
  host?: string;
  /** Largest message accepted, in bytes; larger ones are answered 552. */
  maxBytes?: number;
}

export const DEFAULT_SMTP_MAX_BYTES = 40 * 1024 * 1024;
/** How long `stop()` lets open SMTP sessions finish before they are cut with 421. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Inbound SMTP (ARCHITECTURE §4): mail for our active mailboxes goes through the same
 * `EmailInboundService.receive` as IMAP polling and piping.
 *
 * - RCPT TO is accepted only for an active mailbox (else `550 5.1.1`), so we never take
 *   responsibility for mail we would have to bounce later.
 * - The 250 after DATA is sent only after `receive` resolved for every accepted recipient, i.e.
 *   after the change committed. A mail to two of our mailboxes is stored in each (dedupe is per
 *   mailbox). Mail that `receive` ignores (auto-replies, bounces, duplicates, unparseable mail kept
 *   for admins) is still accepted with 250: retrying it would not change anything.
 * - Any error while storing answers `451 4.3.0`, so the sending MTA keeps the message and retries;
 *   a retry after a partial success is harmless because of that per-mailbox dedupe.
 *
 * There is no TLS here (STARTTLS is disabled: smtp-server's built-in certificate is expired, and
 * certificate handling belongs to the edge) and no AUTH: run it behind an MTA or a TLS terminator
 * that relays to it, or bind it to a private interface.
 */
export async function startSmtpReceiver(s: SmtpReceiverServices, log: Logger, o: SmtpReceiverOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const maxBytes = o.maxBytes ?? DEFAULT_SMTP_MAX_BYTES;
  /** The mailboxes accepted at RCPT TO, per mail transaction (smtp-server makes a fresh envelope for each). */
  const accepted = new WeakMap<SMTPServerEnvelope, Map<number, Mailbox>>();
  /** Deliveries in progress; `stop()` waits for them so a commit is never cut off by shutdown. */
  const inflight = new Set<Promise<unknown>>();

  const server = new SMTPServer({
    name: 'memberdesk',
    banner: 'MemberDesk inbound mail',
    logger: false,
    authOptional: true,
    // No TLS (see above) and no AUTH: this is a receiver for our own addresses, not a relay.
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: maxBytes,
    maxRecipients: 100,
    closeTimeout: CLOSE_TIMEOUT_MS,

    onRcptTo(address, session, callback) {
      s.mailboxes.entityByAddress(address.address).then((mailbox) => {
        if (!mailbox) return callback(smtpError(550, '5.1.1 no such mailbox here'));
        let forEnvelope = accepted.get(session.envelope);
        if (!forEnvelope) accepted.set(session.envelope, (forEnvelope = new Map()));
        forEnvelope.set(mailbox.id, mailbox);
        callback();
      }, (err: unknown) => {
        log.error('smtp: mailbox lookup failed', { session: session.id, error: describe(err) });
        callback(smtpError(451, '4.3.0 temporary failure, try again'));
      });
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const mailboxes = [...(accepted.get(session.envelope)?.values() ?? [])];
      let chunks: Buffer[] = [];
      let answered = false;
      const answer = (err?: SMTPServerError) => {
        if (answered) return;
        answered = true;
        callback(err ?? null);
      };
      stream.on('data', (chunk: Buffer) => {
        // Keep reading an oversized message to its end (the protocol needs that), but stop keeping it.
        if (stream.sizeExceeded) chunks = [];
        else chunks.push(chunk);
      });
      stream.once('error', (err) => {
        log.error('smtp: reading the message failed', { session: session.id, error: describe(err) });
        answer(smtpError(451, '4.3.0 temporary failure, try again'));
      });
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          log.warn('smtp: message over the size limit refused', { session: session.id, bytes: stream.byteLength, limit: maxBytes });
          return answer(smtpError(552, `5.3.4 message exceeds the size limit of ${maxBytes} bytes`));
        }
        const raw = Buffer.concat(chunks);
        chunks = [];
        const job = (async () => {
          // One after the other: each resolves only after its commit, and all must have committed before 250.
          for (const mailbox of mailboxes) {
            const outcome = await s.emailInbound.receive(mailbox, raw);
            log.info('smtp: message received', {
              session: session.id, mailbox: mailbox.id, bytes: raw.length,
              ...(outcome.stored ? { ticketId: outcome.ticketId, messageId: outcome.messageId, duplicate: outcome.duplicate } : { ignored: outcome.ignored }),
            });
          }
        })();
        inflight.add(job);
        job.then(() => answer(), (err: unknown) => {
          // No addresses or content here: only ids and the error itself.
          log.error('smtp: storing the message failed, answered 451', { session: session.id, mailboxes: mailboxes.map((m) => m.id), error: describe(err) });
          answer(smtpError(451, '4.3.0 temporary failure, try again'));
        }).finally(() => inflight.delete(job));
      });
    },
  });
  // smtp-server re-emits socket and connection errors; without a listener they would crash the process.
  const onError = (err: Error) => log.warn('smtp: connection error', { error: describe(err) });

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    server.listen(o.port, o.host, () => {
      server.off('error', failed);
      server.on('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info('smtp receiver listening', { port, host: o.host ?? '*', maxBytes });

  let stopping: Promise<void> | null = null;
  return {
    port,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled([...inflight]);
      })();
      return stopping;
    },
  };
}

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The error's class and message, cut short, with anything shaped like an email address masked:
 * driver errors may quote values (a Message-ID, an address), and logs never carry contact data.
 */
function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/[^\s<>()'"`,;:@]+@[^\s<>()'"`,;:]+/g, '<address>').slice(0, 300);
}
