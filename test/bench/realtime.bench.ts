/**
 * Realtime benchmark (issue 7): how long from an inbound member message to the agents' consoles?
 *
 * One real server process (node --import tsx server/main.ts) on a fresh MariaDB database, with
 * REDIS_URL set so the socket.io Redis adapter is in the path as in production. Through the REST API
 * as the admin: BENCH_DEPARTMENTS departments (default 4), BENCH_AGENTS agents (default 200) spread
 * over them (each in one department), one mailbox per department (acknowledge off: no SMTP here).
 * Every agent logs in and connects a socket.io-client socket to /agents ({ auth: { token } },
 * websocket transport) from this process.
 *
 * Load: BENCH_RATE inbound mails per second (default 100) for BENCH_SECONDS (default 30), after
 * BENCH_WARMUP_SECONDS (default 2, not counted) at the same rate, on a fixed schedule (open loop: a
 * send never waits for an earlier answer), round robin over the departments, each piped as a raw RFC
 * 822 message to POST /api/channels/email/inbound?mailbox=… with the mailbox's piping token (the
 * production path: parse, thread, TicketService.ingest()). About BENCH_FOLLOWUP_PERCENT (default 30)
 * are replies (In-Reply-To the member's earlier mail) to a ticket whose previous message has been
 * delivered; the rest open new tickets. A new ticket's subject carries a unique marker; a reply is
 * recognised by its ticket (one message in flight per ticket) with cause `message.received`.
 *
 * Measured per message, in this process's clock: from just before the HTTP request is sent to the
 * first `ticket:upsert` for it received by a socket of its department ("ingest → console"), to the
 * last of the department's sockets ("→ all sockets"; each must get it exactly once, no other
 * department's socket at all), and the HTTP request itself. "send → ingest start" uses the ticket's
 * lastMessageAt (the server's clock when ingest began, after parsing and threading; same machine,
 * ms resolution). Also: the achieved send rate, the worst latency per second of sending (steady
 * saturation or stalls?), two probes every 100 ms (a no-op acknowledged socket event: the server's
 * event loop; GET /healthz: loop + connection pool + SELECT 1), this process's event-loop delay, and
 * the CPU share of the server process, this process, MariaDB (when local) and everything else on the
 * machine during the run (other load on a shared machine shows up in the latencies).
 *
 *   npm run bench:realtime
 *   BENCH_RATE=200 BENCH_SECONDS=10 npm run bench:realtime
 *   npm run bench:realtime -- --rate=200 --seconds=10 --agents=100
 *
 * DATABASE_URL picks the database (its name must contain "bench"; it is dropped and recreated, and
 * dropped again at the end); default mysql://root@127.0.0.1:3306/memberdesk_bench_realtime. REDIS_URL
 * defaults to redis://127.0.0.1:6379. BENCH_SERVER_NODE_ARGS adds node flags to the server process
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/rt-prof" to profile it). The last line is
 * `realtime p50 <a> ms, p99 <b> ms, …`; the target is p99 < 100 ms. The exit code is 0 whether or not
 * the target is met, 1 when something went wrong (a message refused, lost, duplicated or misrouted,
 * a socket dropped).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { adminQuery, benchTarget, percentile } from './bench-kit.js';
import { mulberry32 } from '../helpers/prng.js';
import { errorsIn, isRunning, loginTo, serverApi, serverEnv, stopServer, type Spawned } from '../helpers/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/memberdesk_bench_realtime';
const TARGET_P99_MS = 100;
const ADMIN_EMAIL = 'admin@bench-rt.example';
const ADMIN_PASSWORD = 'Realtime-bench-admin-7';
const AGENT_PASSWORD = 'Realtime-bench-agent-7';
/** Parallel requests while setting up (agent creation and login hash passwords with scrypt on the server). */
const SETUP_CONCURRENCY = 4;
/** After the last send, wait for the last answers and deliveries while they still come (no progress for DRAIN_IDLE_MS: lost), at most DRAIN_MAX_MS. */
const DRAIN_IDLE_MS = 10_000;
const DRAIN_MAX_MS = 180_000;

// ── settings ───────────────────────────────────────────────────────────────

interface Settings { agents: number; departments: number; rate: number; seconds: number; warmupSeconds: number; followUpPercent: number }

/** `--name=value` arguments override BENCH_NAME variables. */
function settings(): Settings {
  const args = new Map<string, string>();
  for (const a of process.argv.slice(2)) {
    const m = /^--([a-z-]+)=(.+)$/.exec(a);
    if (!m) throw new Error(`unknown argument ${JSON.stringify(a)} (use --agents=, --departments=, --rate=, --seconds=, --warmup-seconds=, --followup-percent=)`);
    args.set(`BENCH_${m[1]!.replace(/-/g, '_').toUpperCase()}`, m[2]!);
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = args.get(name) ?? process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const s: Settings = {
    agents: int('BENCH_AGENTS', 200, 1, 5000),
    departments: int('BENCH_DEPARTMENTS', 4, 1, 100),
    rate: int('BENCH_RATE', 100, 1, 5000),
    seconds: int('BENCH_SECONDS', 30, 1, 3600),
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 2, 0, 600),
    followUpPercent: int('BENCH_FOLLOWUP_PERCENT', 30, 0, 100),
  };
  const known = ['BENCH_AGENTS', 'BENCH_DEPARTMENTS', 'BENCH_RATE', 'BENCH_SECONDS', 'BENCH_WARMUP_SECONDS', 'BENCH_FOLLOWUP_PERCENT'];
  for (const name of args.keys()) if (!known.includes(name)) throw new Error(`unknown argument --${name.slice(6).toLowerCase().replace(/_/g, '-')}`);
  if (s.departments > s.agents) throw new Error('BENCH_DEPARTMENTS must not exceed BENCH_AGENTS');
  return s;
}

// ── the server process ─────────────────────────────────────────────────────

interface Launched extends Spawned { baseUrl: string; pid: number; lines: string[] }

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(0, '127.0.0.1', resolve); });
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * Like test/helpers/server-process.ts startServer, but ready when /healthz answers: at LOG_LEVEL=warn
 * (as in production, and so that logging is not measured) the server never logs "listening".
 */
async function launchServer(env: NodeJS.ProcessEnv, spawned: Spawned[], timeoutMs = 90_000): Promise<Launched> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  spawned.push({ child, exited });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`[stderr] ${l}`));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(child)) throw new Error(`the server exited before answering /healthz\n--- server output ---\n${lines.slice(-40).join('\n')}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return { child, exited, baseUrl, pid: child.pid!, lines };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`the server did not answer /healthz within ${timeoutMs} ms\n--- server output ---\n${lines.slice(-40).join('\n')}`);
    await sleep(200);
  }
}

// ── workload ───────────────────────────────────────────────────────────────

interface Dept { index: number; id: number; mailbox: string; pipingToken: string; sockets: number }

interface TicketThread { ticketId: number; dept: number; sender: number; marker: string; rfcIds: string[] }

interface Msg {
  index: number;
  warm: boolean;
  dept: number;
  kind: 'new' | 'reply';
  /** The ticket a reply goes to; a new ticket's once known (its first upsert or the HTTP answer). */
  thread: TicketThread | null;
  marker: string;
  scheduledAt: number;
  sentAt: number;
  sentWall: number;
  httpAt: number;
  status: number;
  answer: unknown;
  firstAt: number;
  allAt: number;
  /** Server clock when ingest began (the ticket's lastMessageAt in the first upsert), epoch ms. */
  ingestStartWall: number;
  /** Which sockets got it (index by socket), and how many. */
  seen: Uint8Array | null;
  receivers: number;
  /** Answer and deliveries both in (or the send failed). */
  done: boolean;
}

const SUBJECTS = [
  'Points missing from order #%',
  'Wrong price charged at the Jing\'an store, receipt %',
  '会员积分没有到账 订单%',
  'Cannot log in to the member app (card %)',
  'Coupon not applied to order #%',
];
const BODIES = [
  'Hello,\n\nI bought two items last weekend and the points have still not shown up in my account. Could you please check and add them?\n\nThank you.',
  '您好，\n\n上周末在门店消费后积分一直没有到账，麻烦帮忙查一下。谢谢！',
  'Hi,\n\nthe cashier charged the full price although the shelf said 20% off for members. I have the receipt. Please refund the difference.\n\nRegards',
];

function rawMail(o: { from: string; name: string; to: string; subject: string; messageId: string; inReplyTo: string[]; body: string }): Buffer {
  const headers = [
    `From: ${o.name} <${o.from}>`,
    `To: <${o.to}>`,
    `Subject: =?UTF-8?B?${Buffer.from(o.subject).toString('base64')}?=`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo.length ? [`In-Reply-To: ${o.inReplyTo.at(-1)!}`, `References: ${o.inReplyTo.join(' ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${o.body.replace(/\n/g, '\r\n')}\r\n`, 'utf8');
}

// ── measurement helpers ────────────────────────────────────────────────────

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over items with at most `n` in flight. */
async function pool<T, R>(items: readonly T[], n: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  }));
  return out;
}

function sorted(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** CPU time (user + system) of a process in ms, from /proc; null when not readable. */
async function cpuMsOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

/** Busy and total CPU time of the whole machine in ms (all CPUs), from /proc/stat. */
async function machineCpuMs(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = v[3]! + v[4]!;
    return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
  } catch {
    return null;
  }
}

function mariadbPid(): number | null {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pidof', ['-s', name], { encoding: 'utf8' }).trim());
      if (pid > 0) return pid;
    } catch { /* not running here */ }
  }
  return null;
}

/** Other socket.io servers on this Redis share its pub/sub (and our room names): worth knowing. */
async function otherSocketIoServers(url: string): Promise<number> {
  const c = createClient({ url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    const channels = await c.sendCommand(['PUBSUB', 'CHANNELS', 'socket.io#/agents#*']) as string[];
    return channels.length;
  } finally {
    await c.quit();
  }
}

/** Round trips to the server while the load runs: how responsive its event loop, and its database pool, are. */
const PROBE_MS = 100;
function startProbes(base: string, socket: Socket): { ack: number[]; health: number[]; start(): void; stop(): void } {
  const ack: number[] = [];
  const health: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let busy = { ack: false, health: false };
  const tick = (): void => {
    if (!busy.ack) {
      busy.ack = true;
      const t0 = performance.now();
      // Not viewing ticket 1: the handler answers at once, without touching the database.
      socket.timeout(30_000).emitWithAck('ticket:leave', { ticketId: 1 })
        .then(() => ack.push(performance.now() - t0), () => ack.push(30_000)).finally(() => { busy.ack = false; });
    }
    if (!busy.health) {
      busy.health = true;
      const t0 = performance.now();
      fetch(`${base}/healthz`).then((r) => r.arrayBuffer()).then(() => health.push(performance.now() - t0), () => health.push(30_000))
        .finally(() => { busy.health = false; });
    }
  };
  return {
    ack, health,
    start() { timer = setInterval(tick, PROBE_MS); },
    stop() { clearInterval(timer); },
  };
}

// ── main ───────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const cfg = settings();
  const { url, name } = benchTarget(DEFAULT_URL);
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = randomBytes(3).toString('hex');
  const warmCount = cfg.rate * cfg.warmupSeconds;
  const total = warmCount + cfg.rate * cfg.seconds;

  console.log(`MemberDesk realtime benchmark: ${cfg.agents} agent sockets in ${cfg.departments} departments, ${cfg.rate} inbound mails/s ` +
    `for ${cfg.seconds} s (+${cfg.warmupSeconds} s warm-up), ~${cfg.followUpPercent} % replies; one server process, ` +
    `MariaDB ${url.hostname}:${url.port || 3306}/${name}, Redis adapter ${redisUrl}; ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);
  const foreign = await otherSocketIoServers(redisUrl).catch((err: unknown) => { throw new Error(`Redis at ${redisUrl} is not reachable: ${String(err)}`); });
  if (foreign) console.log(`note: ${foreign} other socket.io server(s) already subscribed on this Redis: they share the adapter's traffic`);

  await adminQuery(url, `DROP DATABASE IF EXISTS \`${name}\``);
  await adminQuery(url, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-bench-rt-'));
  const spawned: Spawned[] = [];
  const sockets: Socket[] = [];
  let server: Launched | undefined;
  let failed = false;
  try {
    const env = serverEnv({
      dataDir, databaseUrl: url.toString(), adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD,
      extra: { REDIS_URL: redisUrl, MEMBERDESK_DEMO: '0', LOG_LEVEL: 'warn', MEMBERDESK_PUBLIC_RATE_PER_MINUTE: '100000' },
    });
    let t = performance.now();
    server = await launchServer(env, spawned);
    const base = server.baseUrl;
    console.log(`set-up: server up in ${((performance.now() - t) / 1000).toFixed(1)} s (pid ${server.pid}, ${base})`);

    // ── departments, mailboxes, agents, tokens ──
    t = performance.now();
    const admin = await loginTo(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const must = async (method: string, p: string, body: unknown, token: string, status = 201): Promise<any> => {
      const res = await serverApi(base, method, p, body, token);
      if (res.status !== status) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const depts: Dept[] = [];
    for (let d = 0; d < cfg.departments; d++) {
      const dept = await must('POST', '/api/departments', { name: `Bench realtime ${d + 1}` }, admin);
      const mailbox = `care${d + 1}@bench-rt.example`;
      const mb = await must('POST', '/api/channels/email/mailboxes', { address: mailbox, departmentId: dept.id, acknowledge: false }, admin);
      depts.push({ index: d, id: dept.id as number, mailbox, pipingToken: mb.pipingToken as string, sockets: 0 });
    }
    const agentDept = Array.from({ length: cfg.agents }, (_, k) => k % cfg.departments);
    await pool(agentDept, SETUP_CONCURRENCY, (d, k) => must('POST', '/api/agents', {
      name: `Agent ${k + 1}`, email: `agent${k + 1}@bench-rt.example`, password: AGENT_PASSWORD, role: 'agent', departmentIds: [depts[d]!.id],
    }, admin));
    const tokens = await pool(agentDept, SETUP_CONCURRENCY, (_d, k) => loginTo(base, `agent${k + 1}@bench-rt.example`, AGENT_PASSWORD));
    console.log(`set-up: ${cfg.departments} departments with a mailbox each, ${cfg.agents} agents created and logged in in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // ── the consoles ──
    const messages: Msg[] = [];
    /** Replies in flight, by ticket: at most one per ticket, so the ticket's next message.received upsert is it. */
    const awaitingReply = new Map<number, Msg>();
    const markerRe = new RegExp(`\\[rt ${runId}-(\\d+)\\]`);
    const anomalies = { otherUpserts: 0, wrongDepartment: 0, duplicates: 0, disconnects: 0, mismatched: 0 };
    const socketDept: number[] = [];
    let closing = false;

    const onUpsert = (k: number, payload: { ticket: { id: number; subject: string; lastMessageAt: string }; cause: string[] }): void => {
      const now = performance.now();
      const { ticket, cause } = payload;
      const mark = markerRe.exec(ticket.subject);
      let msg: Msg | undefined;
      if (mark && cause.includes('ticket.created')) msg = messages[Number(mark[1])];
      else if (mark && cause.includes('message.received')) {
        msg = awaitingReply.get(ticket.id);
        if (msg && msg.thread!.marker !== mark[0]) msg = undefined;
      }
      if (!msg) { anomalies.otherUpserts++; return; }
      if (socketDept[k] !== msg.dept) { anomalies.wrongDepartment++; return; }
      if (msg.seen![k]) { anomalies.duplicates++; return; }
      msg.seen![k] = 1;
      msg.receivers++;
      if (msg.receivers === 1) {
        msg.firstAt = now;
        msg.ingestStartWall = Date.parse(ticket.lastMessageAt);
        if (msg.kind === 'new' && !msg.thread) msg.thread = { ticketId: ticket.id, dept: msg.dept, sender: msg.index, marker: msg.marker, rfcIds: [] };
        else if (msg.thread!.ticketId !== ticket.id) anomalies.mismatched++;
      }
      if (msg.receivers === depts[msg.dept]!.sockets) {
        msg.allAt = now;
        settle(msg);
      }
    };

    t = performance.now();
    await pool(tokens, 16, async (token, k) => {
      const socket = io(base + '/agents', { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets[k] = socket;
      socketDept[k] = agentDept[k]!;
      socket.on('ticket:upsert', (p) => onUpsert(k, p));
      await new Promise<void>((resolve, reject) => {
        socket.once('hello', () => resolve());
        socket.once('connect_error', (err) => reject(new Error(`agent ${k + 1}: socket refused: ${err.message}`)));
      });
      socket.on('disconnect', (reason) => { if (!closing) { anomalies.disconnects++; console.error(`agent ${k + 1}: socket disconnected (${reason})`); } });
      depts[agentDept[k]!]!.sockets++;
    });
    console.log(`set-up: ${cfg.agents} sockets connected to /agents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Let the connect-time presence changes and their broadcasts settle.
    await sleep(2000);

    // ── the load ──
    /** Tickets with nothing in flight, per department: candidates for a reply. */
    const idle: TicketThread[][] = depts.map(() => []);
    const random = mulberry32(7_2025);
    let settled = 0;
    let onAllSettled: (() => void) | null = null;
    const errors: string[] = [];

    function settle(msg: Msg): void {
      // Both the answer and every delivery are in: the ticket may take the next reply.
      if (msg.done || !msg.httpAt || (!msg.allAt && msg.status > 0 && msg.status < 300)) return;
      msg.done = true;
      if (msg.kind === 'reply') awaitingReply.delete(msg.thread!.ticketId);
      if (msg.thread && msg.allAt) idle[msg.dept]!.push(msg.thread);
      if (++settled === total) onAllSettled?.();
    }

    const send = async (msg: Msg): Promise<void> => {
      const dept = depts[msg.dept]!;
      let raw: Buffer;
      const messageId = `<rt.${runId}.${msg.index}@members.bench-rt.example>`;
      if (msg.kind === 'reply') {
        const th = msg.thread!;
        raw = rawMail({
          from: `member${th.sender}@members.bench-rt.example`, name: `Member ${th.sender}`, to: dept.mailbox,
          subject: `Re: ${SUBJECTS[th.sender % SUBJECTS.length]!.replace('%', String(100_000 + th.sender))}`,
          messageId, inReplyTo: th.rfcIds, body: `Any news? This is my message ${msg.index}.\n\n> ${BODIES[th.sender % BODIES.length]!.split('\n')[0]}`,
        });
        th.rfcIds.push(messageId);
        awaitingReply.set(th.ticketId, msg);
      } else {
        raw = rawMail({
          from: `member${msg.index}@members.bench-rt.example`, name: `Member ${msg.index}`, to: dept.mailbox,
          subject: `${SUBJECTS[msg.index % SUBJECTS.length]!.replace('%', String(100_000 + msg.index))} ${msg.marker}`,
          messageId, inReplyTo: [], body: BODIES[msg.index % BODIES.length]!,
        });
      }
      const target = `${base}/api/channels/email/inbound?mailbox=${encodeURIComponent(dept.mailbox)}`;
      msg.sentWall = Date.now();
      msg.sentAt = performance.now();
      peakInFlight = Math.max(peakInFlight, ++inFlight);
      try {
        const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${dept.pipingToken}` }, body: raw });
        const text = await res.text();
        msg.httpAt = performance.now();
        msg.status = res.status;
        try { msg.answer = JSON.parse(text); } catch { msg.answer = text; }
        const a = msg.answer as { ticketId?: number; created?: boolean; ignored?: string };
        if (res.status !== 201) errors.push(`message ${msg.index}: HTTP ${res.status} ${text.slice(0, 200)}`);
        else if (msg.kind === 'new' && a.created !== true) { anomalies.mismatched++; errors.push(`message ${msg.index}: a new mail did not open a ticket: ${text.slice(0, 200)}`); }
        else if (msg.kind === 'reply' && (a.created !== false || a.ticketId !== msg.thread!.ticketId)) {
          anomalies.mismatched++;
          errors.push(`message ${msg.index}: a reply to ticket ${msg.thread!.ticketId} went elsewhere: ${text.slice(0, 200)}`);
        } else if (msg.kind === 'new') {
          if (msg.thread && msg.thread.ticketId !== a.ticketId) {
            anomalies.mismatched++;
            errors.push(`message ${msg.index}: the upsert named ticket ${msg.thread.ticketId}, the answer ${a.ticketId}`);
          }
          msg.thread ??= { ticketId: a.ticketId!, dept: msg.dept, sender: msg.index, marker: msg.marker, rfcIds: [] };
          msg.thread.rfcIds.push(messageId);
        }
      } catch (err) {
        msg.httpAt = performance.now();
        msg.status = 0;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        errors.push(`message ${msg.index}: ${String(err)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
      }
      inFlight--;
      settle(msg);
    };

    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    const probes = startProbes(base, sockets[0]!);
    const interval = 1000 / cfg.rate;
    let measuredFrom = 0;
    let cpu0 = { server: 0 as number | null, db: 0 as number | null, machine: null as { busy: number; total: number } | null, self: process.cpuUsage() };
    let inFlight = 0;
    let peakInFlight = 0;
    const dbPid = mariadbPid();
    const start = performance.now() + 100;
    let i = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        while (i < total && start + i * interval <= now) {
          if (i === warmCount) {
            measuredFrom = now;
            loopDelay.enable();
            probes.start();
            void Promise.all([cpuMsOf(server!.pid), dbPid ? cpuMsOf(dbPid) : Promise.resolve(null), machineCpuMs()])
              .then(([s, d, m]) => { cpu0 = { server: s, db: d, machine: m, self: process.cpuUsage() }; });
          }
          const d = i % cfg.departments;
          const wantReply = random() * 100 < cfg.followUpPercent;
          const thread = wantReply ? idle[d]!.shift() : undefined;
          const msg: Msg = {
            index: i, warm: i < warmCount, dept: d, kind: thread ? 'reply' : 'new', thread: thread ?? null, marker: `[rt ${runId}-${i}]`,
            scheduledAt: start + i * interval, sentAt: 0, sentWall: 0, httpAt: 0, status: 0, answer: null,
            firstAt: 0, allAt: 0, ingestStartWall: 0, seen: new Uint8Array(cfg.agents), receivers: 0, done: false,
          };
          messages.push(msg);
          void send(msg);
          i++;
        }
        if (i >= total) return resolve();
        setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
      };
      tick();
    });
    const lastSend = performance.now();
    probes.stop();
    const [cpuServer1, cpuDb1, machine1] = await Promise.all([cpuMsOf(server.pid), dbPid ? cpuMsOf(dbPid) : Promise.resolve(null), machineCpuMs()]);
    const self1 = process.cpuUsage(cpu0.self);
    const wallMs = lastSend - measuredFrom;
    loopDelay.disable();

    // ── drain ──
    const drainStart = performance.now();
    const allIn = new Promise<void>((resolve) => { onAllSettled = resolve; });
    let progress = -1;
    let progressAt = drainStart;
    while (settled < total && performance.now() - drainStart < DRAIN_MAX_MS && performance.now() - progressAt < DRAIN_IDLE_MS) {
      const now = settled + messages.reduce((n, m) => n + m.receivers, 0);
      if (now !== progress) { progress = now; progressAt = performance.now(); }
      await Promise.race([allIn, sleep(500)]);
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    closing = true;

    // ── results ──
    const measured = messages.filter((m) => !m.warm);
    const accepted = measured.filter((m) => m.status >= 200 && m.status < 300);
    const delivered = measured.filter((m) => m.firstAt > 0);
    const complete = measured.filter((m) => m.allAt > 0);
    const lost = measured.filter((m) => m.status >= 200 && m.status < 300 && !m.allAt);
    const warmLost = messages.filter((m) => m.warm && (m.status !== 201 || !m.allAt)).length;
    const first = sorted(delivered.map((m) => m.firstAt - m.sentAt));
    const all = sorted(complete.map((m) => m.allAt - m.sentAt));
    const http = sorted(accepted.map((m) => m.httpAt - m.sentAt));
    const toIngest = sorted(delivered.map((m) => m.ingestStartWall - m.sentWall));
    const fanout = sorted(complete.map((m) => m.allAt - m.firstAt));
    const firstBeforeHttp = delivered.filter((m) => m.httpAt && m.firstAt < m.httpAt).length;
    const byKind = (k: Msg['kind']) => sorted(delivered.filter((m) => m.kind === k).map((m) => m.firstAt - m.sentAt));
    const sends = measured.map((m) => m.sentAt);
    const achieved = measured.length > 1 ? ((measured.length - 1) * 1000) / (Math.max(...sends) - Math.min(...sends)) : 0;
    const slip = sorted(measured.map((m) => m.sentAt - m.scheduledAt));
    const ms = (x: number) => x.toFixed(1).padStart(8);
    const row = (label: string, xs: Float64Array) =>
      console.log(`  ${label.padEnd(26)} ${String(xs.length).padStart(6)} ${ms(percentile(xs, 0.5))} ${ms(percentile(xs, 0.95))} ${ms(percentile(xs, 0.99))} ${ms(xs[xs.length - 1] ?? 0)}`);

    const newCount = measured.filter((m) => m.kind === 'new').length;
    console.log(`sent ${measured.length} (${newCount} new tickets, ${measured.length - newCount} replies), accepted ${accepted.length} (HTTP 201), ` +
      `delivered to the console ${delivered.length}, to all of their department's sockets ${complete.length}` +
      (warmCount ? `; warm-up ${warmCount} not counted${warmLost ? ` (${warmLost} of them failed)` : ''}` : '') +
      (drainSeconds > 1 ? `; the last ones came in ${drainSeconds.toFixed(1)} s after the last send` : ''));
    console.log(`send rate ${achieved.toFixed(1)} msg/s (target ${cfg.rate}), schedule slip p99 ${percentile(slip, 0.99).toFixed(1)} ms, max ${(slip[slip.length - 1] ?? 0).toFixed(1)} ms; ` +
      `${firstBeforeHttp} of ${delivered.length} reached a console before their HTTP answer; at most ${peakInFlight} requests in flight`);
    console.log('');
    console.log(`                                  n      p50      p95      p99      max   (ms)`);
    row('ingest → console (first)', first);
    row('  new tickets', byKind('new'));
    row('  replies', byKind('reply'));
    row('ingest → all dept sockets', all);
    row('  first → last socket', fanout);
    row('send → ingest start (*)', toIngest);
    row('HTTP request', http);
    row('probe: socket ack (**)', sorted(probes.ack));
    row('probe: GET /healthz (**)', sorted(probes.health));
    console.log('  (*) server clock (lastMessageAt, ms resolution) minus this process\'s wall clock at send: parse + threading + queueing');
    console.log(`  (**) every ${PROBE_MS} ms during the run: an acknowledged no-op socket event (the server's event loop) and /healthz (loop + pool + SELECT 1)`);
    // Steady saturation or stalls? The worst latency of the messages sent in each second.
    const perSecond: number[] = [];
    for (const m of delivered) {
      const sec = Math.floor((m.sentAt - measuredFrom) / 1000);
      perSecond[sec] = Math.max(perSecond[sec] ?? 0, m.firstAt - m.sentAt);
    }
    console.log(`  worst ingest → console per second of sending (ms): ${Array.from(perSecond, (x) => (x === undefined ? '-' : x.toFixed(0))).join(' ')}`);
    console.log('');
    const pct = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `${(((b - a) / wallMs) * 100).toFixed(0)} %`);
    const selfMs = (self1.user + self1.system) / 1000;
    const ours = (cpuServer1 ?? 0) - (cpu0.server ?? 0) + selfMs + (dbPid ? (cpuDb1 ?? 0) - (cpu0.db ?? 0) : 0);
    const machine = cpu0.machine && machine1
      ? `; whole machine ${(((machine1.busy - cpu0.machine.busy) / (machine1.total - cpu0.machine.total)) * 100).toFixed(0)} % busy of ${os.cpus().length} CPUs, ` +
        `other processes ${((Math.max(0, machine1.busy - cpu0.machine.busy - ours) / wallMs) * 100).toFixed(0)} % of a core`
      : '';
    console.log(`CPU over the ${(wallMs / 1000).toFixed(1)} s run (% of one core): server ${pct(cpu0.server, cpuServer1)}, ` +
      `bench process ${((selfMs / wallMs) * 100).toFixed(0)} %, MariaDB ${dbPid ? pct(cpu0.db, cpuDb1) : 'not local'}${machine}`);
    console.log(`bench event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms; ` +
      `load average at the end ${os.loadavg()[0]!.toFixed(1)}`);

    const serverErrors = errorsIn(server.lines);
    const warnings = server.lines.filter((l) => l.includes('"level":"warn"'));
    if (serverErrors.length || warnings.length) {
      console.log(`server log: ${serverErrors.length} error line(s), ${warnings.length} warning(s)`);
      for (const l of [...serverErrors, ...warnings].slice(0, 5)) console.log(`  ${l.slice(0, 300)}`);
    }
    const problems: string[] = [];
    if (accepted.length !== measured.length) problems.push(`${measured.length - accepted.length} message(s) not accepted`);
    if (lost.length) problems.push(`${lost.length} accepted message(s) not delivered to every socket of their department (e.g. #${lost[0]!.index}: ${lost[0]!.receivers}/${depts[lost[0]!.dept]!.sockets})`);
    if (warmLost) problems.push(`${warmLost} warm-up message(s) failed or not fully delivered`);
    if (anomalies.wrongDepartment) problems.push(`${anomalies.wrongDepartment} upsert(s) reached a socket of another department`);
    if (anomalies.duplicates) problems.push(`${anomalies.duplicates} duplicate upsert(s)`);
    if (anomalies.disconnects) problems.push(`${anomalies.disconnects} socket(s) dropped`);
    if (anomalies.mismatched) problems.push(`${anomalies.mismatched} answer(s) that do not match the message`);
    if (serverErrors.length) problems.push(`${serverErrors.length} server error line(s)`);
    for (const e of errors.slice(0, 5)) console.log(`  ${e}`);
    if (anomalies.otherUpserts) console.log(`note: ${anomalies.otherUpserts} other ticket:upsert events (not one of this run's messages) were received`);

    const p99 = percentile(first, 0.99);
    console.log(`target p99 < ${TARGET_P99_MS} ms: ${delivered.length && p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);
    if (problems.length) {
      console.log(`ERRORS: ${problems.join('; ')}`);
      failed = true;
    }
    console.log(`realtime p50 ${percentile(first, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(first[first.length - 1] ?? 0).toFixed(1)} ms ` +
      `(HTTP p50 ${percentile(http, 0.5).toFixed(1)} ms, p99 ${percentile(http, 0.99).toFixed(1)} ms) at ${achieved.toFixed(0)} msg/s, ` +
      `${complete.length}/${measured.length} delivered to all ${Math.floor(cfg.agents / cfg.departments)}+ sockets of their department`);
  } finally {
    for (const s of sockets) s?.close();
    if (server) await stopServer(server);
    for (const s of spawned) { if (isRunning(s.child)) s.child.kill('SIGKILL'); await s.exited; }
    await adminQuery(url, `DROP DATABASE IF EXISTS \`${name}\``).catch((err: unknown) => console.error(`could not drop ${name}: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error('bench:realtime failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
