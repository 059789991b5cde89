import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { ENGINES, type TestEngine } from '../helpers/engines.js';
import { connectAgent, type AgentClient } from '../helpers/agent-socket.js';
import { errorsIn, isRunning, loginTo, serverApi, serverEnv, startServer, stopServer, type ServerProcess, type Spawned } from '../helpers/server-process.js';

/**
 * Two real server processes on one MariaDB database and one Redis (the socket.io adapter): a console
 * connected to process A hears of a message ingested by process B, and agents on different processes
 * see each other viewing and typing. MySQL only: the embedded engine has a single process by construction.
 */
const ADMIN_EMAIL = 'admin@realtime-mp.test';
const ADMIN_PASSWORD = 'realtime-multiprocess-password';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const mysqlEngine: TestEngine | undefined = ENGINES.find((e) => e.name === 'mysql');

(mysqlEngine ? describe : describe.skip)('realtime across two server processes with the Redis adapter [mysql]', function () {
  this.timeout(120_000);
  let dataDir: string | undefined;
  let target: Awaited<ReturnType<TestEngine['fresh']>> | undefined;
  const servers: Spawned[] = [];
  let procA: ServerProcess | undefined;
  let procB: ServerProcess | undefined;
  const sockets: AgentClient[] = [];

  before(async () => {
    // CI starts Redis; a machine without it fails here with the reason rather than skipping.
    const probe = createClient({ url: REDIS_URL });
    await probe.connect();
    await probe.quit();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-rt-mp-'));
    target = await mysqlEngine!.fresh();
    const env = serverEnv({ dataDir, databaseUrl: target.databaseUrl, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, extra: { REDIS_URL } });
    // One after the other: both would otherwise race to bootstrap the first admin.
    procA = await startServer(env, servers);
    procB = await startServer(env, servers);
  });

  after(async () => {
    for (const c of sockets) c.close();
    for (const s of [procA, procB]) if (s) await stopServer(s);
    for (const s of servers) { if (isRunning(s.child)) s.child.kill('SIGKILL'); await s.exited; }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await target?.drop();
  });

  it('pushes a message ingested by process B to an agent connected to process A, and shares viewers and typing across processes', async () => {
    const admin = await loginTo(procA!.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const dept = await serverApi(procA!.baseUrl, 'POST', '/api/departments', { name: 'Member care (mp)' }, admin);
    expect(dept.status, JSON.stringify(dept.body)).to.equal(201);
    const mk = async (name: string) => {
      const email = `${name}@realtime-mp.test`;
      const res = await serverApi(procA!.baseUrl, 'POST', '/api/agents', { name, email, password: ADMIN_PASSWORD, role: 'agent', departmentIds: [dept.body.id] }, admin);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return loginTo(procA!.baseUrl, email, ADMIN_PASSWORD);
    };
    const [onA, onB] = [await mk('alice'), await mk('bob')];
    const a = await connectAgent(procA!.baseUrl, onA);
    const b = await connectAgent(procB!.baseUrl, onB);
    sockets.push(a, b);

    // Bob logs an inbound call on process B: ingest runs there, the broadcast goes through Redis.
    const call = await serverApi(procB!.baseUrl, 'POST', '/api/calls', {
      direction: 'inbound', phone: '+86 138 0013 8000', summary: 'points from last month missing', durationSeconds: 60, departmentId: dept.body.id,
    }, onB);
    expect(call.status, JSON.stringify(call.body)).to.equal(201);
    const ticketId = call.body.ticketId as number;
    const upsert = await a.next('ticket:upsert', (p) => p.ticket.id === ticketId);
    expect(upsert.ticket.member.identities[0].masked).to.not.include('13800138000');
    await a.next('notice', (n) => n.kind === 'ticket.created' && n.ticketId === ticketId);

    expect((await a.call('ticket:view', { ticketId })).ok).to.equal(true);
    const seenByBob = await b.call('ticket:view', { ticketId });
    expect(seenByBob.viewers.map((v: { name: string }) => v.name).sort()).to.deep.equal(['alice', 'bob']);
    await b.call('ticket:typing', { ticketId, typing: true });
    await a.next('ticket:viewers', (p) => p.ticketId === ticketId && p.viewers.some((v: { name: string; typing: boolean }) => v.name === 'bob' && v.typing));

    // An internal note written through process A reaches Bob's socket on process B.
    const note = await serverApi(procA!.baseUrl, 'POST', `/api/tickets/${ticketId}/messages`, { text: 'called back, waiting for finance', visibility: 'internal' }, onA);
    expect(note.status).to.equal(201);
    await b.next('message:new', (p) => p.ticketId === ticketId && p.message.text === 'called back, waiting for finance');

    expect(errorsIn(procA!.lines)).to.deep.equal([]);
    expect(errorsIn(procB!.lines)).to.deep.equal([]);
  });
});
