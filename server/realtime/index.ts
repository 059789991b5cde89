import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { CounterStore } from '../http/rate-limit.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { attachChat, type ChatOptions } from '../../channels/webchat/chat.gateway.js';
import { attachAgents, type AgentsGatewayOptions } from './agents.gateway.js';

export interface RealtimeOptions {
  log: Logger;
  /** Fan-out across server processes (REDIS_URL); this process only when absent. */
  redisUrl?: string | null;
  /** Rate-limit counters (shared through Redis when configured). */
  counters: CounterStore;
  /** Web chat widget settings (the /chat namespace). */
  chat?: ChatOptions;
  /** The console's namespace: presence grace, event rate. */
  agents?: Omit<AgentsGatewayOptions, 'log'>;
}

export interface Realtime {
  io: SocketServer;
  close(): Promise<void>;
}

/** socket.io on the HTTP server: the agents' namespace and the chat widget's (docs/realtime.md). */
export async function attachRealtime(http: HttpServer, s: Services, o: RealtimeOptions): Promise<Realtime> {
  const io = new SocketServer(http, { serveClient: false, maxHttpBufferSize: 256 * 1024, pingInterval: 20_000, pingTimeout: 20_000 });
  const redis = o.redisUrl ? await redisAdapter(io, o.redisUrl, o.log) : null;
  const agents = attachAgents(io, s, { log: o.log, ...o.agents });
  const chat = attachChat(io, { services: s, log: o.log, counters: o.counters, ...o.chat });
  return {
    io,
    async close() {
      chat.close();
      await agents.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await redis?.close();
    },
  };
}

async function redisAdapter(io: SocketServer, url: string, log: Logger): Promise<{ close(): Promise<void> }> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (err: unknown) => log.warn('realtime redis error', { error: String(err) }));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  return { async close() { await Promise.allSettled([pub.quit(), sub.quit()]); } };
}
