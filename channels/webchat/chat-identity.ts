import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who is on the other end of a chat socket (docs/webchat.md, "Identity"). Pure functions: the
 * gateway supplies the keys and the time.
 *
 * - Anonymous visitors hold a server-issued visitor token, `v1.<visitorId>.<mac>`, kept by the
 *   widget in localStorage; the mac (HMAC-SHA256 under a key of this installation) means nobody can
 *   make up a token for someone else's visitor id.
 * - Members signed in on the member site arrive with `{ id, ts, sig }`: `sig` is the hex
 *   HMAC-SHA256 of `${id}.${ts}` under MEMBERDESK_WEBCHAT_SECRET, `ts` the signing time in unix
 *   seconds. A signature older than `maxAgeSeconds` (or from the future) is refused.
 *
 * The member identity of a chat (kind `webchat`) is `v:<visitorId>` or `m:<member site id>`.
 */

const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;
/** The member site's own ids: printable, no spaces or control characters, short enough for an identity. */
export const MEMBER_ID = /^[\x21-\x7e]{1,128}$/;
/** How far a member site's clock may run ahead of ours. */
const CLOCK_SKEW_SECONDS = 300;

export type ChatIdentity =
  | { kind: 'visitor'; visitorId: string; value: string }
  | { kind: 'member'; memberId: string; value: string };

/** A new anonymous visitor: a random id (128 bits) and the token that proves it. */
export function issueVisitorToken(key: string): { visitorId: string; token: string } {
  const visitorId = randomBytes(16).toString('base64url');
  return { visitorId, token: `v1.${visitorId}.${visitorMac(key, visitorId)}` };
}

/** The visitor id a token proves, or null (malformed, or made with another key). */
export function verifyVisitorToken(key: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 100) return null;
  const [version, visitorId, mac, ...rest] = token.split('.');
  if (version !== 'v1' || rest.length || !visitorId || !mac || !VISITOR_ID.test(visitorId)) return null;
  return safeEqual(mac, visitorMac(key, visitorId)) ? visitorId : null;
}

function visitorMac(key: string, visitorId: string): string {
  return createHmac('sha256', key).update(`webchat-visitor\u0000${visitorId}`).digest('base64url');
}

/** What a member site computes (docs/webchat.md has the same recipe for Node, PHP and Java). */
export function memberSignature(secret: string, memberId: string, ts: number): string {
  return createHmac('sha256', secret).update(`${memberId}.${ts}`).digest('hex');
}

export type MemberCheck =
  | { ok: true; memberId: string }
  | { ok: false; reason: 'no_secret' | 'malformed' | 'expired' | 'future' | 'bad_signature' };

/** Checks a member site's signature; the reason of a refusal is for the log, never for the visitor. */
export function verifyMemberSignature(
  secret: string | null | undefined,
  claim: { id?: unknown; ts?: unknown; sig?: unknown },
  nowSeconds: number,
  maxAgeSeconds: number,
): MemberCheck {
  if (!secret) return { ok: false, reason: 'no_secret' };
  const { id, sig } = claim;
  const ts = typeof claim.ts === 'string' && /^\d{1,12}$/.test(claim.ts) ? Number(claim.ts) : claim.ts;
  if (typeof id !== 'string' || !MEMBER_ID.test(id) || typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0
    || typeof sig !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sig)) {
    return { ok: false, reason: 'malformed' };
  }
  // The signature first, so that a forged claim is logged as forged whatever time it names.
  if (!safeEqual(sig.toLowerCase(), memberSignature(secret, id, ts))) return { ok: false, reason: 'bad_signature' };
  if (ts > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'future' };
  if (nowSeconds - ts > maxAgeSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, memberId: id };
}

export function visitorIdentity(visitorId: string): ChatIdentity {
  return { kind: 'visitor', visitorId, value: `v:${visitorId}` };
}

export function memberIdentity(memberId: string): ChatIdentity {
  return { kind: 'member', memberId, value: `m:${memberId}` };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
