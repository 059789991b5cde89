import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The acknowledge link in an alert email: names the alert and the contact it was sent to, expires,
 * and is signed, so it cannot be made up or moved to another alert.
 */
function signAckToken(alertId: number, agentId: number, expiresAt: Date, secret: string): string {
  const body = `${alertId}.${agentId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${createHmac('sha256', secret).update(`sla-ack:${body}`).digest('base64url')}`;
}

function verifyAckToken(token: string, now: Date, secret: string): { alertId: number; agentId: number } | null {
  const m = /^(\d{1,12})\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const body = `${m[1]}.${m[2]}.${m[3]}`;
  const expected = Buffer.from(createHmac('sha256', secret).update(`sla-ack:${body}`).digest('base64url'));
  const given = Buffer.from(m[4]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(m[3]) * 1000 < now.getTime()) return null;
  return { alertId: Number(m[1]), agentId: Number(m[2]) };
}

/** A week to act on an alert email; after that the console is the way. */
const ACK_LINK_DAYS = 7;

/** The acknowledge links of alert emails: made by the escalation side, checked by the page they open. */
export class AckLinks {
  constructor(private readonly secret: string, private readonly publicUrl: string, private readonly clock: { now(): Date }) {}

  url(alertId: number, agentId: number): string {
    const expires = new Date(this.clock.now().getTime() + ACK_LINK_DAYS * 86_400_000);
    return `${this.publicUrl}/sla/ack/${signAckToken(alertId, agentId, expires, this.secret)}`;
  }

  verify(token: string): { alertId: number; agentId: number } | null {
    return verifyAckToken(token, this.clock.now(), this.secret);
  }
}
