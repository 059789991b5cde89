import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatTicketNumber } from '../../server/tickets/status.js';

/**
 * Email threading helpers (ARCHITECTURE §4), pure: secrets come in as arguments.
 *
 * Our outgoing mail carries a Message-ID that names the ticket and message and is signed, so a
 * reply's References/In-Reply-To can be trusted to pick the ticket without a database lookup and
 * without letting a stranger attach mail to someone else's ticket by guessing ids. For clients
 * that drop those headers, the body carries a signed marker line as a fallback.
 */

/** One secret, or several while a secret is being rotated (the first one signs, any one verifies). */
export type ThreadingSecret = string | readonly string[];

export interface ThreadRef {
  ticketId: number;
  messageId: number;
}

/** 20 hex chars = 80 bits: not guessable by sending mail, short enough for a header. */
const MESSAGE_ID_SIG_HEX = 20;
/** 12 hex chars = 48 bits: the marker is visible to people, so shorter; still far beyond online guessing. */
const MARKER_SIG_HEX = 12;

const MESSAGE_ID_RE = /^<?md\.t([1-9]\d{0,14})\.m([1-9]\d{0,14})\.([0-9a-f]+)@[^<>\s@]+>?$/i;
const MARKER_RE = /\[ref:MD-(\d{6,15}):([0-9a-f]+)\]/gi;
const SUBJECT_NUMBER_RE = /\[MD-(\d{6,15})\]/i;

function secretsOf(secret: ThreadingSecret): readonly string[] {
  const list = typeof secret === 'string' ? [secret] : secret;
  // An empty key would make every signature computable by anyone: a configuration bug, not a mode.
  if (!list.length || list.some((s) => !s)) throw new Error('email threading secret must not be empty');
  return list;
}

/** Distinct labels keep a marker's signature from ever being valid as a Message-ID's and vice versa. */
function sign(secret: string, label: string, parts: readonly number[], hexChars: number): string {
  return createHmac('sha256', secret).update(`${label}\0${parts.join('\0')}`).digest('hex').slice(0, hexChars);
}

function verifies(secret: ThreadingSecret, label: string, parts: readonly number[], sig: string, hexChars: number): boolean {
  const given = Buffer.from(sig.toLowerCase(), 'latin1');
  if (given.length !== hexChars) return false;
  // Try every secret even after a match, so timing says nothing about which one matched.
  let ok = false;
  for (const s of secretsOf(secret)) {
    ok = timingSafeEqual(given, Buffer.from(sign(s, label, parts, hexChars), 'latin1')) || ok;
  }
  return ok;
}

function safeId(digits: string): number | null {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function ourMessageId(o: { ticketId: number; messageId: number; secret: ThreadingSecret; domain: string }): string {
  if (!Number.isSafeInteger(o.ticketId) || o.ticketId <= 0 || !Number.isSafeInteger(o.messageId) || o.messageId <= 0) {
    throw new Error('ticketId and messageId must be positive integers');
  }
  if (!/^[^<>\s@]+$/.test(o.domain)) throw new Error(`not a Message-ID domain: ${o.domain}`);
  const sig = sign(secretsOf(o.secret)[0]!, 'msgid', [o.ticketId, o.messageId], MESSAGE_ID_SIG_HEX);
  return `<md.t${o.ticketId}.m${o.messageId}.${sig}@${o.domain}>`;
}

/** The ticket and message one of our Message-IDs names, or null if it is not ours or was altered. */
export function verifyOurMessageId(id: string, secret: ThreadingSecret): ThreadRef | null {
  const m = MESSAGE_ID_RE.exec(id.trim());
  if (!m) return null;
  const ticketId = safeId(m[1]!);
  const messageId = safeId(m[2]!);
  if (ticketId === null || messageId === null) return null;
  return verifies(secret, 'msgid', [ticketId, messageId], m[3]!, MESSAGE_ID_SIG_HEX) ? { ticketId, messageId } : null;
}

/**
 * The Message-IDs in a header value, each as `<id>`. Accepts what mail really carries: several
 * ids in one In-Reply-To, comments or junk between them, ids without angle brackets.
 */
export function parseMessageIds(value: string): string[] {
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value.split(/[\s,]+/).filter((t) => /^[^<>\s()]+@[^<>\s()]+$/.test(t)).map((t) => `<${t}>`);
}

/** A hostile message can carry thousands of References; the newest ones are the ones that matter. */
export const MAX_THREAD_CANDIDATES = 50;

/**
 * Message-IDs in the order to try for threading: In-Reply-To first (the message replied to), then
 * References from newest (last) to oldest, without repeats. The first verified one decides.
 */
export function threadCandidates(headers: { inReplyTo: string | null; references: readonly string[] }, max = MAX_THREAD_CANDIDATES): string[] {
  const refs = headers.references.flatMap(parseMessageIds).reverse();
  const ordered = [...(headers.inReplyTo ? parseMessageIds(headers.inReplyTo) : []), ...refs];
  return [...new Set(ordered)].slice(0, max);
}

export function bodyMarker(o: { ticketId: number; secret: ThreadingSecret }): string {
  if (!Number.isSafeInteger(o.ticketId) || o.ticketId <= 0) throw new Error('ticketId must be a positive integer');
  const sig = sign(secretsOf(o.secret)[0]!, 'marker', [o.ticketId], MARKER_SIG_HEX);
  return `[ref:${formatTicketNumber(o.ticketId)}:${sig}]`;
}

/**
 * The ticket of the first valid marker in the text (quoted replies included), or null. Forged
 * markers are skipped rather than ending the search, so a forged line placed above a genuine
 * quote cannot hide it, and can never win.
 */
export function findBodyMarker(text: string, secret: ThreadingSecret): number | null {
  for (const m of text.matchAll(MARKER_RE)) {
    const ticketId = safeId(m[1]!);
    if (ticketId !== null && verifies(secret, 'marker', [ticketId], m[2]!, MARKER_SIG_HEX)) return ticketId;
  }
  return null;
}

/**
 * Reply/forward prefixes stripped from subjects: English, Chinese (simplified and traditional), and
 * what European clients write (French `RE :`/`TR :`, German `AW:`/`WG:`, Nordic `SV:`/`VS:`), also
 * numbered (`Re[2]:`, `Re^3:`).
 */
const PREFIX_RE = /^\s*(?:re|fwd|fw|aw|wg|tr|sv|vs|回复|答复|转发|回覆)(?:\[\d+\]|\^\d+)?\s?[:：]\s*/i;

/** The subject without any stack of reply/forward prefixes, whitespace collapsed. */
export function normaliseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(PREFIX_RE, '');
  }
  return s.trim();
}

/** The ticket id from a `[MD-000123]` tag in the subject, or null. A bare `MD-12` is not a tag. */
export function ticketNumberInSubject(subject: string): number | null {
  const m = SUBJECT_NUMBER_RE.exec(subject);
  return m ? safeId(m[1]!) : null;
}

/** `[MD-000123] subject`, with the tag added only if the subject does not carry it already. */
export function subjectWithTicketNumber(subject: string, ticketNumber: string): string {
  const s = subject.replace(/\s+/g, ' ').trim();
  const tag = `[${ticketNumber}]`;
  if (s.toUpperCase().includes(tag.toUpperCase())) return s;
  return s ? `${tag} ${s}` : tag;
}
