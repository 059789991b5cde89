import { io, type Socket } from 'socket.io-client';
import { syncServerTime } from './server-clock';
import type { Ack, AckError, Hello, Message, Notice, Presence, QueueItem, Viewer } from './types';

/** Server → client events of the `/agents` namespace (docs/realtime.md). */
export interface ServerEvents {
  hello: (p: Hello) => void;
  'ticket:upsert': (p: { ticket: QueueItem; cause: string[] }) => void;
  'ticket:removed': (p: { ticketId: number }) => void;
  'message:new': (p: { ticketId: number; message: Message }) => void;
  'ticket:viewers': (p: { ticketId: number; viewers: Viewer[] }) => void;
  'member:typing': (p: { ticketId: number; typing: boolean }) => void;
  notice: (p: Notice) => void;
  'agent:presence': (p: { agentId: number; name: string; presence: Presence }) => void;
}

type AckFn<T extends object = object> = (r: Ack<T>) => void;
interface ClientEvents {
  'ticket:view': (p: { ticketId: number }, ack: AckFn<{ viewers: Viewer[] }>) => void;
  'ticket:leave': (p: { ticketId: number }, ack: AckFn) => void;
  'ticket:typing': (p: { ticketId: number; typing: boolean }, ack: AckFn) => void;
  'presence:set': (p: { presence: Presence }, ack: AckFn<{ presence: Presence }>) => void;
}

/** live: connected; reconnecting: trying (also while the server has no /agents yet); refused: it said no for good. */
export type ConnState = 'connecting' | 'live' | 'reconnecting' | 'refused';

type EventName = keyof ServerEvents;
type Payload<E extends EventName> = Parameters<ServerEvents[E]>[0];
type Handler<E extends EventName> = (p: Payload<E>) => void;

const FORWARDED: readonly EventName[] = ['hello', 'ticket:upsert', 'ticket:removed', 'message:new', 'ticket:viewers', 'member:typing', 'notice', 'agent:presence'];
const ACK_TIMEOUT_MS = 5000;

/**
 * One socket for the session. Components subscribe here rather than to the socket, so their handlers
 * survive reconnects; `onConnect` is where they resynchronise (the server replays nothing it missed).
 */
export class Realtime {
  private socket: Socket<ServerEvents, ClientEvents> | null = null;
  private handlers = new Map<EventName, Set<(p: never) => void>>();
  private connectListeners = new Set<() => void>();
  private stateListeners = new Set<(s: ConnState) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelayMs = 2000;
  state: ConnState = 'connecting';

  constructor(private readonly token: string, private readonly onAuthRefused: () => void) {}

  start(): void {
    if (this.socket) return;
    const socket: Socket<ServerEvents, ClientEvents> = io('/agents', { auth: { token: this.token }, reconnectionDelayMax: 10_000 });
    this.socket = socket;
    // The untyped view: one generic forwarder per event instead of eight typed ones.
    const untyped = socket as unknown as Socket;
    for (const name of FORWARDED) untyped.on(name, (p: unknown) => this.dispatch(name, p as Payload<typeof name>));
    socket.on('hello', (p) => syncServerTime(p.serverTime, true));
    socket.on('connect', () => {
      this.retryDelayMs = 2000;
      this.setState('live');
      for (const l of this.connectListeners) l();
    });
    socket.on('disconnect', (reason) => {
      this.setState('reconnecting');
      // The server closed us (a revoked token, a restart that refused us): socket.io leaves that to us.
      if (reason === 'io server disconnect') {
        this.onAuthRefused();
        this.retryLater();
      }
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      const code = err.data?.code ?? err.message;
      if (code === 'FORBIDDEN') {
        this.setState('refused');
        return;
      }
      if (code === 'AUTH_INVALID' || code === 'AUTH_REQUIRED') this.onAuthRefused();
      this.setState('reconnecting');
      // A refusal by the namespace (or a server without /agents yet) is not retried by socket.io itself.
      if (!socket.active) this.retryLater();
    });
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.disconnect();
    this.socket = null;
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.socket?.connect();
    }, this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 60_000);
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private dispatch<E extends EventName>(name: E, payload: Payload<E>): void {
    for (const h of this.handlers.get(name) ?? []) (h as Handler<E>)(payload);
  }

  on<E extends EventName>(name: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (p: never) => void);
    return () => { set.delete(handler as (p: never) => void); };
  }

  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => { this.connectListeners.delete(listener); };
  }

  onState(listener: (s: ConnState) => void): () => void {
    this.stateListeners.add(listener);
    return () => { this.stateListeners.delete(listener); };
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /**
   * Sends only while connected: socket.io would buffer the emit and replay it on reconnect, after our
   * own resync has already sent the current state (a stale `typing: true` would linger).
   */
  private send<E extends keyof ClientEvents>(event: E, payload: Parameters<ClientEvents[E]>[0]): Promise<Ack<Record<string, unknown>>> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: { code: 'OFFLINE', message: 'not connected' } });
    // The untyped view: socket.io's typings do not carry acknowledgement types through timeout().
    const untyped = socket as unknown as Socket;
    return new Promise((resolve) => {
      untyped.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, r: Ack<Record<string, unknown>>) => {
        resolve(err ? { ok: false, error: { code: 'TIMEOUT', message: 'the server did not answer' } } : r);
      });
    });
  }

  async view(ticketId: number): Promise<Viewer[] | null> {
    const r = await this.send('ticket:view', { ticketId });
    return r.ok && Array.isArray(r.viewers) ? r.viewers as Viewer[] : null;
  }

  leave(ticketId: number): void {
    void this.send('ticket:leave', { ticketId });
  }

  typing(ticketId: number, typing: boolean): void {
    void this.send('ticket:typing', { ticketId, typing });
  }

  async setPresence(presence: Presence): Promise<AckError | null> {
    const r = await this.send('presence:set', { presence });
    return r.ok ? null : r.error;
  }
}
