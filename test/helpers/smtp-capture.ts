import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface SmtpCapture {
  port: number;
  /** Every accepted mail, parsed; onData answers only after parsing, so a resolved send is in here. */
  received: ParsedMail[];
  close(): Promise<void>;
}

/**
 * A local SMTP server that keeps what it accepts. Recipients `gone@…` are refused for good (550),
 * `busy@…` for now (451), like a real MTA would.
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'], // its built-in certificate has expired (STACK-NOTES §6)
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('gone@')) return cb(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected`));
      if (address.address.startsWith('busy@')) return cb(smtpError(451, '4.2.0 Mailbox busy, try later'));
      cb();
    },
    onData(stream, _session, cb) { simpleParser(stream).then((m) => { received.push(m); cb(); }, cb); },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** smtp-server's rejection: responseCode is what the client sees. */
function smtpError(code: number, text: string): SMTPServerError {
  return Object.assign(new Error(text), { responseCode: code });
}
