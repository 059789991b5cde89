import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import jschardet from 'jschardet';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail, type StructuredHeader } from 'mailparser';
import { htmlToText, sanitizeHtml } from './sanitize.js';

/*
 * The pure parsing layer of the email channel: raw RFC 5322 bytes in, a typed ParsedEmail out. No
 * database, no network, and no throw: a mail we cannot read still has to be acknowledged (or
 * parked) by the poller, so failures travel in `parseError` / `warnings` instead.
 *
 * mailparser does headers, addresses, RFC 2047/2231 names and attachments. It cannot give us the
 * raw bytes of a text part, which charset repair needs (a part declared us-ascii that holds Big5
 * arrives from mailparser already turned into U+FFFD), so a small MIME walker (below) finds the
 * body parts and their bytes, and we decode those ourselves.
 */

// ───────────────────────────── public types ─────────────────────────────

export interface EmailAddress {
  /** Lower-cased addr-spec; null when the header names no usable address (e.g. `From: no_host`). */
  address: string | null;
  name: string;
}

export interface ParsedAttachment {
  /** Decoded (RFC 2231/2047) and stripped of any path; null when the part names no file. */
  filename: string | null;
  contentType: string;
  /** Bytes of `content`. */
  size: number;
  /**
   * Bytes of the part as transmitted (still base64/QP, CRLF line ends), the number IMAP
   * BODYSTRUCTURE and most mail libraries report. Null if the part could not be matched.
   */
  encodedSize: number | null;
  /** As in the header, with angle brackets: `<id@host>`. */
  contentId: string | null;
  disposition: 'attachment' | 'inline' | null;
  /** Shown inside the HTML body (referenced by `cid:`), so the console need not list it again. */
  inline: boolean;
  /** message/* parts are in canonical form (CRLF line ends, no trailing blank lines). */
  content: Buffer;
  sha256: string;
  /** IMAP-style part number ("2", "1.2"); null for a single-part mail. */
  partId: string | null;
}

export interface DsnRecipient {
  /** As written, e.g. `rfc822; someone@example.com`. */
  finalRecipient: string | null;
  /** The bare address from Final-Recipient (or Original-Recipient), lower-cased. */
  address: string | null;
  /** failed | delayed | delivered | relayed | expanded (lower-cased). */
  action: string | null;
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  diagnosticCode: string | null;
  remoteMta: string | null;
  /** A 4.x.x status is transient: sending to this address again later may work. */
  retryable: boolean;
}

export interface DsnReport {
  reportingMta: string | null;
  recipients: DsnRecipient[];
  /** From the returned message or headers, to find which of our deliveries bounced. */
  originalMessageId: string | null;
  originalSubject: string | null;
}

export interface MdnReport {
  disposition: string | null;
  originalMessageId: string | null;
  finalRecipient: string | null;
}

export type NoiseKind = 'auto_reply' | 'bounce' | 'delay' | 'delivery_report' | 'read_receipt' | 'abuse_report' | 'list';

/** Set when the mail must never open a ticket nor receive an automatic answer (ARCHITECTURE §4). */
export interface Noise {
  kind: NoiseKind;
  /** Human-readable, for the audit trail: which header or report made the call. */
  reason: string;
}

/** Raw values (first occurrence, unfolded) of the headers noise detection looks at. */
export interface NoiseHeaders {
  autoSubmitted: string | null;
  precedence: string | null;
  xAutoreply: string | null;
  xAutorespond: string | null;
  xAutoResponseSuppress: string | null;
  xLoop: string | null;
  returnPath: string | null;
  xFailedRecipients: string | null;
  listId: string | null;
  listUnsubscribe: string | null;
}

export interface ParsedEmail {
  /** `<id@host>`, or null when missing or empty. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Every id of every References header, in header order (newest last). */
  references: string[];
  /** Decoded and trimmed; '' when missing. */
  subject: string;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  date: Date | null;
  /** MIME type of the whole message, e.g. `multipart/mixed`. */
  contentType: string;
  /** Plain text with LF line ends; derived from the HTML when the mail has no text part. */
  text: string;
  textSource: 'plain' | 'html' | 'none';
  /** Sanitised (see sanitize.ts); null when the mail has no HTML part. */
  html: string | null;
  /** Charset label of the main body part as declared; null when none was declared. */
  declaredCharset: string | null;
  /** Set only when the bytes were found to be in another charset than declared (jschardet). */
  detectedCharset: string | null;
  /** The charset the main body part was read as (detected, else declared). */
  charset: string | null;
  attachments: ParsedAttachment[];
  headers: NoiseHeaders;
  /** `report-type` of a multipart/report, lower-cased. */
  reportType: string | null;
  noise: Noise | null;
  dsn: DsnReport | null;
  mdn: MdnReport | null;
  /** ARF (RFC 5965) Feedback-Type, e.g. `abuse`. */
  feedbackType: string | null;
  /** Things we repaired or could not read, for logs; the mail is still usable. */
  warnings: string[];
  /** Set when parsing failed outright; the other fields hold whatever could be read. */
  parseError: string | null;
}

// ───────────────────────────── entry point ─────────────────────────────

export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const result = emptyResult();
  try {
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? ''), 'utf8');
    const warnings = result.warnings;
    const tree = safely(() => walkMime(bytes), warnings, 'MIME structure');
    let mail: ParsedMail | null = null;
    try {
      mail = await simpleParser(bytes, MAILPARSER_OPTIONS);
    } catch (err) {
      result.parseError = `mailparser: ${errorMessage(err)}`;
    }
    if (mail) fillFromMailparser(result, mail);
    else if (tree) fillFromWalker(result, tree.headers);
    fillBodies(result, tree, mail);
    if (mail) await fillReports(result, mail.attachments);
    result.noise = classifyNoise(result);
  } catch (err) {
    // Last line of defence: the contract is "never throws", whatever a library does.
    result.parseError = result.parseError ?? `unexpected: ${errorMessage(err)}`;
  }
  return result;
}

const MAILPARSER_OPTIONS = {
  // DSN parts stay attachments: we parse them ourselves and they are not message text.
  keepDeliveryStatus: true,
  // Keep cid: links; simpleParser would otherwise inline the images as data: URLs.
  keepCidLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  checksumAlgo: false as const,
};

function emptyResult(): ParsedEmail {
  return {
    messageId: null, inReplyTo: null, references: [], subject: '', from: null, to: [], cc: [], replyTo: [],
    date: null, contentType: 'text/plain', text: '', textSource: 'none', html: null,
    declaredCharset: null, detectedCharset: null, charset: null, attachments: [],
    headers: {
      autoSubmitted: null, precedence: null, xAutoreply: null, xAutorespond: null, xAutoResponseSuppress: null,
      xLoop: null, returnPath: null, xFailedRecipients: null, listId: null, listUnsubscribe: null,
    },
    reportType: null, noise: null, dsn: null, mdn: null, feedbackType: null, warnings: [], parseError: null,
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one optional step; its failure becomes a warning instead of losing the whole mail. */
function safely<T>(step: () => T, warnings: string[], what: string): T | null {
  try {
    return step();
  } catch (err) {
    warnings.push(`${what}: ${errorMessage(err)}`);
    return null;
  }
}

// ───────────────────────────── headers ─────────────────────────────

function fillFromMailparser(result: ParsedEmail, mail: ParsedMail): void {
  const raw = rawHeaders(mail);
  result.messageId = ownMessageId(raw.get('message-id')?.[0] ?? '');
  result.inReplyTo = firstMessageId(raw.get('in-reply-to')?.[0] ?? '');
  result.references = messageIds((raw.get('references') ?? []).join(' '));
  result.subject = decodeSubject(mail.subject, raw.get('subject')?.[0], result.warnings);
  result.from = addresses(mail.from)[0] ?? null;
  result.to = addresses(mail.to);
  result.cc = addresses(mail.cc);
  result.replyTo = addresses(mail.replyTo);
  result.date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null;

  const contentType = mail.headers.get('content-type');
  if (isStructured(contentType)) {
    result.contentType = contentType.value.toLowerCase();
    const reportType = contentType.params['report-type'];
    result.reportType = result.contentType === 'multipart/report' && reportType ? reportType.trim().toLowerCase() : null;
  }
  const first = (name: string): string | null => raw.get(name)?.[0]?.trim() || null;
  result.headers = {
    autoSubmitted: first('auto-submitted'),
    precedence: first('precedence'),
    xAutoreply: first('x-autoreply'),
    xAutorespond: first('x-autorespond'),
    xAutoResponseSuppress: first('x-auto-response-suppress'),
    xLoop: first('x-loop'),
    returnPath: first('return-path'),
    xFailedRecipients: first('x-failed-recipients'),
    listId: first('list-id'),
    listUnsubscribe: first('list-unsubscribe'),
  };
}

/**
 * When mailparser gave up, the walker's view of the top-level headers still identifies the mail
 * (Message-ID for dedupe, sender, subject), which is what the poller needs to park it.
 */
function fillFromWalker(result: ParsedEmail, headers: Map<string, string>): void {
  result.messageId = ownMessageId(headers.get('message-id') ?? '');
  result.inReplyTo = firstMessageId(headers.get('in-reply-to') ?? '');
  result.references = messageIds(headers.get('references') ?? '');
  result.subject = decodeWords(headers.get('subject') ?? '').trim();
  const from = /<([^<>@\s]+@[^<>\s]+)>|([^<>\s,;"]+@[^<>\s,;"]+)/.exec(headers.get('from') ?? '');
  const address = (from?.[1] ?? from?.[2] ?? '').toLowerCase();
  result.from = address ? { address, name: '' } : null;
  const date = new Date(headers.get('date') ?? '');
  result.date = Number.isNaN(date.getTime()) ? null : date;
}

/** RFC 2047 encoded words, for the fallback path only (mailparser decodes them otherwise). */
function decodeWords(value: string): string {
  // Raw 8-bit runs first (their bytes are latin1 characters here), then the ASCII encoded words.
  const raw = value.replace(/[\x80-\xff]+/g, (run) => decodeText(Buffer.from(run, 'latin1'), null).text);
  return raw.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset: string, encoding: string, data: string) => {
    const bytes = encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : decodeQuotedPrintable(Buffer.from(data.replace(/_/g, ' '), 'latin1'));
    return decodeWith(bytes, charset.split('*')[0] ?? charset) ?? bytes.toString('utf8');
  });
}

/**
 * Header values as sent (unfolded, every occurrence in order). mailparser keeps only one
 * References header and reads message ids its own way; the raw lines let us be lenient.
 * Non-ASCII bytes come through as latin1 characters, one per byte.
 */
function rawHeaders(mail: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  }
  return map;
}

function isStructured(value: unknown): value is StructuredHeader {
  return typeof value === 'object' && value !== null && 'value' in value && 'params' in value;
}

/**
 * Message ids in order. A folded id (`<invalid.\r\n something@host>`) is rejoined; bare ids
 * (no brackets, as some old MUAs write them) are accepted when they look like local@domain.
 */
export function messageIds(value: string): string[] {
  const ids: string[] = [];
  const add = (id: string): void => {
    const clean = id.replace(/\s+/g, '');
    if (clean && !ids.includes(`<${clean}>`)) ids.push(`<${clean}>`);
  };
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)];
  if (bracketed.length > 0) for (const m of bracketed) add(m[1] ?? '');
  else for (const token of value.split(/[\s,]+/)) if (/^[^@\s]+@[^@\s]+$/.test(token)) add(token);
  return ids;
}

function firstMessageId(value: string): string | null {
  return messageIds(value)[0] ?? null;
}

/** The mail's own id: even one that is not local@domain still identifies the message for dedupe. */
function ownMessageId(value: string): string | null {
  const bare = value.replace(/\s+/g, '');
  return firstMessageId(value) ?? (bare ? `<${bare.replace(/^<|>$/g, '')}>` : null);
}

/**
 * mailparser decodes encoded words well, but a raw 8-bit subject (GBK straight in the header, as
 * some Chinese clients send it) comes out as mojibake. Then we decode the header bytes ourselves.
 */
function decodeSubject(decoded: string | undefined, rawValue: string | undefined, warnings: string[]): string {
  const subject = (decoded ?? '').trim();
  if (rawValue === undefined || !subject.includes(REPLACEMENT) || !/[\x80-\xff]/.test(rawValue)) return subject;
  const repaired = decodeText(Buffer.from(rawValue, 'latin1'), null);
  warnings.push(`subject: raw 8-bit header read as ${repaired.charset}`);
  return repaired.text.trim();
}

function addresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const list: EmailAddress[] = [];
  const visit = (entry: { name: string; address?: string; group?: Array<{ name: string; address?: string }> }): void => {
    // A group (`undisclosed-recipients:;`) contributes its members, not its label.
    if (entry.group) {
      for (const member of entry.group) visit(member);
      return;
    }
    const address = (entry.address ?? '').trim().toLowerCase();
    const name = (entry.name ?? '').trim();
    if (!address && !name) return;
    // `From: no_host` has no usable address; keep what was written as the name, not as an address.
    const usable = address.includes('@');
    list.push({ address: usable ? address : null, name: name || (usable ? '' : address) });
  };
  for (const object of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
    for (const entry of object.value) visit(entry);
  }
  return list;
}

// ───────────────────────────── MIME walker ─────────────────────────────

/** One entity of the MIME tree, with its body still transfer-encoded. */
interface MimeNode {
  partId: string | null;
  /** First occurrence of each header, unfolded, bytes as latin1 characters. */
  headers: Map<string, string>;
  contentType: string;
  params: Map<string, string>;
  disposition: string | null;
  transferEncoding: string;
  body: Buffer;
  children: MimeNode[];
}

const MAX_DEPTH = 40;
const MAX_PARTS = 2000;

/**
 * Splits the message into parts with the same part numbers mailsplit (inside mailparser) gives
 * them, so attachments can be matched by `partId`. Lenient where real mail is broken: a header
 * line without a colon continues the previous header, a missing final boundary ends the part at
 * the end of the data, and a multipart without a usable boundary is read as text/plain (RFC 2045
 * §5.2 says an invalid Content-Type means text/plain).
 */
function walkMime(raw: Buffer): MimeNode {
  let parts = 0;
  const visit = (entity: Buffer, partId: string | null, depth: number, defaultType: string): MimeNode => {
    if (++parts > MAX_PARTS) throw new Error(`more than ${MAX_PARTS} MIME parts`);
    const { headers, body } = splitEntity(entity);
    const contentType = structured(headers.get('content-type'));
    let type = contentType.value.includes('/') ? contentType.value : defaultType;
    const disposition = structured(headers.get('content-disposition')).value || null;
    const node: MimeNode = {
      partId, headers, contentType: type, params: contentType.params, disposition,
      transferEncoding: (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase(), body, children: [],
    };
    if (depth >= MAX_DEPTH) return node;
    if (type.startsWith('multipart/')) {
      const boundary = contentType.params.get('boundary');
      const bodies = boundary ? splitMultipart(body, boundary) : [];
      if (bodies.length === 0) {
        node.contentType = type = 'text/plain';
        return node;
      }
      const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      node.children = bodies.map((b, i) => visit(b, partId ? `${partId}.${i + 1}` : `${i + 1}`, depth + 1, childDefault));
    } else if (type === 'message/rfc822' && disposition === 'inline') {
      // mailsplit (as configured by mailparser) only opens forwarded messages marked inline.
      node.children = [visit(transferDecode(node), partId, depth + 1, 'text/plain')];
    }
    return node;
  };
  return visit(raw, null, 0, 'text/plain');
}

function splitEntity(entity: Buffer): { headers: Map<string, string>; body: Buffer } {
  const headers = new Map<string, string>();
  let pos = 0;
  let last: string | null = null;
  while (pos < entity.length) {
    const nl = entity.indexOf(10, pos);
    const end = nl === -1 ? entity.length : nl;
    const line = entity.toString('latin1', pos, end).replace(/\r$/, '');
    pos = end + 1;
    if (line === '') return { headers, body: entity.subarray(Math.min(pos, entity.length)) };
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (/^[ \t]/.test(line) || !/^[!-9;-~]+$/.test(name)) {
      // Continuation, or a broken wrap without leading whitespace: it belongs to the last header.
      if (last !== null) headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    last = name.toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
    else last = null; // keep the first occurrence; ignore the duplicate's continuation lines
  }
  return { headers, body: Buffer.alloc(0) };
}

/** `type/subtype; name=value; name="quoted value"` → lower-cased value and parameters. */
function structured(header: string | undefined): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const pieces = (header ?? '').match(/(?:"(?:\\.|[^"\\])*"|[^;"])+/g) ?? [];
  const value = (pieces.shift() ?? '').trim().toLowerCase();
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const name = piece.slice(0, eq).trim().toLowerCase();
    let v = piece.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, '$1');
    if (!params.has(name)) params.set(name, v);
  }
  return { value, params };
}

/** Bodies between `--boundary` lines; the line break before a delimiter belongs to the delimiter. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = `--${boundary}`;
  const bodies: Buffer[] = [];
  let start = -1;
  let pos = 0;
  while (pos <= body.length) {
    const nl = body.indexOf(10, pos);
    const end = nl === -1 ? body.length : nl;
    const line = body.toString('latin1', pos, Math.min(end, pos + delimiter.length + 40)).trimEnd();
    if (line === delimiter || line === `${delimiter}--`) {
      if (start !== -1) bodies.push(body.subarray(start, lineBreakStart(body, pos)));
      if (line.endsWith('--') && line !== delimiter) return bodies;
      start = end + 1;
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  // No closing delimiter: the part runs to the end of the data, whose last line break ends the
  // last line rather than belonging to the content.
  if (start !== -1 && start <= body.length) bodies.push(body.subarray(start, Math.max(start, lineBreakStart(body, body.length))));
  return bodies;
}

function lineBreakStart(buf: Buffer, lineStart: number): number {
  let end = lineStart;
  if (end > 0 && buf[end - 1] === 10) end--;
  if (end > 0 && buf[end - 1] === 13) end--;
  return end;
}

function transferDecode(node: MimeNode): Buffer {
  if (node.transferEncoding === 'base64') {
    return Buffer.from(node.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  }
  // "quoted printable" with a space is a known typo; treat any spelling the same.
  if (node.transferEncoding.startsWith('quoted')) return decodeQuotedPrintable(node.body);
  return node.body;
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  // Trailing whitespace on a line was added in transit (RFC 2045 §6.7 (3)).
  const text = body.toString('latin1').replace(/[ \t]+(?=\r?\n|$)/g, '');
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */) {
      const next = text.slice(i + 1, i + 3);
      if (/^\r?\n/.test(next)) {
        i += next.startsWith('\r') ? 2 : 1;
        continue;
      }
      if (/^[0-9A-Fa-f]{2}$/.test(next)) {
        out[n++] = parseInt(next, 16);
        i += 2;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** Transmitted size as IMAP counts it: the part body with CRLF line ends. */
function encodedSize(node: MimeNode): number {
  let size = node.body.length;
  for (let i = 0; i < node.body.length; i++) if (node.body[i] === 10 && (i === 0 || node.body[i - 1] !== 13)) size++;
  return size;
}

function leaves(node: MimeNode): MimeNode[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leaves);
}

// ───────────────────────────── charsets ─────────────────────────────

const REPLACEMENT = '\uFFFD';

/**
 * Labels we read as a superset: GB2312 mail is very often really GBK or GB18030 (GB18030 decodes
 * all three); "iso-8859-1" from Windows clients holds windows-1252 quotes (WHATWG does the same);
 * Korean, Japanese and Big5 labels get their vendor extensions.
 */
const SUPERSETS: Record<string, string> = {
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', cp936: 'gb18030', 'euc-cn': 'gb18030',
  csgb2312: 'gb18030', 'gb_2312-80': 'gb18030', 'x-euc-cn': 'gb18030', chinese: 'gb18030',
  'iso-8859-1': 'windows-1252', latin1: 'windows-1252', 'us-ascii': 'windows-1252', ascii: 'windows-1252',
  'ks_c_5601-1987': 'cp949', 'euc-kr': 'cp949', 'ks_c_5601': 'cp949', 'x-windows-949': 'cp949',
  shift_jis: 'cp932', 'shift-jis': 'cp932', sjis: 'cp932', 'x-sjis': 'cp932', ms_kanji: 'cp932',
  big5: 'big5hkscs', 'x-big5': 'big5hkscs', cp950: 'big5hkscs',
};

/** UTF-7 could smuggle markup past filters (+ADw-script+AD4-); treated as if no charset was given. */
const REFUSED = /^(?:unicode-1-1-)?utf-?7(?:-imap)?$/i;

export interface DecodedText {
  text: string;
  /** The charset the text was read as (declared spelling, or jschardet's name). */
  charset: string;
  /** jschardet's answer when it overrode (or replaced a missing) declared charset. */
  detected: string | null;
}

/**
 * Decodes body bytes. The declared charset is trusted unless it is missing, us-ascii (yet 8-bit
 * bytes are present), unknown, refused, or produces replacement characters; then jschardet's
 * candidates are tried in order of confidence and the first clean decoding wins. Labels iconv-lite
 * lacks (ISO-2022-JP) go to the WHATWG TextDecoder that Node ships.
 */
export function decodeText(bytes: Buffer, declared: string | null): DecodedText {
  const label = declared?.trim().replace(/^"|"$/g, '') || null;
  const usable = label !== null && !REFUSED.test(label);
  const asciiOnly = !bytes.some((b) => b >= 0x80 || b === 0x1b);
  if (asciiOnly) {
    // Any ASCII-compatible label reads these bytes the same; name it only if we know it.
    const known = usable && decodeWith(Buffer.alloc(0), label) !== null;
    return { text: bytes.toString('latin1'), charset: known ? label : 'us-ascii', detected: null };
  }
  const isAscii = label !== null && ['us-ascii', 'ascii', 'us_ascii', 'ansi_x3.4-1968'].includes(label.toLowerCase());
  if (usable && !isAscii) {
    const text = decodeWith(bytes, label);
    if (text !== null && !badlyDamaged(text)) return { text, charset: label, detected: null };
  }
  const guess = detect(bytes);
  if (guess) return guess;
  // Nothing fits cleanly: valid-looking UTF-8 first, else windows-1252, which maps every byte.
  const utf8 = bytes.toString('utf8');
  if (!utf8.includes(REPLACEMENT)) return { text: utf8, charset: 'utf-8', detected: 'utf-8' };
  const fallback = (usable && !isAscii ? decodeWith(bytes, label) : null) ?? iconv.decode(bytes, 'windows-1252');
  return { text: fallback, charset: usable && !isAscii ? label : 'windows-1252', detected: null };
}

/**
 * Wrong-charset bytes turn most non-ASCII characters into U+FFFD (GBK read as UTF-8: nearly all of
 * them); a right charset over slightly corrupt bytes leaves a few. Half is the line between. Only the first is worth second-guessing: a
 * detector asked about a UTF-8 text with one broken byte may well answer windows-1252 and garble
 * all of it.
 */
function badlyDamaged(text: string): boolean {
  let replaced = 0;
  let nonAscii = 0;
  for (const ch of text) {
    if (ch === REPLACEMENT) replaced++;
    if (ch.charCodeAt(0) >= 0x80) nonAscii++;
  }
  return replaced > 0 && replaced * 2 > nonAscii;
}

function detect(bytes: Buffer): DecodedText | null {
  let candidates: Array<{ encoding: string | null; confidence: number }>;
  try {
    candidates = jschardet.detectAll(bytes);
  } catch {
    return null;
  }
  for (const { encoding } of candidates) {
    if (!encoding || encoding.toLowerCase() === 'ascii') continue;
    const text = decodeWith(bytes, encoding);
    if (text !== null && !text.includes(REPLACEMENT)) return { text, charset: encoding, detected: encoding };
  }
  return null;
}

function decodeWith(bytes: Buffer, label: string): string | null {
  const name = SUPERSETS[label.toLowerCase()] ?? label;
  try {
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
    return new TextDecoder(name).decode(bytes);
  } catch {
    return null; // unknown label
  }
}

// ───────────────────────────── bodies ─────────────────────────────

/**
 * Text and HTML come from the walker's body parts (inline text/plain and text/html, as mailparser
 * chooses them), decoded by decodeText. If the walker found none, mailparser's own text stands.
 */
function fillBodies(result: ParsedEmail, tree: MimeNode | null, mail: ParsedMail | null): void {
  const bodies = tree ? leaves(tree).filter(isBodyPart) : [];
  const plain: string[] = [];
  const html: string[] = [];
  let main: { declared: string | null; decoded: DecodedText } | null = null;
  for (const node of bodies) {
    const declared = node.params.get('charset') ?? null;
    const decoded = decodeText(transferDecode(node), declared);
    if (decoded.detected) result.warnings.push(`part ${node.partId ?? 'body'}: declared ${declared ?? 'no charset'}, read as ${decoded.detected}`);
    let text = decoded.text.replace(/\r\n?/g, '\n');
    if (node.contentType === 'text/plain') {
      if ((node.params.get('format') ?? '').toLowerCase() === 'flowed') {
        text = unflow(text, (node.params.get('delsp') ?? '').toLowerCase() === 'yes');
      }
      plain.push(text);
    } else {
      html.push(text);
    }
    // The first text/plain part, else the first HTML part, speaks for the mail's charset.
    if (!main || (node.contentType === 'text/plain' && plain.length === 1)) main = { declared, decoded };
  }
  if (main) {
    result.declaredCharset = main.declared;
    result.charset = main.decoded.charset;
    result.detectedCharset = main.decoded.detected;
  }
  const rawHtml = html.length > 0 ? html.join('\n') : typeof mail?.html === 'string' ? mail.html : null;
  if (plain.length > 0) {
    result.text = plain.join('\n');
    result.textSource = 'plain';
  } else if (rawHtml !== null) {
    result.text = htmlToText(rawHtml);
    result.textSource = 'html';
  } else if (bodies.length === 0 && mail?.text) {
    result.text = mail.text;
    result.textSource = 'plain';
    result.warnings.push('body: taken from mailparser, MIME walk found no text part');
  }
  result.html = rawHtml === null ? null : sanitizeHtml(rawHtml);
  const parts = new Map(tree ? leaves(tree).map((n) => [n.partId, n]) : []);
  if (mail) result.attachments = mail.attachments.map((a) => toAttachment(a, a.partId === null ? undefined : parts.get(a.partId), rawHtml));
}

/** The parts mailparser treats as message text rather than attachments. */
function isBodyPart(node: MimeNode): boolean {
  return (node.contentType === 'text/plain' || node.contentType === 'text/html')
    && (node.disposition === null || node.disposition === 'inline');
}

/** RFC 3676 format=flowed: a line ending in a space continues on the next line. */
function unflow(text: string, delSp: boolean): string {
  const out: string[] = [];
  let open: { depth: number; text: string } | null = null;
  for (const rawLine of text.split('\n')) {
    const depth = /^>*/.exec(rawLine)?.[0].length ?? 0;
    let line = rawLine.slice(depth);
    if (line.startsWith(' ')) line = line.slice(1); // space-stuffing
    const flowed = line.endsWith(' ') && line !== '-- ';
    if (open && open.depth === depth) open.text += line;
    else {
      if (open) out.push(open.text);
      open = { depth, text: '>'.repeat(depth) + (depth > 0 ? ' ' : '') + line };
    }
    if (flowed) {
      if (delSp) open.text = open.text.slice(0, -1);
    } else {
      out.push(open.text);
      open = null;
    }
  }
  if (open) out.push(open.text);
  return out.join('\n');
}

// ───────────────────────────── attachments ─────────────────────────────

/** `node` is the walker's part with the same part number, for the transmitted size. */
function toAttachment(a: Attachment, node: MimeNode | undefined, rawHtml: string | null): ParsedAttachment {
  // The type as declared: mailparser swaps application/octet-stream for a guess from the file
  // extension, which is the download layer's business, not a fact about the mail.
  const declared = a.headers.get('content-type');
  const contentType = (isStructured(declared) && declared.value.includes('/') ? declared.value : a.contentType).toLowerCase();
  const content = canonicalContent(contentType, a.content);
  const contentId = a.contentId ? `<${a.contentId.trim().replace(/^<|>$/g, '')}>` : null;
  const cid = contentId?.slice(1, -1).toLowerCase();
  const disposition = a.contentDisposition === 'inline' || a.contentDisposition === 'attachment' ? a.contentDisposition : null;
  return {
    filename: attachmentName(a),
    contentType,
    size: content.length,
    // message/* is never base64/QP-encoded (RFC 2046 §5.2.1): its canonical content is what was sent.
    encodedSize: !node || !sameContent(node, a.content) ? null : content === a.content ? encodedSize(node) : content.length,
    contentId,
    disposition,
    inline: cid !== undefined && rawHtml !== null && rawHtml.toLowerCase().includes(`cid:${cid}`),
    content,
    sha256: createHash('sha256').update(content).digest('hex'),
    partId: a.partId,
  };
}

/** Guards the partId join: the walker's part must decode to what mailparser delivered. */
function sameContent(node: MimeNode, content: Buffer): boolean {
  return transferDecode(node).length === content.length;
}

/**
 * A forwarded message or report is text in the RFC 5322 canonical form: CRLF line ends. Files
 * stored with LF (Maildir, fixtures) and padding before the next boundary would otherwise give
 * the same attached message different bytes and hashes depending on how the outer mail was kept.
 */
function canonicalContent(contentType: string, content: Buffer): Buffer {
  if (!contentType.startsWith('message/') && contentType !== 'text/rfc822-headers') return content;
  return Buffer.from(content.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/[\r\n]+$/, ''), 'latin1');
}

/**
 * The Content-Disposition filename, unless a legacy-charset encoder replaced characters it could
 * not encode with '?' (never valid in a Windows filename) while Content-Type `name` kept them.
 * Any directory part is dropped: the name is only a label for the agent's download.
 */
function attachmentName(a: Attachment): string | null {
  const type = a.headers.get('content-type');
  const fromType = isStructured(type) ? type.params.name : undefined;
  let name = a.filename ?? fromType ?? '';
  const lossy = (s: string): boolean => s.includes('?') || s.includes(REPLACEMENT);
  if (fromType && lossy(name) && !lossy(fromType)) name = fromType;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean && clean !== '.' && clean !== '..' ? clean : null;
}

// ───────────────────────────── reports (DSN, MDN, ARF) ─────────────────────────────

async function fillReports(result: ParsedEmail, attachments: Attachment[]): Promise<void> {
  const ofType = (...types: string[]): Attachment[] => attachments.filter((a) => types.includes(a.contentType.toLowerCase()));
  const dsnParts = ofType('message/delivery-status', 'message/global-delivery-status');
  const original = ofType('message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers')[0];
  if (dsnParts.length > 0 || result.reportType === 'delivery-status') {
    const blocks = dsnParts.flatMap((p) => fieldBlocks(p.content));
    const perMessage = blocks.find((b) => b.has('reporting-mta') || b.has('arrival-date'));
    const originalHeaders = original ? await safeHeaders(original.content, result.warnings) : null;
    result.dsn = {
      reportingMta: perMessage?.get('reporting-mta') ?? null,
      recipients: blocks.filter((b) => b.has('action') || b.has('final-recipient')).map(toRecipient),
      originalMessageId: originalHeaders?.messageId ?? null,
      originalSubject: originalHeaders?.subject ?? null,
    };
  }
  const mdnPart = ofType('message/disposition-notification', 'message/global-disposition-notification')[0];
  if (mdnPart) {
    const fields = mergedFields(mdnPart.content);
    result.mdn = {
      disposition: fields.get('disposition') ?? null,
      originalMessageId: firstMessageId(fields.get('original-message-id') ?? ''),
      finalRecipient: fields.get('final-recipient') ?? null,
    };
  }
  const arfPart = ofType('message/feedback-report')[0];
  if (arfPart) result.feedbackType = mergedFields(arfPart.content).get('feedback-type')?.toLowerCase() ?? null;
}

/** A report body is blocks of header-style fields separated by blank lines (RFC 3464 §2). */
function fieldBlocks(content: Buffer): Array<Map<string, string>> {
  return content.toString('utf8').replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/).map((block) => {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\n(?=[ \t])/g, '').split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
    }
    return fields;
  }).filter((f) => f.size > 0);
}

function mergedFields(content: Buffer): Map<string, string> {
  return new Map(fieldBlocks(content).flatMap((b) => [...b]));
}

function toRecipient(fields: Map<string, string>): DsnRecipient {
  const finalRecipient = fields.get('final-recipient') ?? null;
  const typed = finalRecipient ?? fields.get('original-recipient') ?? '';
  const address = typed.slice(typed.indexOf(';') + 1).trim().replace(/^<|>$/g, '').toLowerCase() || null;
  const status = /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? null;
  return {
    finalRecipient,
    address,
    action: fields.get('action')?.toLowerCase() ?? null,
    status,
    diagnosticCode: fields.get('diagnostic-code') ?? null,
    remoteMta: fields.get('remote-mta') ?? null,
    retryable: status?.startsWith('4') ?? false,
  };
}

/** Subject and Message-ID of the returned message, decoded by mailparser (not by parseEmail). */
async function safeHeaders(content: Buffer, warnings: string[]): Promise<{ subject: string | null; messageId: string | null } | null> {
  try {
    const inner = await simpleParser(content, { skipHtmlToText: true, skipTextToHtml: true, checksumAlgo: false });
    const id = inner.headerLines.find((h) => h.key === 'message-id')?.line ?? '';
    return { subject: inner.subject?.trim() || null, messageId: firstMessageId(id.slice(id.indexOf(':') + 1)) };
  } catch (err) {
    warnings.push(`returned message: ${errorMessage(err)}`);
    return null;
  }
}

// ───────────────────────────── noise ─────────────────────────────

const AUTO_REPLY_HEADERS: Array<[keyof NoiseHeaders, string]> = [
  ['xAutoreply', 'X-Autoreply'],
  ['xAutorespond', 'X-Autorespond'],
  ['xAutoResponseSuppress', 'X-Auto-Response-Suppress'],
  ['xLoop', 'X-Loop'],
];

/**
 * Mail that must not open a ticket nor get an answer (ARCHITECTURE §4). Most specific evidence
 * first: a machine-readable report says exactly what the mail is; the headers after it only say
 * "sent by a machine". A null Return-Path comes last because RFC 3834 auto-replies use it too.
 */
export function classifyNoise(mail: Pick<ParsedEmail, 'reportType' | 'dsn' | 'mdn' | 'feedbackType' | 'headers' | 'from'>): Noise | null {
  const { headers } = mail;
  if (mail.reportType === 'feedback-report' || mail.feedbackType !== null) {
    return { kind: 'abuse_report', reason: `ARF feedback report (${mail.feedbackType ?? 'unknown type'})` };
  }
  if (mail.reportType === 'disposition-notification' || mail.mdn !== null) {
    return { kind: 'read_receipt', reason: `MDN (${mail.mdn?.disposition ?? 'disposition-notification'})` };
  }
  if (mail.dsn !== null) return dsnNoise(mail.dsn);
  const local = mail.from?.address?.split('@')[0] ?? '';
  if (/^mailer-?daemon$/i.test(local)) return { kind: 'bounce', reason: `sender ${mail.from?.address ?? ''}` };
  if (headers.xFailedRecipients) return { kind: 'bounce', reason: `X-Failed-Recipients: ${headers.xFailedRecipients}` };
  const autoSubmitted = token(headers.autoSubmitted);
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto_reply', reason: `Auto-Submitted: ${headers.autoSubmitted}` };
  for (const [key, name] of AUTO_REPLY_HEADERS) {
    if (headers[key] !== null) return { kind: 'auto_reply', reason: `${name}: ${headers[key]}` };
  }
  const precedence = token(headers.precedence);
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: `Precedence: ${headers.precedence}` };
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') {
    return { kind: 'list', reason: `Precedence: ${headers.precedence}` };
  }
  if (headers.returnPath !== null && /^<\s*>$/.test(headers.returnPath)) return { kind: 'bounce', reason: 'Return-Path: <> (null sender)' };
  return null;
}

/** The first word of a header value, lower-cased: `auto-generated (failure)` → `auto-generated`. */
function token(value: string | null): string | null {
  return value?.trim().split(/[\s;(]/)[0]?.toLowerCase() || null;
}

/**
 * Any failed recipient makes the report a bounce; only-delayed is a delay (the MTA keeps trying,
 * nothing failed yet); a report of successful delivery is a plain delivery report.
 */
function dsnNoise(dsn: DsnReport): Noise {
  const actions = dsn.recipients.map((r) => r.action);
  const count = (action: string): number => actions.filter((a) => a === action).length;
  if (count('failed') > 0 || actions.length === 0 || actions.every((a) => a === null)) {
    return { kind: 'bounce', reason: `DSN: ${count('failed')} of ${actions.length} recipient(s) failed` };
  }
  if (count('delayed') > 0) return { kind: 'delay', reason: `DSN: delivery delayed for ${count('delayed')} recipient(s)` };
  return { kind: 'delivery_report', reason: `DSN: ${actions.join(', ')}` };
}
