import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { ACKNOWLEDGE_ACTION_ID } from '../../server/notify/slack/slack-blocks.js';
import { ENGINES, type TestEngine } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../helpers/fake-slack.js';
import { isRunning, loginTo, serverApi, serverEnv, startServer, stopServer, type ServerProcess, type Spawned, errorsIn } from '../helpers/server-process.js';

/**
 * Two real server processes on one MariaDB database, each running its SLA scheduler and its
 * notification worker: 500 tickets whose first-response deadlines fall on the same instant must give
 * exactly 500 breach alerts, 500 `sla.breached` events, 500 Slack notification rows and 500 Slack
 * messages, whichever process claims which ticket. MySQL only: FOR UPDATE SKIP LOCKED is what lets
 * several schedulers share the work; the embedded engine has a single process by construction.
 *
 * Each process gets its own fake Slack and its own public URL. Nothing else differs (same master
 * key, same database), but it makes the split observable: the fake a message reached names the
 * worker that sent it, and the ticket link in a notification row names the scheduler that wrote it.
 */

const ADMIN_EMAIL = 'admin@sla-multiprocess.test';
const ADMIN_PASSWORD = 'sla-multiprocess-test-password';
const HEAD_EMAIL = 'head@sla-multiprocess.test';
const HEAD_PASSWORD = 'sla-multiprocess-head-password';
const TICKETS = 500;
const CONCURRENCY = 20;
const SLACK_CHANNEL = 'C0SLA';
/** How far ahead the shared deadline is put: both schedulers are idle and polling when it comes. */
const DEADLINE_AHEAD_MS = 4_000;
/** Longer than two scheduler sleeps (maxSleepMs = 1 s) and a notification poll (1 s). */
const STABLE_MS = 2_500;
const PROCESS_URLS = { a: 'http://process-a.sla.test', b: 'http://process-b.sla.test' } as const;

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A numeric field of a JSON answer, failing the test with the whole answer when it is missing. */
function numberField(body: unknown, key: string): number {
  const v = isJson(body) ? body[key] : undefined;
  if (typeof v !== 'number') throw new Error(`expected a number "${key}" in ${JSON.stringify(body)}`);
  return v;
}

/** Log lines at level error, and anything on stderr. */
/** The alert id a posted Slack alert carries in its Acknowledge button (what a click sends back). */
function alertIdOf(call: FakeSlackCall): number {
  const blocks = call.body.blocks;
  if (Array.isArray(blocks)) {
    for (const block of blocks) {
      if (!isJson(block) || block.type !== 'actions' || !Array.isArray(block.elements)) continue;
      for (const el of block.elements) {
        if (isJson(el) && el.action_id === ACKNOWLEDGE_ACTION_ID && typeof el.value === 'string') return Number(el.value);
      }
    }
  }
  throw new Error(`a chat.postMessage without an Acknowledge button: ${JSON.stringify(call.body).slice(0, 500)}`);
}

const posts = (fake: FakeSlack) => fake.calls.filter((c) => c.method === 'chat.postMessage');

/**
 * Holds `assertion` true for `forMs` of polling (expectEventually with the roles turned round): the
 * first failure ends the wait at once and is thrown, so a late duplicate cannot hide behind a retry.
 */
async function expectStable(assertion: () => Promise<void>, forMs: number): Promise<void> {
  const since = Date.now();
  let failure: unknown = null;
  await expectEventually(async () => {
    try {
      await assertion();
    } catch (err) {
      failure = err;
      return;
    }
    if (Date.now() - since < forMs) throw new Error('not stable for long enough yet');
  }, forMs + 5_000, 200);
  if (failure) throw failure;
}

const mysqlEngine: TestEngine | undefined = ENGINES.find((e) => e.name === 'mysql');

(mysqlEngine ? describe : describe.skip)('SLA scheduler in two server processes [mysql]', function () {
  this.timeout(240_000);

  let dataDir: string | undefined;
  let target: Awaited<ReturnType<TestEngine['fresh']>> | undefined;
  let conn: mysql.Connection | undefined;
  const fakes: { a?: FakeSlack; b?: FakeSlack } = {};
  const servers: Spawned[] = [];
  let procA: ServerProcess | undefined;
  let procB: ServerProcess | undefined;

  const query = async <T extends RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const [rows] = await conn!.query<T[]>(sql, params);
    return rows;
  };
  const countOf = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await query<RowDataPacket>(sql, params))[0]!.n);

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-sla-mp-'));
    target = await mysqlEngine!.fresh();
    // timezone 'Z': the server's pool reads and writes DATETIMEs as UTC, so must this connection.
    conn = await mysql.createConnection({ uri: target.databaseUrl!, timezone: 'Z' });
    fakes.a = await startFakeSlack();
    fakes.b = await startFakeSlack();
  });

  after(async () => {
    for (const s of [procA, procB]) if (s) await stopServer(s);
    // Whatever never got as far as listening (or ignored SIGTERM) goes the hard way.
    for (const s of servers) {
      if (isRunning(s.child)) s.child.kill('SIGKILL');
      await s.exited;
    }
    await conn?.end().catch(() => undefined);
    await fakes.a?.close();
    await fakes.b?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await target?.drop();
  });

  it('fires 500 breaches due in the same instant exactly once across both processes, each told to Slack once', async () => {
    // One environment for both: the same master key (the vault is shared through the database).
    const base = serverEnv({
      dataDir: dataDir!, databaseUrl: target!.databaseUrl, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD,
      extra: { MEMBERDESK_SLACK_BOT_TOKEN: 'xoxb-test', MEMBERDESK_SLACK_SIGNING_SECRET: randomBytes(16).toString('hex') },
    });
    const envOf = (fake: FakeSlack, publicUrl: string): NodeJS.ProcessEnv => ({ ...base, MEMBERDESK_SLACK_API_URL: fake.url, MEMBERDESK_PUBLIC_URL: publicUrl });
    // One after the other: both would otherwise race to bootstrap the first admin and department.
    procA = await startServer(envOf(fakes.a!, PROCESS_URLS.a), servers);
    procB = await startServer(envOf(fakes.b!, PROCESS_URLS.b), servers);

    // ── SLA set-up through process A's API ──────────────────────────────────
    const token = await loginTo(procA.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);

    const head = await serverApi(procA.baseUrl, 'POST', '/api/agents', { name: 'Head of Escalations', email: HEAD_EMAIL, password: HEAD_PASSWORD, role: 'supervisor', locale: 'en' }, token);
    expect(head.status, `head agent: ${JSON.stringify(head.body)}`).to.equal(201);
    const headId = numberField(head.body, 'id');
    const dept = await serverApi(procA.baseUrl, 'POST', '/api/departments', { name: 'Escalations', headAgentId: headId, slackChannel: SLACK_CHANNEL }, token);
    expect(dept.status, `department: ${JSON.stringify(dept.body)}`).to.equal(201);
    const departmentId = numberField(dept.body, 'id');
    // 60 minutes: neither the policy's own deadline nor its 75 % warning falls inside the test; the
    // only thing due while it runs is the deadline set below.
    const policy = await serverApi(procA.baseUrl, 'POST', '/api/sla-policies', {
      name: 'Escalations first response', conditions: { departmentIds: [departmentId] }, firstResponseMinutes: 60,
    }, token);
    expect(policy.status, `policy: ${JSON.stringify(policy.body)}`).to.equal(201);
    const policyId = numberField(policy.body, 'id');

    // ── 500 tickets through the domain: inbound calls, each from its own number ─
    const ticketIds: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < TICKETS) {
        const i = next++;
        const res = await serverApi(procA!.baseUrl, 'POST', '/api/calls', {
          direction: 'inbound', phone: `13900${String(i).padStart(6, '0')}`, summary: `SLA multiprocess call ${i}`,
          durationSeconds: 30, departmentId, clientRef: `sla-mp-${i}`,
        }, token);
        expect(res.status, `call ${i}: ${JSON.stringify(res.body)}`).to.equal(201);
        ticketIds.push(numberField(res.body, 'ticketId'));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(new Set(ticketIds).size).to.equal(TICKETS);
    // The policy was applied by the ticket service's SLA hook, not by this test.
    expect(await countOf('SELECT COUNT(*) AS n FROM ticket WHERE slaPolicyId = ? AND departmentId = ? AND nextSlaCheckAt IS NOT NULL', [policyId, departmentId]))
      .to.equal(TICKETS);

    // ── one deadline for all 500 ───────────────────────────────────────────
    // Deadlines computed by the domain are covered by the timeline tests (sla-timeline.test.ts) and
    // can only be set a whole working minute apart from each ticket's creation, which here spans
    // seconds. This test is about the schedulers' exactly-once under concurrency, so the stored
    // deadline and the next check are put on the same instant with one statement, as a scheduler
    // would find them after a busy minute: both processes wake for it and claim from the same rows.
    // Creating the policy made process A recompute live tickets twice (at once, and again once other
    // processes' cached rules expired); a recompute after our UPDATE would rightly put back the
    // policy's own deadlines, so wait for both first.
    await expectEventually(() => expect(procA!.lines.filter((l) => l.includes('sla recomputed live tickets'))).to.have.length(2), 30_000, 100);
    const dueAt = new Date(Math.ceil((Date.now() + DEADLINE_AHEAD_MS) / 1000) * 1000);
    const [updated] = await conn!.query<mysql.ResultSetHeader>(
      `UPDATE ticket SET firstResponseDueAt = ?, nextSlaCheckAt = ? WHERE id IN (${ticketIds.map(() => '?').join(', ')})`, [dueAt, dueAt, ...ticketIds]);
    expect(updated.affectedRows).to.equal(TICKETS);
    expect(Date.now(), 'the shared deadline passed before it was set; raise DEADLINE_AHEAD_MS').to.be.below(dueAt.getTime());

    // ── both schedulers fire; wait for the alerts, then for Slack ───────────
    const breaches = () => countOf("SELECT COUNT(*) AS n FROM sla_alert WHERE kind = 'breach' AND level = 1");
    await expectEventually(async () => expect(await breaches()).to.equal(TICKETS), 60_000, 200);
    const slackPosts = () => [...posts(fakes.a!), ...posts(fakes.b!)];
    await expectEventually(async () => {
      expect(await countOf("SELECT COUNT(*) AS n FROM notification WHERE status <> 'sent'"), 'unsent notification rows').to.equal(0);
      expect(slackPosts().length).to.be.at.least(TICKETS);
    }, 60_000, 200);

    // Another two scheduler cycles and a notification poll of each process: nothing more may appear.
    await expectStable(async () => {
      expect(await countOf('SELECT COUNT(*) AS n FROM sla_alert'), 'sla_alert rows (any kind)').to.equal(TICKETS);
      expect(await breaches(), 'level-1 breach alerts').to.equal(TICKETS);
      expect(await countOf("SELECT COUNT(*) AS n FROM ticket_event WHERE type = 'sla.breached'"), 'sla.breached events').to.equal(TICKETS);
      expect(await countOf("SELECT COUNT(*) AS n FROM notification WHERE channel = 'slack'"), 'slack notification rows').to.equal(TICKETS);
      expect(await countOf('SELECT COUNT(*) AS n FROM notification'), 'notification rows (any channel)').to.equal(TICKETS);
      expect(slackPosts().length, 'chat.postMessage calls').to.equal(TICKETS);
    }, STABLE_MS);

    // ── what the rows say ──────────────────────────────────────────────────
    const alerts = await query<RowDataPacket>('SELECT id, ticketId, metric, cycle, kind, level, contactAgentId, dueAt FROM sla_alert ORDER BY id');
    expect(alerts.map((a) => Number(a.ticketId)).sort((x, y) => x - y)).to.deep.equal([...ticketIds].sort((x, y) => x - y));
    for (const a of alerts) {
      expect({ metric: a.metric, cycle: Number(a.cycle), kind: a.kind, level: Number(a.level), contactAgentId: Number(a.contactAgentId), dueAt: new Date(a.dueAt as Date).toISOString() })
        .to.deep.equal({ metric: 'first_response', cycle: 0, kind: 'breach', level: 1, contactAgentId: headId, dueAt: dueAt.toISOString() });
    }
    const alertIds = alerts.map((a) => Number(a.id)).sort((x, y) => x - y);

    const events = await query<RowDataPacket>("SELECT ticketId, data FROM ticket_event WHERE type = 'sla.breached'");
    const eventAlertIds = events.map((e) => numberField(JSON.parse(String(e.data)), 'alertId')).sort((x, y) => x - y);
    expect(eventAlertIds, 'one sla.breached event per alert').to.deep.equal(alertIds);
    expect(new Set(events.map((e) => Number(e.ticketId))).size).to.equal(TICKETS);

    const notifications = await query<RowDataPacket>('SELECT alertId, target, status, payload FROM notification');
    expect(notifications.map((n) => Number(n.alertId)).sort((x, y) => x - y), 'one notification row per alert').to.deep.equal(alertIds);
    expect(new Set(notifications.map((n) => `${String(n.target)}/${String(n.status)}`))).to.deep.equal(new Set([`${SLACK_CHANNEL}/sent`]));
    expect(await countOf("SELECT COUNT(*) AS n FROM ticket_event WHERE type = 'notification.failed'")).to.equal(0);

    const posted = slackPosts();
    const postedIds = posted.map(alertIdOf);
    const seen = new Set<number>();
    const twice = postedIds.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(twice, 'alerts posted to Slack more than once').to.deep.equal([]);
    expect([...postedIds].sort((x, y) => x - y), 'one Slack message per alert').to.deep.equal(alertIds);
    for (const c of posted) expect({ channel: c.body.channel, token: c.token }).to.deep.equal({ channel: SLACK_CHANNEL, token: 'xoxb-test' });

    // Nothing went wrong along the way in either process (a pass that failed and was retried would log here).
    expect(errorsIn(procA.lines), `errors logged by process A:\n${procA.output()}`).to.deep.equal([]);
    expect(errorsIn(procB.lines), `errors logged by process B:\n${procB.output()}`).to.deep.equal([]);

    // Who did what. Reported, not asserted: a process whose timer fires a little late may legitimately
    // find everything claimed, and that is not a failure of exactly-once.
    const wroteBy = (url: string) => notifications.filter((n) => String(JSON.parse(String(n.payload)).ticketUrl).startsWith(url)).length;
    const [lag] = await query<RowDataPacket>(
      "SELECT MAX(TIMESTAMPDIFF(MICROSECOND, dueAt, firedAt)) / 1000 AS maxMs, COUNT(DISTINCT firedAt) AS passes FROM sla_alert WHERE kind = 'breach'");
    console.log(`      split: scheduler A ${wroteBy(PROCESS_URLS.a)} / B ${wroteBy(PROCESS_URLS.b)} alerts; ` +
      `Slack sends A ${posts(fakes.a!).length} / B ${posts(fakes.b!).length}; max breach lag ${Number(lag!.maxMs).toFixed(0)} ms over ${Number(lag!.passes)} distinct firing instants`);
  });
});
