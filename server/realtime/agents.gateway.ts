import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import type { Principal } from '../agents/principal.js';
import type { Presence } from '../domain.js';
import { NotFoundError, RateLimitError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { ticketVisible } from '../tickets/ticket-access.js';
import { Member, Ticket } from '../db/entities/index.js';
import { CHAT_NAMESPACE, ticketRoom as chatTicketRoom } from '../../channels/webchat/chat-rooms.js';
import type { Viewer } from './contract.js';
import { ADMINS_ROOM, colleaguesRoom, agentRoom, principalRooms, ticketAudience, ticketRoom } from './audience.js';
import { ackOf, errorAnswer, refuse, validated, type AgentEvent } from './socket-schemas.js';
import { TicketBroadcaster } from './ticket-broadcaster.js';

export interface AgentsGatewayOptions {
  log: Logger;
  /** How long an agent's last socket may be gone before they count as offline (a reload or a flaky network is not leaving). */
  offlineGraceMs?: number;
  /** Client events per second and socket before RATE_LIMITED. */
  eventsPerSecond?: number;
  /** How often each socket's agent is read again: a revoked token or deactivated agent is cut off, changed departments re-join rooms. */
  recheckMs?: number;
}

interface AgentData {
  agentId: number;
  /** The token's version: a revocation (logout everywhere, password change) ends the socket. */
  tokenVersion: number;
  name: string;
  principal: Principal;
  /** Tickets this socket is looking at, and those it is typing on. */
  viewing: number[];
  typing: number[];
  /** Rate limit: events in the current second. */
  window: { second: number; count: number };
}

interface TicketPlace { departmentId: number; homeStore: string | null; channel: string }

/** The console's namespace (docs/realtime.md): handshake by login token, rooms by scope, viewers, typing, presence. */
export function attachAgents(io: SocketServer, s: Services, o: AgentsGatewayOptions): { nsp: Namespace; close(): Promise<void> } {
  const nsp = io.of('/agents');
  const graceMs = o.offlineGraceMs ?? 30_000;
  const perSecond = o.eventsPerSecond ?? 30;
  const offlineTimers = new Map<number, NodeJS.Timeout>();
  const broadcaster = new TicketBroadcaster({ nsp, feed: s.feed, queries: s.queries, clock: s.clock, log: o.log });
  const recheck = setInterval(() => { void recheckSockets(); }, o.recheckMs ?? 60_000);
  recheck.unref();

  nsp.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || !token) return next(refuse('AUTH_REQUIRED', 'connect with auth: { token } from POST /api/auth/login'));
      const claims = s.signer.verify(token, s.clock.now());
      const principal = claims ? await s.agents.principal(claims.sub, claims.ver) : null;
      if (!claims || !principal) return next(refuse('AUTH_INVALID', 'the token is invalid, expired or revoked; log in again'));
      if (principal.role === 'analyst') return next(refuse('FORBIDDEN', 'analysts see aggregates only; the live console is for agents'));
      const agent = await s.agents.get(principal.agentId);
      const data: AgentData = { agentId: agent.id, tokenVersion: claims.ver, name: agent.name, principal, viewing: [], typing: [], window: { second: 0, count: 0 } };
      socket.data = data;
      // The token's end is the socket's end: no event reaches it after the agent would have had to log in again.
      const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, claims.exp * 1000 - s.clock.now().getTime()));
      expiry.unref();
      socket.once('disconnect', () => clearTimeout(expiry));
      next();
    } catch (err) {
      o.log.error('agent socket handshake failed', { error: String(err instanceof Error ? err.message : err) });
      next(refuse('INTERNAL', 'the server could not check the token; try again'));
    }
  });

  nsp.on('connection', (socket) => {
    const data = socket.data as AgentData;
    void socket.join(principalRooms(data.principal));
    // Hello after presence is settled, so the console shows what its arrival made of it.
    void arrive(data)
      .catch((err) => { o.log.warn('presence on connect failed', { agentId: data.agentId, error: String(err) }); return null; })
      .then((presence) => socket.emit('hello', {
        agent: { id: data.agentId, name: data.name, role: data.principal.role, departmentIds: data.principal.departmentIds, presence },
        serverTime: s.clock.now().toISOString(),
      }));

    on(socket, 'ticket:view', async ({ ticketId }: { ticketId: number }) => {
      const place = await visiblePlace(data, ticketId);
      if (!data.viewing.includes(ticketId)) data.viewing.push(ticketId);
      await socket.join(ticketRoom(ticketId));
      const viewers = await announceViewers(ticketId, place);
      return { viewers };
    });
    on(socket, 'ticket:leave', async ({ ticketId }: { ticketId: number }) => {
      await leave(socket, data, ticketId);
      return {};
    });
    on(socket, 'ticket:typing', async ({ ticketId, typing }: { ticketId: number; typing: boolean }) => {
      if (!data.viewing.includes(ticketId)) throw new NotFoundError('viewed ticket', 'NOT_VIEWING');
      const was = data.typing.includes(ticketId);
      if (was === typing) return {};
      data.typing = typing ? [...data.typing, ticketId] : data.typing.filter((t) => t !== ticketId);
      const place = await placeOf(ticketId);
      if (place) {
        await announceViewers(ticketId, place);
        // The visitor's widget shows that someone is answering (web chat only; never who else is looking).
        if (place.channel === 'webchat') io.of(CHAT_NAMESPACE).to(chatTicketRoom(ticketId)).emit('chat:typing', { typing, agentName: firstName(data.name) });
      }
      return {};
    });
    on(socket, 'presence:set', async ({ presence }: { presence: Presence }) => {
      const change = await s.presence.set(data.agentId, presence);
      announcePresence(data, presence);
      return { presence: change.presence, reassigned: change.reassigned };
    });

    socket.on('disconnect', () => {
      for (const ticketId of data.viewing) {
        void placeOf(ticketId).then((place) => place && announceViewers(ticketId, place)).catch(() => undefined);
      }
      scheduleOffline(data);
    });
  });

  /** This process's sockets, their agents read again: cut off when revoked or deactivated, rooms rebuilt when the scope changed. */
  async function recheckSockets(): Promise<void> {
    for (const socket of nsp.sockets.values()) {
      const data = socket.data as AgentData;
      try {
        const principal = await s.agents.principal(data.agentId, data.tokenVersion);
        if (!principal || principal.role === 'analyst') {
          socket.emit('session:ended', { code: 'AUTH_INVALID', message: 'your session was ended (logged out elsewhere, password changed or account deactivated); log in again' });
          socket.disconnect(true);
          continue;
        }
        const before = principalRooms(data.principal);
        const after = principalRooms(principal);
        data.principal = principal;
        for (const room of before) if (!after.includes(room)) await socket.leave(room);
        await socket.join(after);
      } catch (err) {
        o.log.warn('agent socket recheck failed', { agentId: data.agentId, error: String(err instanceof Error ? err.message : err) });
      }
    }
  }

  /** Registers a validated, rate-limited handler that answers through the ack callback. */
  function on<T>(socket: Socket, event: AgentEvent, handler: (payload: T) => Promise<Record<string, unknown>>): void {
    socket.on(event, async (raw: unknown, ack?: unknown) => {
      const { payload, reply } = ackOf(raw, ack);
      const data = socket.data as AgentData;
      try {
        const second = Math.floor(Date.now() / 1000);
        if (data.window.second !== second) data.window = { second, count: 0 };
        if (++data.window.count > perSecond) throw new RateLimitError(1);
        reply({ ok: true, ...(await handler(validated<T>(event, payload))) });
      } catch (err) {
        const answer = errorAnswer(err);
        if (answer.error.code === 'INTERNAL') o.log.error('agent socket event failed', { event, agentId: data.agentId, error: String(err instanceof Error ? err.message : err) });
        reply(answer);
      }
    });
  }

  /** The ticket's department and store when the agent may see it (their scope re-read: a change of departments applies at once). */
  async function visiblePlace(data: AgentData, ticketId: number): Promise<TicketPlace> {
    const principal = await s.agents.principal(data.agentId, data.tokenVersion);
    if (!principal) throw new NotFoundError('ticket');
    data.principal = principal;
    const place = await placeOf(ticketId, principal);
    if (!place) throw new NotFoundError('ticket');
    return place;
  }

  /** The ticket's department, member's home store and channel; null when it is gone (or, given a principal, not visible to them). */
  async function placeOf(ticketId: number, visibleTo?: Principal): Promise<TicketPlace | null> {
    return s.db.read(async (m) => {
      const t = await m.findOne(Ticket, { where: { id: ticketId }, select: { id: true, departmentId: true, memberId: true, channel: true } });
      if (!t || (visibleTo && !(await ticketVisible(m, visibleTo, t)))) return null;
      const member = await m.findOne(Member, { where: { id: t.memberId }, select: { id: true, homeStore: true } });
      return { departmentId: t.departmentId, homeStore: member?.homeStore ?? null, channel: t.channel };
    });
  }

  async function leave(socket: Socket, data: AgentData, ticketId: number): Promise<void> {
    if (!data.viewing.includes(ticketId)) return;
    data.viewing = data.viewing.filter((t) => t !== ticketId);
    data.typing = data.typing.filter((t) => t !== ticketId);
    await socket.leave(ticketRoom(ticketId));
    const place = await placeOf(ticketId);
    if (place) await announceViewers(ticketId, place);
  }

  /** Everyone looking at the ticket, on every process (fetchSockets goes through the adapter), to the ticket's room and its queue. */
  async function announceViewers(ticketId: number, place: TicketPlace): Promise<Viewer[]> {
    const sockets = await nsp.in(ticketRoom(ticketId)).fetchSockets();
    const byAgent = new Map<number, Viewer>();
    for (const sock of sockets) {
      const d = sock.data as AgentData;
      if (!d?.viewing?.includes(ticketId)) continue;
      const v = byAgent.get(d.agentId) ?? { agentId: d.agentId, name: d.name, typing: false };
      v.typing ||= d.typing.includes(ticketId);
      byAgent.set(d.agentId, v);
    }
    const viewers = [...byAgent.values()];
    nsp.to([ticketRoom(ticketId), ...ticketAudience(place)]).emit('ticket:viewers', { ticketId, viewers });
    return viewers;
  }

  function announcePresence(data: AgentData, presence: Presence): void {
    const rooms = data.principal.role === 'admin' ? [agentRoom(data.agentId)] : data.principal.departmentIds.map(colleaguesRoom);
    nsp.to([ADMINS_ROOM, ...rooms]).emit('agent:presence', { agentId: data.agentId, name: data.name, presence });
  }

  /** First socket: online, unless the agent chose away (then they stay away). */
  async function arrive(data: AgentData): Promise<Presence> {
    const timer = offlineTimers.get(data.agentId);
    if (timer) { clearTimeout(timer); offlineTimers.delete(data.agentId); }
    const agent = await s.agents.get(data.agentId);
    if (agent.presence !== 'offline') return agent.presence;
    await s.presence.set(data.agentId, 'online');
    announcePresence(data, 'online');
    return 'online';
  }

  /** After the grace period, with no socket of theirs left on any process: offline (which may hand their tickets back). */
  function scheduleOffline(data: AgentData): void {
    const existing = offlineTimers.get(data.agentId);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      offlineTimers.delete(data.agentId);
      void (async () => {
        const left = await nsp.in(agentRoom(data.agentId)).fetchSockets();
        if (left.length) return;
        const agent = await s.agents.get(data.agentId);
        if (agent.presence === 'offline') return;
        await s.presence.set(data.agentId, 'offline');
        announcePresence(data, 'offline');
      })().catch((err) => o.log.warn('presence on disconnect failed', { agentId: data.agentId, error: String(err) }));
    }, graceMs);
    timer.unref();
    offlineTimers.set(data.agentId, timer);
  }

  return {
    nsp,
    async close() {
      clearInterval(recheck);
      for (const t of offlineTimers.values()) clearTimeout(t);
      offlineTimers.clear();
      await broadcaster.close();
    },
  };
}

/** What a member sees of an agent: the first word of their name. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}
