import type { Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { InboundMessage } from '../../channels/channel.js';
import { ChannelRegistry } from '../../channels/channel.js';
import type { Principal } from '../../server/agents/principal.js';
import { createApp, type AppOptions } from '../../server/app.js';
import type { Clock } from '../../server/clock.js';
import { systemClock } from '../../server/clock.js';
import { Database } from '../../server/db/database.js';
import { createDataSource } from '../../server/db/data-source.js';
import { silentLogger } from '../../server/logger.js';
import { Keyring, PiiVault } from '../../server/security/pii-vault.js';
import { buildServices, type ServiceOptions, type Services } from '../../server/services.js';
import type { TestEngine } from './engines.js';
import type { Notifier } from '../../server/notify/notification.js';
import { MemoryCounterStore } from '../../server/http/rate-limit.js';
import { attachRealtime, type Realtime, type RealtimeOptions } from '../../server/realtime/index.js';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestWorld {
  services: Services;
  baseUrl: string;
  /** Departments A and B, an agent of each, a supervisor of A, an admin; with tokens. */
  deptA: number;
  deptB: number;
  agentA: Principal & { token: string };
  agentB: Principal & { token: string };
  supervisorA: Principal & { token: string };
  admin: Principal & { token: string };
  api: Api;
  /** socket.io (docs/realtime.md), when started with `realtime`. */
  realtime: Realtime | null;
  stop(): Promise<void>;
}

export interface ApiResponse<T = any> { status: number; body: T; headers: Headers }
export type Api = (method: string, path: string, opts?: { token?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }) => Promise<ApiResponse>;

/**
 * A real server on port 0 against a fresh database of the given engine, with the domain wired as
 * in production (only the clock and extra channel adapters can be swapped).
 */
export async function startWorld(engine: TestEngine, opts: { clock?: Clock; channels?: ChannelRegistry; startDelivery?: boolean;
  /** Run the survey worker (default); tests driving an injected clock call services.surveys.runDue() themselves. */
  startSurveys?: boolean; surveys?: ServiceOptions['surveys'];
  /** Run the follow-up worker (off by default: tests call services.followUps.runDue() themselves). */
  startFollowUps?: boolean; app?: AppOptions; fileStore?: 'dir' | 'db'; notifiers?: Notifier[];
  /** Attach socket.io (agents and chat namespaces); `redisUrl` shares rooms with other worlds on the same database. */
  realtime?: boolean | Partial<RealtimeOptions>; } = {}): Promise<TestWorld> {
  const target = await engine.fresh();
  const ds = await createDataSource({ databaseUrl: target.databaseUrl, dataDir: null });
  await ds.runMigrations();
  const db = new Database(ds, target.databaseUrl ? 'mysql' : 'sqlite');
  const services = buildServices({
    db, vault: await PiiVault.open(db, new Keyring(randomBytes(32))), clock: opts.clock ?? systemClock, log: silentLogger,
    tokenTtlMinutes: 60, deliveryPollMs: 50, channels: opts.channels, fileStore: opts.fileStore, notifiers: opts.notifiers, surveys: opts.surveys,
  });
  const app = createApp(services, opts.app);
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const port = (server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const realtime = opts.realtime
    ? await attachRealtime(server, services, { log: silentLogger, counters: new MemoryCounterStore(), ...(opts.realtime === true ? {} : opts.realtime) })
    : null;
  if (opts.startDelivery !== false) services.delivery.start();
  if (opts.startSurveys !== false) services.surveyWorker.start();
  if (opts.startFollowUps === true) services.followUpWorker.start();

  // What bootstrap installs on every start: the default follow-up rules (docs/follow-ups.md).
  await services.followUps.rules.ensureDefaults();
  const deptA = (await services.departments.create({ name: 'Dept A', isDefault: true })).id;
  const deptB = (await services.departments.create({ name: 'Dept B' })).id;
  const mk = async (name: string, role: Principal['role'], departmentIds: number[]) => {
    const a = await services.agents.create({ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@test.memberdesk`, password: TEST_PASSWORD, role, departmentIds });
    return { agentId: a.id, role, departmentIds, token: services.signer.issue(a.id, 0, new Date()).token };
  };
  const [agentA, agentB, supervisorA, admin] = await Promise.all([
    mk('Agent A', 'agent', [deptA]), mk('Agent B', 'agent', [deptB]), mk('Supervisor A', 'supervisor', [deptA]), mk('Admin', 'admin', []),
  ]);

  const api: Api = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) { body = o.raw; headers['content-type'] = o.contentType ?? 'text/plain'; }
    else if (o.body !== undefined) { body = JSON.stringify(o.body); headers['content-type'] = 'application/json'; }
    const res = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
    const textBody = await res.text();
    let parsed: unknown = textBody;
    try { parsed = textBody ? JSON.parse(textBody) : null; } catch { /* leave text */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    services, baseUrl, deptA, deptB, agentA, agentB, supervisorA, admin, api, realtime,
    async stop() {
      const closed = realtime ? realtime.close() : new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await closed;
      server.closeAllConnections?.();
      await services.delivery.stop();
      await services.surveyWorker.stop();
      await services.followUpWorker.stop();
      await services.slaScheduler.stop();
      await services.notifications.stop();
      await ds.destroy();
      await target.drop();
    },
  };
}

let seq = 0;
/** An inbound message with unique ids unless told otherwise. */
export function inbound(over: Partial<InboundMessage> = {}): InboundMessage {
  seq++;
  return {
    channel: 'email',
    externalId: `<${randomUUID()}@test.example>`,
    from: { kind: 'email', value: `member${seq}-${randomBytes(3).toString('hex')}@example.com` },
    subject: `Question ${seq}`,
    text: `Hello, this is message ${seq}.`,
    receivedAt: new Date(),
    ...over,
  };
}
