import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { In } from 'typeorm';
import { createDataSource } from '../../server/db/data-source.js';
import { Message, Ticket } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { isRunning, loginTo, serverApi, serverEnv, startServer, stopServer, type ServerProcess, type Spawned } from '../helpers/server-process.js';

/**
 * The requirement: kill -9 of the server while a burst of 1,000 POST /api/calls is in flight,
 * restart → every call that got a 201 is stored exactly once. The real server runs as a child process
 * (no npx: its wrapper would survive the kill) on the real database of each engine.
 */

const ADMIN_EMAIL = 'admin@crash.test';
const ADMIN_PASSWORD = 'crash-test-password';
const TOTAL = 1000;
const CONCURRENCY = 40;
const KILL_AFTER_CREATED = 300;
const PHONES = Array.from({ length: 50 }, (_, i) => `1380013${String(1000 + i * 37).padStart(4, '0')}`);

const call = (i: number, clientRef = `crash-${i}`) => ({
  direction: 'inbound', phone: PHONES[i % PHONES.length], summary: `call ${i}`, durationSeconds: 30, clientRef,
});

type Outcome =
  | { kind: 'created'; messageId: number | null }
  | { kind: 'answered'; status: number }
  | { kind: 'unknown'; error: string }
  | { kind: 'not-sent' };

/**
 * Fires `TOTAL` POST /api/calls through a pool of `CONCURRENCY` workers; when the `KILL_AFTER_CREATED`th
 * 201 arrives the server is killed with SIGKILL on the spot, with the other requests of the pool still
 * in flight. After the kill no new request is started.
 */
async function burstAndKill(server: ServerProcess, token: string): Promise<{ outcomes: Map<string, Outcome>; killed: boolean }> {
  const outcomes = new Map<string, Outcome>();
  for (let i = 0; i < TOTAL; i++) outcomes.set(`crash-${i}`, { kind: 'not-sent' });
  let next = 0;
  let created = 0;
  let killed = false;
  const worker = async () => {
    while (!killed && next < TOTAL) {
      const i = next++;
      const ref = `crash-${i}`;
      let res: Response;
      try {
        res = await fetch(`${server.baseUrl}/api/calls`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(call(i)),
        });
      } catch (err) {
        outcomes.set(ref, { kind: 'unknown', error: describeError(err) });
        continue;
      }
      if (res.status !== 201) {
        outcomes.set(ref, { kind: 'answered', status: res.status });
        await res.arrayBuffer().catch(() => undefined);
        continue;
      }
      // The 201 is the server's promise; it counts even if the body is cut off by the kill.
      const outcome: Outcome = { kind: 'created', messageId: null };
      outcomes.set(ref, outcome);
      created++;
      if (created === KILL_AFTER_CREATED) {
        killed = true;
        server.child.kill('SIGKILL');
      }
      try {
        const body = (await res.json()) as { messageId?: unknown; duplicate?: unknown };
        if (typeof body.messageId === 'number') outcome.messageId = body.messageId;
        expect(body.duplicate, `${ref}: a first POST is not a duplicate`).to.equal(false);
      } catch (err) {
        if (!killed) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { outcomes, killed };
}

function describeError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ');
}

const refsOf = (outcomes: Map<string, Outcome>, kind: Outcome['kind']) =>
  [...outcomes].filter(([, o]) => o.kind === kind).map(([ref]) => ref);

for (const engine of ENGINES) {
  describe(`crash safety [${engine.name}]`, function () {
    this.timeout(120_000);

    let dataDir: string;
    let target: Awaited<ReturnType<typeof engine.fresh>> | undefined;
    const servers: Spawned[] = [];

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-crash-'));
      target = await engine.fresh();
    });

    after(async () => {
      for (const s of servers) {
        if (isRunning(s.child)) s.child.kill('SIGKILL');
        await s.exited;
      }
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      await target?.drop();
    });

    it('stores every call that got a 201 exactly once after kill -9 mid-burst and a restart', async () => {
      const env = serverEnv({ dataDir, databaseUrl: target!.databaseUrl, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });

      // ── the burst, and kill -9 in the middle of it ──────────────────────────
      const first = await startServer(env, servers);
      const { outcomes, killed } = await burstAndKill(first, await loginTo(first.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD));
      const exit = await first.exited;
      const created = refsOf(outcomes, 'created');
      const unknown = refsOf(outcomes, 'unknown');
      const answered = [...outcomes.values()].filter((o): o is Extract<Outcome, { kind: 'answered' }> => o.kind === 'answered');
      const notSent = refsOf(outcomes, 'not-sent');
      expect(killed, `the burst ended before ${KILL_AFTER_CREATED} calls got a 201 (answers: ${answered.map((o) => o.status).join(',')})\n${first.output()}`).to.equal(true);
      expect(exit.signal, 'the first server died of SIGKILL').to.equal('SIGKILL');
      expect(created.length).to.be.at.least(KILL_AFTER_CREATED);
      // A valid call answered with anything but 201 before the kill is a failure of the burst itself.
      expect(answered, `non-201 answers before the kill: ${answered.map((o) => o.status).join(',')}`).to.have.length(0);

      // ── restart on the same data directory / database ───────────────────────
      const second = await startServer(env, servers);
      const token = await loginTo(second.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);

      // The last call that got a 201 before the kill: a re-POST is recognised as the same call.
      const lastRef = created[created.length - 1]!;
      const lastIndex = Number(lastRef.slice('crash-'.length));
      const repost = await serverApi(second.baseUrl, 'POST', '/api/calls', call(lastIndex), token);
      expect(repost.status, `re-POST of ${lastRef}: ${JSON.stringify(repost.body)}`).to.equal(200);
      expect(repost.body.duplicate).to.equal(true);
      const lastOutcome = outcomes.get(lastRef) as Extract<Outcome, { kind: 'created' }>;
      if (lastOutcome.messageId !== null) expect(repost.body.messageId).to.equal(lastOutcome.messageId);

      // And the restarted server takes new calls.
      const fresh = await serverApi(second.baseUrl, 'POST', '/api/calls', call(TOTAL, 'post-crash-1'), token);
      expect(fresh.status, `new call after restart: ${JSON.stringify(fresh.body)}`).to.equal(201);
      expect(fresh.body.duplicate).to.equal(false);

      // sql.js holds the file in memory: read it only once the restarted server is gone.
      const stopped = await stopServer(second);
      expect(stopped.code, `graceful stop of the restarted server\n${second.output()}`).to.equal(0);

      // ── the database itself ─────────────────────────────────────────────────
      const ds = await createDataSource({ databaseUrl: target!.databaseUrl, dataDir: target!.databaseUrl ? null : dataDir });
      try {
        const withExternalId = await ds.getRepository(Message).createQueryBuilder('m')
          .select(['m.id', 'm.ticketId', 'm.channel', 'm.externalId'])
          .where('m.externalId IS NOT NULL')
          .getMany();
        const byExternalId = new Map<string, Message[]>();
        for (const m of withExternalId) byExternalId.set(m.externalId!, [...(byExternalId.get(m.externalId!) ?? []), m]);
        const repeated = [...byExternalId].filter(([, rows]) => rows.length > 1).map(([id]) => id);
        expect(repeated, 'externalIds stored more than once').to.deep.equal([]);

        const lost: string[] = [];
        const wrongRow: string[] = [];
        for (const ref of created) {
          const rows = byExternalId.get(`call:${ref}`) ?? [];
          if (rows.length !== 1) { lost.push(`${ref} (${rows.length} rows)`); continue; }
          const o = outcomes.get(ref) as Extract<Outcome, { kind: 'created' }>;
          if (rows[0]!.channel !== 'phone' || (o.messageId !== null && rows[0]!.id !== o.messageId)) {
            wrongRow.push(`${ref}: answered messageId ${o.messageId}, stored id ${rows[0]!.id} on ${rows[0]!.channel}`);
          }
        }
        expect(lost, `calls that got a 201 but are not stored exactly once (of ${created.length})`).to.deep.equal([]);
        expect(wrongRow, 'calls stored under another row than the 201 promised').to.deep.equal([]);

        // A call never sent cannot be stored; one in flight at the kill may or may not be, once at most.
        const crashRows = withExternalId.filter((m) => m.externalId!.startsWith('call:crash-'));
        const sentOrInFlight = new Set([...created, ...unknown].map((ref) => `call:${ref}`));
        expect(crashRows.filter((m) => !sentOrInFlight.has(m.externalId!)).map((m) => m.externalId)).to.deep.equal([]);
        expect(byExternalId.get('call:post-crash-1'), 'the call logged after the restart').to.have.length(1);

        // Each stored call came with its ticket in the same transaction.
        const ticketIds = [...new Set(crashRows.map((m) => m.ticketId))];
        const tickets = await ds.getRepository(Ticket).findBy({ id: In(ticketIds) });
        expect(tickets.map((t) => t.id).sort((a, b) => a - b)).to.deep.equal(ticketIds.sort((a, b) => a - b));

        const inFlightStored = unknown.filter((ref) => byExternalId.has(`call:${ref}`)).length;
        console.log(`      ${engine.name}: ${created.length} calls got a 201 before kill -9; ${unknown.length} were in flight `
          + `(${inFlightStored} of them stored), ${notSent.length} never sent; ${crashRows.length} burst calls stored`);
      } finally {
        await ds.destroy();
      }
    });
  });
}
