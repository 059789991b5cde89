import { io, type Socket } from 'socket.io-client';
import { expectEventually } from './expect-eventually.js';

/** A console's socket as a test sees it: everything it received, in order, and helpers to wait for some of it. */
export interface AgentClient {
  socket: Socket;
  received: Array<{ event: string; payload: any }>;
  /** Payloads of one event received so far. */
  all(event: string): any[];
  /** Resolves with the first payload of `event` matching `where` (received before or after the call). */
  next(event: string, where?: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Emits with an ack and resolves with the server's answer. */
  call(event: string, payload: unknown): Promise<any>;
  close(): void;
}

/** Connects to /agents; rejects with the connect_error (its message is the refusal code) when the handshake is refused. */
export async function connectAgent(baseUrl: string, token: string | undefined, namespace = '/agents'): Promise<AgentClient> {
  const socket = io(baseUrl + namespace, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const received: AgentClient['received'] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => { socket.close(); reject(err); });
  });
  const client: AgentClient = {
    socket,
    received,
    all: (event) => received.filter((r) => r.event === event).map((r) => r.payload),
    next: (event, where = () => true, timeoutMs = 5000) => expectEventually(() => {
      const hit = received.find((r) => r.event === event && where(r.payload));
      if (!hit) throw new Error(`no ${event} matching the condition among ${received.map((r) => r.event).join(', ') || 'nothing'}`);
      return hit.payload;
    }, timeoutMs),
    call: (event, payload) => socket.timeout(5000).emitWithAck(event, payload),
    close: () => { socket.close(); },
  };
  return client;
}

/** The refusal of a handshake: its code (connect_error's message) and the data the server attached. */
export async function refusal(baseUrl: string, token: string | undefined): Promise<{ code: string; data: unknown }> {
  try {
    const c = await connectAgent(baseUrl, token);
    c.close();
  } catch (err) {
    return { code: (err as Error).message, data: (err as { data?: unknown }).data };
  }
  throw new Error('the handshake was accepted');
}
