import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ValidateFunction } from 'ajv';
import type { Server as SocketServer, Socket } from 'socket.io';
import { AppError, NotFoundError, UnprocessableError, ValidationError } from '../../server/errors.js';
import type { Config } from '../../server/config.js';
import type { CounterStore } from '../../server/http/rate-limit.js';
import type { Logger } from '../../server/logger.js';
import { normaliseIdentity } from '../../server/members/identity.js';
import type { Services } from '../../server/services.js';
import { ticketRoom as agentTicketRoom } from '../../server/realtime/audience.js';
import { ackOf, errorAnswer, refuse } from '../../server/realtime/socket-schemas.js';
import {
  issueVisitorToken, memberIdentity, verifyMemberSignature, verifyVisitorToken, visitorIdentity, type ChatIdentity,
} from './chat-identity.js';
import { CHAT_NAMESPACE, ticketRoom, visitorRoom } from './chat-rooms.js';
import {
  describeErrors, validateAuth, validateMessage, validatePrechat, validateSurvey, validateTranscript, validateTyping,
  type ChatMessageIn, type ChatPrechatIn, type ChatSurveyIn, type ChatTranscriptIn, type ChatTypingIn,
} from './chat.schemas.js';
import { ChatStore } from './chat.store.js';
import { chatLocale, isTimeZone, transcriptNote, type ChatLocale } from './chat-texts.js';
import { WebchatAdapter } from './webchat.adapter.js';

/** Limits of the widget's socket (docs/webchat.md, "Limits"). Counters are shared through Redis when configured. */
export interface ChatLimits {
  /** Messages a visitor may send per minute. */
  messagesPerMinute: number;
  /** Messages per minute from one IP address (all its visitors together). */
  messagesPerMinutePerIp: number;
  /** New socket connections per minute from one IP address. */
  connectionsPerMinutePerIp: number;
  /** Transcripts a visitor may ask for per hour. */
  transcriptsPerHour: number;
  /** Pre-chat submissions a visitor may make per minute. */
  prechatPerMinute: number;
  /** Characters in one message. */
  maxTextLength: number;
  /** Events per second one socket may send before they are refused (typing floods). */
  eventsPerSecond: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  messagesPerMinute: 20, messagesPerMinutePerIp: 60, connectionsPerMinutePerIp: 30, transcriptsPerHour: 5, prechatPerMinute: 10,
  maxTextLength: 4000, eventsPerSecond: 20,
};

/** Settings of the web chat widget (MEMBERDESK_WEBCHAT_*). */
export interface ChatOptions {
  /** Shared secret the member site signs member ids with (HMAC-SHA256); none: every visitor is anonymous. */
  memberSecret?: string | null;
  /** Exact origins of the pages that may embed the widget (scheme://host[:port]); empty or absent: any page. */
  allowedOrigins?: readonly string[];
  limits?: Partial<ChatLimits>;
  /** How long a member site's signature is accepted after its timestamp (default 24 h). */
  signatureMaxAgeSeconds?: number;
}

/** The MEMBERDESK_WEBCHAT_* settings as the gateway takes them (server/runtime.ts passes this to attachRealtime's `chat`). */
export function chatOptionsFrom(c: Pick<Config, 'webchatSecret' | 'webchatOrigins' | 'webchatRatePerMinute' | 'webchatIpRatePerMinute'>): ChatOptions {
  return {
    memberSecret: c.webchatSecret, allowedOrigins: c.webchatOrigins,
    limits: { messagesPerMinute: c.webchatRatePerMinute, messagesPerMinutePerIp: c.webchatIpRatePerMinute },
  };
}

interface ChatSocketData {
  identity: ChatIdentity;
  /** Keyed hash of the identity: names its room of sockets, its counters and (with the widget's clientId) its message ids. */
  key: string;
  visitorToken: string;
  ip: string;
  locale: ChatLocale;
  timeZone: string | null;
  memberId: number | null;
  ticketId: number | null;
  typing: boolean;
  flood: { second: number; count: number };
  lookedUpAt: number;
}

/** Any event, any arguments: payloads are checked at run time by the schemas. */
type AnyEvents = Record<string, (...args: unknown[]) => void>;
type ChatSocket = Socket<AnyEvents, AnyEvents, AnyEvents, ChatSocketData>;

const whoRoom = (key: string): string => `who:${key}`;

/**
 * The /chat namespace (docs/webchat.md): the handshake decides who the visitor is (a signed member,
 * or an anonymous visitor with a server-issued token); every event is validated and answered through
 * its acknowledgement; messages go through tickets.ingest() like every channel's. Agent replies come
 * back through the WebchatAdapter (bound here), which the delivery worker calls after commit.
 */
export function attachChat(io: SocketServer, deps: ChatOptions & { services: Services; log: Logger; counters: CounterStore }): { close(): void } {
  const { services: s, log, counters } = deps;
  const limits: ChatLimits = { ...DEFAULT_CHAT_LIMITS, ...deps.limits };
  const maxAge = deps.signatureMaxAgeSeconds ?? 24 * 3600;
  const visitorKey = s.vault.subKey('webchat-visitor');
  const identityKey = s.vault.subKey('webchat-identity');
  const store = new ChatStore(s.db, s.vault);
  const nsp = io.of(CHAT_NAMESPACE);
  const adapter = s.channels.get('webchat');
  if (adapter instanceof WebchatAdapter) adapter.bind(io);
  const origins = new Set((deps.allowedOrigins ?? []).map((o) => o.toLowerCase()));

  /** A page of this server itself, or one the configuration lists; any page when none is listed. */
  const originAllowed = (origin: string | undefined, host: string | undefined): boolean => {
    if (!origins.size || origin === undefined) return true; // no Origin: not a browser page of another site
    const o = origin.toLowerCase();
    if (origins.has(o)) return true;
    try { return new URL(o).host === host?.toLowerCase(); } catch { return false; }
  };

  // The widget runs on other sites' pages: its HTTP long-polling requests are cross-origin. No credentials are
  // involved (the chat and the console both authenticate in the socket.io handshake), so the answer may be read.
  const corsHeaders = (headers: Record<string, string>, req: IncomingMessage): void => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !originAllowed(origin, req.headers.host)) return;
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Vary'] = 'Origin';
  };
  io.engine?.on('headers', corsHeaders);

  const over = async (key: string, limit: number, windowMs: number): Promise<boolean> => {
    try {
      return (await counters.hit(key, windowMs)) > limit;
    } catch {
      return false; // a broken counter must not take the chat down
    }
  };

  // ── handshake ──────────────────────────────────────────────────────────────
  nsp.use((raw, next) => {
    const socket = raw as unknown as ChatSocket;
    admit(socket).then(() => next(), (err: unknown) => {
      const { code, message } = errorBody(err, log, 'handshake');
      next(refuse(code, message));
    });
  });

  async function admit(socket: ChatSocket): Promise<void> {
    const hs = socket.handshake;
    const origin = typeof hs.headers.origin === 'string' ? hs.headers.origin : undefined;
    if (!originAllowed(origin, hs.headers.host)) throw new AppError('ORIGIN_NOT_ALLOWED', 'this site may not embed the chat (MEMBERDESK_WEBCHAT_ORIGINS)', 403);
    const ip = clientIp(hs.address, hs.headers['x-forwarded-for']);
    if (await over(`chat:conn:ip:${ip}`, limits.connectionsPerMinutePerIp, 60_000)) throw new AppError('RATE_LIMITED', 'too many chat connections from this address; try again in a minute', 429);
    const auth: unknown = hs.auth ?? {};
    if (!validateAuth(auth)) throw new ValidationError(`invalid handshake: ${describeErrors(validateAuth as ValidateFunction)}`);

    let identity: ChatIdentity | null = null;
    if (auth.member) {
      const check = verifyMemberSignature(deps.memberSecret, auth.member, Math.floor(s.clock.now().getTime() / 1000), maxAge);
      if (check.ok) identity = memberIdentity(check.memberId);
      // No member id, no signature, no address: which check failed is enough to find a broken member site.
      else log.warn('webchat member signature refused; the visitor continues anonymously', { reason: check.reason });
    }
    let visitorId = verifyVisitorToken(visitorKey, auth.visitorToken);
    let visitorToken = auth.visitorToken ?? '';
    if (!visitorId) ({ visitorId, token: visitorToken } = issueVisitorToken(visitorKey));
    identity ??= visitorIdentity(visitorId);

    const memberId = (await s.members.findByIdentity('webchat', identity.value))?.id ?? null;
    const ticket = memberId === null ? null : await store.openTicket(memberId);
    socket.data = {
      identity, key: createHmac('sha256', identityKey).update(identity.value).digest('base64url').slice(0, 24),
      visitorToken, ip, locale: chatLocale(auth.locale ?? null),
      timeZone: auth.timeZone && isTimeZone(auth.timeZone) ? auth.timeZone : null,
      memberId, ticketId: ticket?.id ?? null, typing: false, flood: { second: 0, count: 0 }, lookedUpAt: Date.now(),
    };
  }

  // ── events ─────────────────────────────────────────────────────────────────
  nsp.on('connection', (raw) => {
    const socket = raw as unknown as ChatSocket;
    const d = socket.data;
    void socket.join(whoRoom(d.key));
    if (d.memberId !== null) void socket.join(visitorRoom(d.memberId));
    if (d.ticketId !== null) void socket.join(ticketRoom(d.ticketId));

    on(socket, 'chat:message', validateMessage, (p) => message(socket, p));
    on(socket, 'chat:typing', validateTyping, (p) => typing(socket, p));
    on(socket, 'chat:prechat', validatePrechat, (p) => prechat(socket, p));
    on(socket, 'chat:transcript', validateTranscript, (p) => transcript(socket, p));
    on(socket, 'chat:survey', validateSurvey, (p) => survey(socket, p));
    socket.on('disconnect', () => {
      if (d.typing && d.ticketId !== null) io.of('/agents').to(agentTicketRoom(d.ticketId)).emit('member:typing', { ticketId: d.ticketId, typing: false });
    });
    void hello(socket);
  });

  async function hello(socket: ChatSocket): Promise<void> {
    const d = socket.data;
    try {
      const ticket = d.ticketId === null ? null : await store.ticket(d.ticketId);
      const [history, agentsOnline] = await Promise.all([
        ticket ? store.history(ticket.id) : d.memberId !== null ? store.pendingSurvey(d.memberId, s.clock.now()).then((p) => (p ? [p] : [])) : Promise.resolve([]),
        store.agentsOnline(ticket?.departmentId ?? null),
      ]);
      socket.emit('chat:hello', {
        visitorToken: d.visitorToken, identified: d.identity.kind === 'member', history,
        ...(ticket ? { ticketNumber: ticket.number } : {}), agentsOnline,
      });
    } catch (err) {
      log.error('webchat hello failed', { error: errorText(err) });
      socket.emit('chat:hello', { visitorToken: d.visitorToken, identified: d.identity.kind === 'member', history: [], agentsOnline: false });
    }
  }

  /** One validated, rate-limited handler per event; every outcome answers the ack `{ ok: true, … }` or `{ ok: false, error }`. */
  function on<T>(socket: ChatSocket, event: string, validate: ValidateFunction<T>, fn: (payload: T) => Promise<Record<string, unknown>>): void {
    socket.on(event, (raw: unknown, ack?: unknown) => {
      const { payload, reply } = ackOf(raw, ack);
      const now = Math.floor(Date.now() / 1000);
      const flood = socket.data.flood;
      if (flood.second !== now) { flood.second = now; flood.count = 0; }
      if (++flood.count > limits.eventsPerSecond) return reply(fail('RATE_LIMITED', 'too many events; slow down'));
      if (!validate(payload)) return reply(fail('VALIDATION_FAILED', `invalid ${event}: ${describeErrors(validate as ValidateFunction)}`));
      fn(payload).then((answer) => reply({ ok: true, ...answer }), (err: unknown) => reply({ ok: false, error: errorBody(err, log, event) }));
    });
  }

  async function message(socket: ChatSocket, p: ChatMessageIn): Promise<Record<string, unknown>> {
    const d = socket.data;
    const text = p.text.replace(/\r\n?/g, '\n');
    if (!text.trim()) throw new ValidationError('text is empty');
    if ([...text].length > limits.maxTextLength) throw new ValidationError(`text is longer than ${limits.maxTextLength} characters`, { field: 'text', maxLength: limits.maxTextLength });
    if (await over(`chat:msg:v:${d.key}`, limits.messagesPerMinute, 60_000) || await over(`chat:msg:ip:${d.ip}`, limits.messagesPerMinutePerIp, 60_000)) {
      throw new AppError('RATE_LIMITED', 'too many messages; wait a minute and send again', 429);
    }
    const receivedAt = s.clock.now();
    const result = await s.tickets.ingest({
      channel: 'webchat', externalId: `wc:${d.key}:${p.clientId}`, from: { kind: 'webchat', value: d.identity.value },
      text, receivedAt, continueOpenTicket: true, meta: { clientId: p.clientId, locale: d.locale },
    });
    const ticket = await store.ticket(result.ticketId);
    if (!ticket) throw new Error('ticket of an ingested message is gone');
    follow(socket, ticket.memberId, ticket.id);
    let notice: Record<string, unknown> | undefined;
    if (!result.duplicate) {
      socket.to(visitorRoom(ticket.memberId)).emit('chat:message', {
        id: result.messageId, author: 'member', text, createdAt: receivedAt.toISOString(), ticketNumber: ticket.number,
      });
      if (result.created && !(await store.agentsOnline(ticket.departmentId))) {
        notice = { kind: 'offline', ...(ticket.firstResponseDueAt ? { expectedBy: ticket.firstResponseDueAt.toISOString() } : {}) };
        nsp.to(visitorRoom(ticket.memberId)).emit('chat:notice', notice);
      }
    }
    return { messageId: result.messageId, ticketNumber: result.ticketNumber, duplicate: result.duplicate, ...(notice ? { notice } : {}) };
  }

  async function typing(socket: ChatSocket, p: ChatTypingIn): Promise<Record<string, unknown>> {
    const ticketId = await currentTicket(socket);
    if (ticketId !== null && (p.typing || socket.data.typing)) {
      io.of('/agents').to(agentTicketRoom(ticketId)).emit('member:typing', { ticketId, typing: p.typing });
    }
    socket.data.typing = p.typing;
    return {};
  }

  async function prechat(socket: ChatSocket, p: ChatPrechatIn): Promise<Record<string, unknown>> {
    const d = socket.data;
    if (await over(`chat:prechat:v:${d.key}`, limits.prechatPerMinute, 60_000)) throw new AppError('RATE_LIMITED', 'too many updates; wait a minute', 429);
    const name = p.name?.trim() || undefined;
    const email = p.email?.trim() ? normaliseIdentity('email', p.email) : undefined;
    if (!name && !email) return {};
    const memberId = await remember(socket, { name, email });
    follow(socket, memberId, d.ticketId);
    return {};
  }

  async function transcript(socket: ChatSocket, p: ChatTranscriptIn): Promise<Record<string, unknown>> {
    const d = socket.data;
    if (!s.channels.get('email')) throw new UnprocessableError('EMAIL_UNAVAILABLE', 'transcripts by email are not available here (no email channel is configured)');
    const email = p.email?.trim() ? normaliseIdentity('email', p.email) : undefined;
    const memberId = d.memberId ?? (await s.members.findByIdentity('webchat', d.identity.value))?.id ?? null;
    const ticket = memberId === null ? null : await store.openTicket(memberId);
    if (memberId === null || !ticket) throw new UnprocessableError('NO_CONVERSATION', 'there is no conversation to send yet');
    if (await over(`chat:transcript:v:${d.key}`, limits.transcriptsPerHour, 3_600_000)) throw new AppError('RATE_LIMITED', 'too many transcripts asked for; try again later', 429);
    let to: string | null = null;
    if (email) {
      await remember(socket, { email });
      // Not the record's address (a signed member's own stays; another member's is never moved): this transcript still goes where asked.
      if ((await store.emailOf(memberId)) !== email) to = await store.sealForMember(memberId, email);
    } else if (!(await store.emailOf(memberId))) {
      throw new UnprocessableError('EMAIL_REQUIRED', 'give an email address to send the transcript to');
    }
    await s.tickets.addAutomaticMessage(ticket.id, memberId, {
      channel: 'webchat', text: transcriptNote(d.locale), event: 'transcript.requested',
      meta: { transcript: true, locale: d.locale, ...(d.timeZone ? { timeZone: d.timeZone } : {}), ...(to ? { to } : {}) },
    });
    return {};
  }

  /** The visitor's answer to a survey prompt shown in the widget: theirs only (another member's survey id is "not found"). */
  async function survey(socket: ChatSocket, p: ChatSurveyIn): Promise<Record<string, unknown>> {
    const d = socket.data;
    const memberId = d.memberId ?? (await s.members.findByIdentity('webchat', d.identity.value))?.id ?? null;
    if (memberId === null) throw new NotFoundError('survey', 'SURVEY_NOT_FOUND');
    const answer = await s.surveys.answerFromWidget(memberId, p.surveyId, { rating: p.rating, comment: p.comment ?? null });
    nsp.to(visitorRoom(memberId)).emit('chat:survey', { surveyId: p.surveyId, status: 'answered', rating: answer.rating });
    return { rating: answer.rating };
  }

  /**
   * Pre-chat details onto the member record (created now if this is the visitor's first contact): the
   * name when the record has none, the email as an email identity, encrypted. An anonymous visitor's
   * record is theirs alone, so a newer address replaces the old one; a signed member's is the member
   * site's, so an address already there stays. An address of another member is not linked, and the
   * visitor is not told (that would reveal who is a member).
   */
  async function remember(socket: ChatSocket, details: { name?: string; email?: string }): Promise<number> {
    const d = socket.data;
    const { memberId, outcome } = await s.db.sqlTx(async (sql) => {
      const { member } = await s.members.resolveOrCreate(sql, { kind: 'webchat', value: d.identity.value, ...(details.name ? { name: details.name } : {}) });
      const r = await s.members.addContact(sql, member.id, {
        name: details.name, identity: details.email ? { kind: 'email', value: details.email } : undefined, replace: d.identity.kind === 'visitor',
      });
      return { memberId: member.id, outcome: r.identity };
    }, { retryOnConflict: true });
    if (outcome === 'taken' || outcome === 'kept') log.info('webchat email not linked to the member', { memberId, reason: outcome });
    return memberId;
  }

  /** After the visitor's member or ticket became known: every socket of this visitor joins their rooms (on every process). */
  function follow(socket: ChatSocket, memberId: number, ticketId: number | null): void {
    const d = socket.data;
    const rooms = [visitorRoom(memberId), ...(ticketId !== null ? [ticketRoom(ticketId)] : [])];
    if (d.ticketId !== null && d.ticketId !== ticketId) void socket.leave(ticketRoom(d.ticketId));
    d.memberId = memberId;
    d.ticketId = ticketId;
    void socket.join(rooms);
    nsp.in(whoRoom(d.key)).socketsJoin(rooms);
  }

  /** The ticket this socket shows; looked up again (at most every few seconds) when another tab started it. */
  async function currentTicket(socket: ChatSocket): Promise<number | null> {
    const d = socket.data;
    if (d.ticketId !== null || Date.now() - d.lookedUpAt < 5_000) return d.ticketId;
    d.lookedUpAt = Date.now();
    d.memberId ??= (await s.members.findByIdentity('webchat', d.identity.value))?.id ?? null;
    const ticket = d.memberId === null ? null : await store.openTicket(d.memberId);
    if (ticket) follow(socket, ticket.memberId, ticket.id);
    return d.ticketId;
  }

  return {
    close() {
      io.engine?.off('headers', corsHeaders);
      nsp.removeAllListeners('connection');
      if (adapter instanceof WebchatAdapter) adapter.bind(null);
    },
  };
}

function fail(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

/** The error of a refusal (errorAnswer's, shared with /agents); unexpected failures are logged (no payloads: they may hold PII). */
function errorBody(err: unknown, log: Logger, where: string): { code: string; message: string; details?: unknown } {
  const { error } = errorAnswer(err);
  if (error.code === 'INTERNAL') log.error('webchat event failed', { event: where, error: errorText(err) });
  return error;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/**
 * The visitor's address: the peer, or behind a local reverse proxy (express's `trust proxy: loopback`)
 * the right-most X-Forwarded-For entry that is not a loopback proxy itself.
 */
export function clientIp(peer: string, forwarded: string | string[] | undefined): string {
  const isLoopback = (a: string) => a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
  if (!isLoopback(peer) || !forwarded) return peer;
  const chain = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',').map((a) => a.trim()).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) if (!isLoopback(chain[i]!)) return chain[i]!;
  return peer;
}
