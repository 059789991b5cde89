/**
 * Reports benchmark on MariaDB/MySQL: how long do the console dashboard's queries take on a large
 * installation?
 *
 * Builds (or reuses) a database of <tickets> tickets (default 1,000,000) created over the 365 days
 * before the dataset's end, in 10 departments of 8 agents each, 7 categories, 4 channels, 50,000
 * members of the 4 tiers; with the statistics the SLA engine writes (working minutes to first response
 * and to resolution, breach flags under two policies, reopen counts), ~30 % of solved tickets
 * surveyed (sent, answered with a rating, or expired), and the sla_alert rows of every breach
 * (escalated to level 2 and 3 for some) and warning. Generation is INSERT … SELECT from MariaDB's
 * sequence engine, in chunks; a database that already holds the same dataset is reused.
 *
 * Then runs each dashboard query through ReportService, as the API does, for one department and the
 * last complete calendar month of the data: summary, trend by day, breakdown by agent, breakdown by
 * category, and a CSV export (breakdown by agent); BENCH_RUNS times each (default 30) after
 * BENCH_WARMUP (default 3) warm-up runs. Prints p50/p95/max per query and whether p95 < 300 ms. Three
 * figures beyond the target follow: the default period (last 30 days, live backlog), one month of every
 * department (an admin without a department filter), and a year's trend by month of every department.
 *
 *   npm run bench:reports                  # 1,000,000 tickets
 *   npm run bench:reports -- 200000        # a smaller dataset
 *   npm run bench:reports -- --fresh       # regenerate even if the database holds the dataset
 *
 * DATABASE_URL picks the database (its name must contain "bench"); the default is
 * mysql://root@127.0.0.1:3306/memberdesk_bench_reports. It is kept afterwards, so that the next run
 * reuses it (drop it by hand: DROP DATABASE memberdesk_bench_reports).
 */
import { performance } from 'node:perf_hooks';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { Principal } from '../../server/agents/principal.js';
import { Database } from '../../server/db/database.js';
import { createDataSource } from '../../server/db/data-source.js';
import { breakdownCsv } from '../../server/reports/report-csv.js';
import { ReportService, type ReportScope } from '../../server/reports/report.service.js';
import type { ReportParams } from '../../server/reports/report.types.js';
import { DEFAULT_CATEGORIES } from '../../server/triage/engine/index.js';
import { benchTarget, connectionOptions, freshSchema, percentile, positiveInt } from './bench-kit.js';

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/memberdesk_bench_reports';
const TARGET_P95_MS = 300;
/** Bump when the generated data changes shape: an older dataset is then rebuilt, not reused. */
const DATASET_VERSION = 3;
const MARKER = 'bench.reports.dataset';
const DEPARTMENTS = 10;
const AGENTS_PER_DEPARTMENT = 8;
const MEMBERS = 50_000;
const DAYS = 365;
const CHUNK = 100_000;
const DAY_MS = 86_400_000;
/** Wall minutes per working minute: a 9-hour working day seen from the clock on the wall. */
const WALL_PER_WORKING = 2.4;

interface Dataset { version: number; tickets: number; end: string; departmentIds: number[] }

// ── arguments ─────────────────────────────────────────────────────────────

function parseArgs(argv: string[]): { tickets: number; fresh: boolean } {
  const flags = argv.filter((a) => a.startsWith('--'));
  const positional = argv.filter((a) => !a.startsWith('--'));
  if (flags.some((f) => f !== '--fresh') || positional.length > 1) {
    throw new Error(`usage: npm run bench:reports -- [tickets=1000000] [--fresh]; got ${JSON.stringify(argv)}`);
  }
  const tickets = positional[0] === undefined ? 1_000_000 : Number(positional[0]);
  if (!Number.isInteger(tickets) || tickets < 1000) throw new Error(`tickets must be an integer ≥ 1000, got ${JSON.stringify(positional[0])}`);
  return { tickets, fresh: flags.includes('--fresh') };
}

// ── the dataset ───────────────────────────────────────────────────────────

/** The dataset already in the database, if it is the one asked for (its schema brought up to date). */
async function existingDataset(url: URL, tickets: number): Promise<Dataset | null> {
  const conn = await mysql.createConnection(connectionOptions(url, false));
  try {
    const [dbs] = await conn.query<RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [decodeURIComponent(url.pathname.slice(1))]);
    if (!dbs.length) return null;
  } finally {
    await conn.end();
  }
  const ds = await createDataSource({ databaseUrl: url.toString(), dataDir: null });
  try {
    const [marker] = await ds.query('SELECT value FROM setting WHERE `key` = ?', [MARKER]).catch(() => []) as Array<{ value: string }>;
    if (!marker) return null;
    const data = JSON.parse(marker.value) as Dataset;
    if (data.version !== DATASET_VERSION || data.tickets !== tickets) return null;
    const [count] = await ds.query('SELECT COUNT(*) AS n FROM ticket') as Array<{ n: string }>;
    if (Number(count?.n) !== tickets) return null;
    const pending = await ds.runMigrations();
    if (pending.length) console.log(`  applied ${pending.length} newer migration(s) to the kept dataset: ${pending.map((m) => m.name).join(', ')}`);
    return data;
  } finally {
    await ds.destroy();
  }
}

/**
 * u(n, salt): a uniform number in [0, 1) from the row number, the same on every run. From MD5: CRC32
 * of consecutive numbers is linear in their bits, and so far from independent across a run of rows.
 */
const u = (n: string, salt: string) => `(CONV(LEFT(MD5(CONCAT(${n}, ':${salt}')), 8), 16, 10) / 4294967296)`;
const sqlTime = (ms: number) => `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;

async function generate(conn: Connection, tickets: number): Promise<Dataset> {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - DAYS * DAY_MS;
  const stepMs = (DAYS * DAY_MS) / tickets;
  const now = sqlTime(end);
  const t0 = performance.now();
  const lap = (what: string) => console.log(`  ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // Departments, agents, categories, policies, members.
  for (let d = 1; d <= DEPARTMENTS; d++) {
    await conn.query('INSERT INTO department (name, isDefault, createdAt, updatedAt) VALUES (?, ?, ?, ?)', [`Bench department ${String(d).padStart(2, '0')}`, d === 1, new Date(end), new Date(end)]);
  }
  const [deps] = await conn.query<RowDataPacket[]>('SELECT id FROM department ORDER BY id');
  const departmentIds = deps.map((r) => Number(r.id));
  for (const [i, dept] of departmentIds.entries()) {
    for (let a = 1; a <= AGENTS_PER_DEPARTMENT; a++) {
      const [res] = await conn.query<mysql.ResultSetHeader>('INSERT INTO agent (name, email, passwordHash, role, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
        [`Agent ${i + 1}-${a}`, `agent${i + 1}.${a}@bench.memberdesk`, 'bench', 'agent', new Date(end), new Date(end)]);
      await conn.query('INSERT INTO agent_department (agentId, departmentId) VALUES (?, ?)', [res.insertId, dept]);
    }
  }
  const [firstAgent] = await conn.query<RowDataPacket[]>('SELECT MIN(id) AS id FROM agent');
  const agentBase = Number(firstAgent[0]!.id);
  for (const [i, c] of DEFAULT_CATEGORIES.entries()) {
    await conn.query('INSERT INTO triage_category (`key`, labelZh, labelEn, departmentId, position, active, createdAt, updatedAt) VALUES (?, ?, ?, NULL, ?, 1, ?, ?)',
      [c.key, c.labels['zh-CN'], c.labels.en, (i + 1) * 10, new Date(end), new Date(end)]);
  }
  const [pc] = await conn.query<mysql.ResultSetHeader>('INSERT INTO sla_policy (name, position, conditions, firstResponseMinutes, nextResponseMinutes, resolutionMinutes, warningPercent, active, createdAt, updatedAt) VALUES (?, 1, ?, 30, 60, 480, 75, 1, ?, ?)',
    ['Complaints', JSON.stringify({ types: ['complaint'] }), new Date(end), new Date(end)]);
  const [ps] = await conn.query<mysql.ResultSetHeader>('INSERT INTO sla_policy (name, position, conditions, firstResponseMinutes, nextResponseMinutes, resolutionMinutes, warningPercent, active, createdAt, updatedAt) VALUES (?, 2, ?, 60, 120, 960, 75, 1, ?, ?)',
    ['Standard', JSON.stringify({}), new Date(end), new Date(end)]);
  await conn.query(`INSERT INTO member (name, tier, homeStore, wrappedKey, keyId, createdAt, updatedAt)
    SELECT NULL, CASE WHEN ${u('seq', 't')} < 0.70 THEN 'standard' WHEN ${u('seq', 't')} < 0.88 THEN 'silver' WHEN ${u('seq', 't')} < 0.97 THEN 'gold' ELSE 'diamond' END,
           NULL, 'bench', '', ${now}, ${now} FROM seq_1_to_${MEMBERS}`);
  const [firstMember] = await conn.query<RowDataPacket[]>('SELECT MIN(id) AS id FROM member');
  const memberBase = Number(firstMember[0]!.id);
  lap(`${DEPARTMENTS} departments, ${DEPARTMENTS * AGENTS_PER_DEPARTMENT} agents, ${DEFAULT_CATEGORIES.length} categories, 2 policies, ${MEMBERS} members`);

  // Tickets, in creation order (ids follow time, as in production). Live tickets are the young ones.
  const cats = DEFAULT_CATEGORIES.map((c) => `'${c.key}'`).join(', ');
  for (let from = 1; from <= tickets; from += CHUNK) {
    const to = Math.min(tickets, from + CHUNK - 1);
    await conn.query(`INSERT INTO ticket (id, number, type, category, priority, status, channel, memberId, departmentId, assigneeId, subject, tags, triage, language,
        labelsConfirmed, mergedIntoId, firstResponseAt, lastMessageAt, solvedAt, closedAt, slaPolicyId, nextResponseCycle, resolutionElapsedSeconds, slaAlerted,
        escalationLevel, firstResponseMinutes, resolutionMinutes, firstResponseBreached, nextResponseBreached, resolutionBreached, reopenCount, createdAt, updatedAt)
      SELECT n, CONCAT('MD-', LPAD(n, 7, '0')), type, category, 'normal', status, channel, memberId, departmentId,
             CASE WHEN status = 'new' AND ua < 0.5 THEN NULL ELSE ${agentBase} + dix * ${AGENTS_PER_DEPARTMENT} + FLOOR(ua * ${AGENTS_PER_DEPARTMENT}) END,
             'Bench ticket', '[]', NULL, 'zh-Hans', 0, CASE WHEN status = 'merged' THEN GREATEST(n - 1, 1) ELSE NULL END,
             fra, COALESCE(sa, fra, c), sa, CASE WHEN status = 'closed' THEN LEAST(sa + INTERVAL 3 DAY, ${now}) ELSE NULL END,
             policy, 0, CASE WHEN sa IS NOT NULL THEN res * 60 ELSE 0 END, 0, 0,
             CASE WHEN fra IS NULL THEN NULL ELSE frm END, CASE WHEN sa IS NULL THEN NULL ELSE res END,
             policy IS NOT NULL AND fra IS NOT NULL AND frm > frTarget,
             policy IS NOT NULL AND fra IS NOT NULL AND ${u('n', 'nr')} < 0.05,
             policy IS NOT NULL AND sa IS NOT NULL AND res > resTarget,
             CASE WHEN ${u('n', 'ro')} < 0.01 THEN 2 WHEN ${u('n', 'ro')} < 0.06 THEN 1 ELSE 0 END,
             c, COALESCE(sa, fra, c)
        FROM (
          SELECT g.*,
                 CASE WHEN status IN ('new', 'merged') THEN NULL ELSE LEAST(c + INTERVAL ROUND(frm * ${WALL_PER_WORKING} * 60) SECOND, ${now}) END AS fra,
                 CASE WHEN status IN ('solved', 'closed') THEN LEAST(c + INTERVAL ROUND(res * ${WALL_PER_WORKING} * 60) SECOND, ${now} - INTERVAL 1 SECOND) ELSE NULL END AS sa
            FROM (
              SELECT n, c, type, dix, ${departmentIds[0]} + dix AS departmentId, ua, frm, frm + FLOOR(-LN(1 - ${u('n', 'rs')}) * 500) AS res,
                     CASE WHEN type = 'complaint' THEN 30 ELSE 60 END AS frTarget, CASE WHEN type = 'complaint' THEN 480 ELSE 960 END AS resTarget,
                     CASE WHEN ${u('n', 'np')} < 0.1 THEN NULL WHEN type = 'complaint' THEN ${pc.insertId} ELSE ${ps.insertId} END AS policy,
                     ${memberBase} + FLOOR(${u('n', 'm')} * ${MEMBERS}) AS memberId,
                     ELT(1 + FLOOR(${u('n', 'cat')} * ${DEFAULT_CATEGORIES.length}), ${cats}) AS category,
                     CASE WHEN ${u('n', 'ch')} < 0.35 THEN 'email' WHEN ${u('n', 'ch')} < 0.65 THEN 'webchat' WHEN ${u('n', 'ch')} < 0.90 THEN 'wechat' ELSE 'phone' END AS channel,
                     CASE WHEN live THEN ELT(1 + FLOOR(${u('n', 'st')} * 10), 'new', 'new', 'open', 'open', 'open', 'open', 'open', 'pending', 'pending', 'on_hold')
                          WHEN ${u('n', 'mg')} < 0.01 THEN 'merged'
                          WHEN ageDays > 7 AND ${u('n', 'cl')} < 0.8 THEN 'closed' ELSE 'solved' END AS status
                FROM (
                  SELECT seq AS n, ${sqlTime(start)} + INTERVAL ROUND((seq - 1) * ${stepMs}) * 1000 MICROSECOND AS c,
                         (${tickets} - seq) * ${stepMs} / ${DAY_MS} AS ageDays,
                         FLOOR(${u('seq', 'd')} * ${DEPARTMENTS}) AS dix, ${u('seq', 'a')} AS ua,
                         CASE WHEN ${u('seq', 'ty')} < 0.25 THEN 'complaint' WHEN ${u('seq', 'ty')} < 0.40 THEN 'suggestion' ELSE 'enquiry' END AS type,
                         FLOOR(-LN(1 - ${u('seq', 'fr')}) * 30) AS frm,
                         ${u('seq', 'lv')} < CASE WHEN (${tickets} - seq) * ${stepMs} < 14 * ${DAY_MS} THEN (1 - (${tickets} - seq) * ${stepMs} / (14 * ${DAY_MS})) * 0.6 ELSE 0.002 END AS live
                    FROM seq_1_to_${tickets} WHERE seq BETWEEN ${from} AND ${to}
                ) r
            ) g
        ) x`);
    lap(`tickets ${from}–${to}`);
  }

  // Surveys for ~30 % of solves, attributed like the survey service does at the solve.
  for (let from = 1; from <= tickets; from += CHUNK * 2) {
    const to = Math.min(tickets, from + CHUNK * 2 - 1);
    await conn.query(`INSERT INTO survey (ticketId, memberId, channel, status, solvedAt, agentId, departmentId, category, type, ticketChannel, tier, language,
        sendAt, sentAt, remindedAt, expiresAt, nextCheckAt, nonce, rating, comment, answeredAt, answeredVia, recordedBy, cancelReason, createdAt)
      SELECT t.id, t.memberId, CASE t.channel WHEN 'phone' THEN 'call' ELSE t.channel END, t.st, t.solvedAt, t.assigneeId, t.departmentId, t.category, t.type, t.channel, m.tier, 'zh-Hans',
             t.solvedAt + INTERVAL 10 MINUTE, t.solvedAt + INTERVAL 10 MINUTE, NULL, t.solvedAt + INTERVAL 7 DAY, NULL, 'bench',
             CASE WHEN t.st = 'answered' THEN CASE WHEN t.r < 0.05 THEN 1 WHEN t.r < 0.10 THEN 2 WHEN t.r < 0.20 THEN 3 WHEN t.r < 0.50 THEN 4 ELSE 5 END END,
             NULL, CASE WHEN t.st = 'answered' THEN t.solvedAt + INTERVAL 2 HOUR END, CASE WHEN t.st = 'answered' THEN 'link' END, NULL, NULL, t.solvedAt
        FROM (SELECT id, memberId, channel, solvedAt, assigneeId, departmentId, category, type, ${u('id', 'r')} AS r,
                     CASE WHEN ${u('id', 'sv')} < 0.40 THEN 'answered' WHEN ${u('id', 'sv')} < 0.75 THEN 'sent' ELSE 'expired' END AS st
                FROM ticket WHERE id BETWEEN ${from} AND ${to} AND solvedAt IS NOT NULL AND ${u('id', 'pick')} < 0.30) t
        JOIN member m ON m.id = t.memberId`);
  }
  lap('surveys');

  // SLA alerts: a breach (level 1) per breached clock, escalations for some, warnings at 75 %.
  const targets = (metric: 'fr' | 'res') => metric === 'fr'
    ? "CASE WHEN type = 'complaint' THEN 30 ELSE 60 END" : "CASE WHEN type = 'complaint' THEN 480 ELSE 960 END";
  const alertCols = 'ticketId, metric, cycle, kind, level, departmentId, contactAgentId, dueAt, firedAt';
  for (let from = 1; from <= tickets; from += CHUNK * 2) {
    const to = Math.min(tickets, from + CHUNK * 2 - 1);
    const range = `id BETWEEN ${from} AND ${to}`;
    await conn.query(`INSERT INTO sla_alert (${alertCols})
      SELECT id, 'first_response', 0, 'breach', 1, departmentId, NULL, due, due FROM (SELECT id, departmentId, createdAt + INTERVAL ROUND(${targets('fr')} * ${WALL_PER_WORKING}) MINUTE AS due FROM ticket WHERE ${range} AND firstResponseBreached = 1) x`);
    await conn.query(`INSERT INTO sla_alert (${alertCols})
      SELECT id, 'resolution', 0, 'breach', 1, departmentId, NULL, due, due FROM (SELECT id, departmentId, createdAt + INTERVAL ROUND(${targets('res')} * ${WALL_PER_WORKING}) MINUTE AS due FROM ticket WHERE ${range} AND resolutionBreached = 1) x`);
    await conn.query(`INSERT INTO sla_alert (${alertCols})
      SELECT id, 'next_response', 1, 'breach', 1, departmentId, NULL, due, due FROM (SELECT id, departmentId, firstResponseAt + INTERVAL ROUND(120 * ${WALL_PER_WORKING}) MINUTE AS due FROM ticket WHERE ${range} AND nextResponseBreached = 1) x`);
    await conn.query(`INSERT INTO sla_alert (${alertCols})
      SELECT id, 'first_response', 0, 'warning', 0, departmentId, NULL, due, warn FROM (SELECT id, departmentId,
             createdAt + INTERVAL ROUND(${targets('fr')} * ${WALL_PER_WORKING}) MINUTE AS due, createdAt + INTERVAL ROUND(${targets('fr')} * 0.75 * ${WALL_PER_WORKING}) MINUTE AS warn
        FROM ticket WHERE ${range} AND slaPolicyId IS NOT NULL AND firstResponseMinutes > 0.75 * ${targets('fr')}) x`);
  }
  for (const [level, share, afterMinutes] of [[2, 0.3, 30], [3, 0.1, 90]] as const) {
    await conn.query(`INSERT INTO sla_alert (${alertCols})
      SELECT ticketId, metric, cycle, 'breach', ${level}, departmentId, NULL, dueAt, firedAt + INTERVAL ${afterMinutes} MINUTE
        FROM sla_alert WHERE kind = 'breach' AND level = 1 AND ${u('id', 'esc')} < ${share}`);
  }
  lap('SLA alerts');
  await conn.query('ANALYZE TABLE ticket, survey, sla_alert, member');
  const data: Dataset = { version: DATASET_VERSION, tickets, end: new Date(end).toISOString(), departmentIds };
  await conn.query('INSERT INTO setting (`key`, value) VALUES (?, ?)', [MARKER, JSON.stringify(data)]);
  lap('analysed');
  return data;
}

// ── measuring ─────────────────────────────────────────────────────────────

interface Measured { name: string; p50: number; p95: number; max: number; runs: number }

async function measure(name: string, runs: number, warmup: number, fn: () => Promise<unknown>): Promise<Measured> {
  for (let i = 0; i < warmup; i++) await fn();
  const times = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times[i] = performance.now() - started;
  }
  times.sort();
  return { name, p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1]!, runs };
}

function line(m: Measured, target = true): string {
  const verdict = target ? (m.p95 < TARGET_P95_MS ? 'p95 < 300 ms: yes' : 'p95 < 300 ms: NO') : '(not part of the target)';
  return `  ${m.name.padEnd(44)} p50 ${m.p50.toFixed(1).padStart(7)} ms   p95 ${m.p95.toFixed(1).padStart(7)} ms   max ${m.max.toFixed(1).padStart(7)} ms   ${verdict}`;
}

// ── main ──────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runs = positiveInt('BENCH_RUNS', 30);
  const warmup = positiveInt('BENCH_WARMUP', 3);
  const { url, name } = benchTarget(DEFAULT_URL);
  console.log(`MemberDesk reports benchmark: ${args.tickets} tickets at ${url.hostname}:${url.port || 3306}/${name}`);

  let data = args.fresh ? null : await existingDataset(url, args.tickets);
  if (data) console.log(`  reusing the dataset built for ${data.end} (npm run bench:reports -- --fresh rebuilds it)`);
  else {
    console.log('  building the dataset …');
    const ds = await freshSchema(url);
    await ds.destroy();
    const conn = await mysql.createConnection(connectionOptions(url, true));
    try {
      data = await generate(conn, args.tickets);
    } finally {
      await conn.end();
    }
  }

  const ds = await createDataSource({ databaseUrl: url.toString(), dataDir: null });
  try {
    const [version] = await ds.query('SELECT VERSION() AS v, @@innodb_buffer_pool_size AS pool') as Array<{ v: string; pool: string }>;
    const [counts] = await ds.query(`SELECT (SELECT COUNT(*) FROM ticket) AS tickets, (SELECT COUNT(*) FROM survey) AS surveys, (SELECT COUNT(*) FROM sla_alert) AS alerts,
      (SELECT COUNT(*) FROM ticket WHERE status IN ('new', 'open', 'pending', 'on_hold')) AS live`) as Array<Record<string, string>>;
    console.log(`  ${version?.v}, InnoDB buffer pool ${Math.round(Number(version?.pool) / 1048576)} MiB; ` +
      `${counts?.tickets} tickets (${counts?.live} live), ${counts?.surveys} surveys, ${counts?.alerts} SLA alerts`);

    // The data's clock: its last minute is "now", so every run measures the same periods.
    const end = new Date(data.end);
    const reports = new ReportService({ db: new Database(ds, 'mysql'), clock: { now: () => end } });
    const admin: Principal = { agentId: 1, role: 'admin', departmentIds: [] };
    const departmentId = data.departmentIds[Math.floor(data.departmentIds.length / 2)]!;
    const monthEnd = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
    const monthStart = new Date(Date.UTC(monthEnd.getUTCFullYear(), monthEnd.getUTCMonth() - 1, 1));
    const month: ReportParams = { from: monthStart.toISOString().slice(0, 10), to: monthEnd.toISOString().slice(0, 10), departmentId };
    const scopeOf = (q: ReportParams): Promise<ReportScope> => reports.scope(admin, q);

    const probe = await reports.summary(await scopeOf(month));
    console.log(`  period ${month.from} … ${month.to} (to excluded), department ${departmentId}: ${probe.created} created, ${probe.solved} solved, backlog ${probe.backlog} at its end, ` +
      `${probe.firstResponseMinutes.count} first responses, ${probe.csat.sent} surveys sent`);
    console.log(`  ${warmup} warm-up runs, then ${runs} timed runs per query (ReportService in-process, scope check included)\n`);

    const results: Measured[] = [];
    results.push(await measure('summary', runs, warmup, async () => reports.summary(await scopeOf(month))));
    results.push(await measure('trend by day', runs, warmup, async () => reports.trend(await scopeOf(month), 'day')));
    results.push(await measure('breakdown by agent', runs, warmup, async () => reports.breakdown(await scopeOf(month), 'agent', 'en')));
    results.push(await measure('breakdown by category', runs, warmup, async () => reports.breakdown(await scopeOf(month), 'category', 'zh-CN')));
    results.push(await measure('CSV: breakdown by agent', runs, warmup, async () => breakdownCsv(await reports.breakdown(await scopeOf(month), 'agent', 'en'))));
    for (const m of results) console.log(line(m));

    console.log('');
    const extra: Measured[] = [];
    extra.push(await measure('summary, last 30 days (live backlog)', runs, warmup, async () => reports.summary(await scopeOf({ departmentId }))));
    extra.push(await measure('summary, the month, all departments', Math.min(runs, 10), 1, async () => reports.summary(await scopeOf({ from: month.from, to: month.to }))));
    const yearStart = new Date(Date.UTC(monthEnd.getUTCFullYear() - 1, monthEnd.getUTCMonth(), 1)).toISOString().slice(0, 10);
    extra.push(await measure('trend by month, 12 months, all departments', Math.min(runs, 5), 1, async () => reports.trend(await scopeOf({ from: yearStart, to: month.to }), 'month')));
    for (const m of extra) console.log(line(m, false));

    const worst = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    console.log(`\ntarget p95 < ${TARGET_P95_MS} ms for every dashboard query: ${worst.p95 < TARGET_P95_MS ? 'met' : 'NOT met'} (slowest: ${worst.name}, p95 ${worst.p95.toFixed(1)} ms)`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('bench:reports failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
