/**
 * Email inbound throughput benchmark on MariaDB/MySQL.
 *
 * Pushes BENCH_MESSAGES (default 5,000) raw messages through EmailInboundService.receive() (parse,
 * noise filter, threading, attachments, ingest) with BENCH_CONCURRENCY (default 8) workers pulling
 * from one queue. The messages are the shared fixtures (*.eml), taken round-robin, each with its
 * Message-ID replaced (or added) by a unique `<bench-{i}@bench.example>` so that none is taken for a
 * redelivery, and its From address rewritten to one of SENDERS senders (`sender{k}@bench.example`)
 * so that the load is not one member's (a mailer-daemon keeps its local part, so that bounces stay
 * bounces). Only those two header fields change; every other byte stays as it was (the header block
 * is edited as latin1, so other charsets pass through untouched).
 *
 * Prints the outcomes (stored; ignored by reason; failed, i.e. receive() threw), throughput, p50/p99
 * latency of receive() and, last, `email <n> msg/s (<stored> stored, <ignored> ignored)`. Exits 1
 * when the email message rows in the database do not match the stored count.
 *
 *   npm run bench:email
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/memberdesk_email_bench BENCH_MESSAGES=1000 npm run bench:email
 *
 * The database is dropped and recreated first (its name must contain "bench"); the default one
 * (mysql://root@127.0.0.1:3306/memberdesk_email_bench, used when DATABASE_URL is unset) is dropped
 * again at the end. BENCH_FIXTURES overrides the fixture directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { systemClock } from '../../server/clock.js';
import { Database } from '../../server/db/database.js';
import { Mailbox } from '../../server/db/entities/index.js';
import { silentLogger } from '../../server/logger.js';
import { Keyring, PiiVault } from '../../server/security/pii-vault.js';
import { buildServices } from '../../server/services.js';
import { adminQuery, benchTarget, connectionOptions, freshSchema, percentile, positiveInt } from './bench-kit.js';

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/memberdesk_email_bench';
const DEFAULT_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/email');
const SENDERS = 1000;
const MAILBOX_ADDRESS = 'support@memberdesk-bench.example';

interface Fixture { name: string; bytes: Buffer }

interface BenchMessage {
  index: number;
  fixture: string;
  raw: Buffer;
}

/** What one receive() came to: `stored`, `duplicate`, `ignored:<reason>` or `failed`. */
type Outcome = string;

interface RunResult {
  count: number;
  seconds: number;
  perSecond: number;
  latencies: Float64Array;
  outcomes: Outcome[];
  errors: Map<string, { count: number; fixtures: Set<string> }>;
}

// ── setup ──────────────────────────────────────────────────────────────────






// ── workload ───────────────────────────────────────────────────────────────

async function loadFixtures(dir: string): Promise<Fixture[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
  if (!names.length) throw new Error(`no *.eml fixtures in ${dir}`);
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(dir, name)) })));
}

/**
 * The fixture with a new Message-ID and From address. The header block (up to the first empty
 * line, or all of the message if it has none) is split into fields, a field being its first line
 * plus folded continuation lines, each keeping its own line end. Every Message-ID field becomes
 * `<name>: <id>` with the field's line end; without one, a Message-ID field is put first, with the
 * line end of the first header line. In the From field the first `<addr>` (else the first bare
 * `local@domain`) becomes the new address (see senderFor); a From without an address
 * (`From: no_host`) is left as it is, like a mail without From. Anything else, header or body, is
 * byte for byte the fixture.
 */
function rewrite(bytes: Buffer, messageId: string, from: string): Buffer {
  const text = bytes.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const headerEnd = end ? end.index + (end[0].startsWith('\r\n') ? 2 : 1) : text.length;
  const header = text.slice(0, headerEnd);
  const rest = text.slice(headerEnd);

  const fields: string[] = [];
  for (const line of header.split(/(?<=\n)/)) {
    if (fields.length && /^[ \t]/.test(line)) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  let sawMessageId = false;
  let sawFrom = false;
  const out = fields.map((field) => {
    const name = /^([!-9;-~]+)[ \t]*:/.exec(field)?.[1];
    if (!name) return field;
    const eol = /\r?\n$/.exec(field)?.[0] ?? '';
    if (/^message-id$/i.test(name)) {
      sawMessageId = true;
      return `${name}: ${messageId}${eol}`;
    }
    if (/^from$/i.test(name) && !sawFrom) {
      sawFrom = true;
      const angle = /<([^<>@\s]+)@[^<>\s]+>/.exec(field);
      if (angle) return field.slice(0, angle.index) + `<${senderFor(angle[1]!, from)}>` + field.slice(angle.index + angle[0].length);
      const colon = field.indexOf(':') + 1;
      const bare = /([^<>\s,;"()]+)@[^<>\s,;"()]+/.exec(field.slice(colon));
      if (bare) return field.slice(0, colon + bare.index) + senderFor(bare[1]!, from) + field.slice(colon + bare.index + bare[0].length);
    }
    return field;
  });
  let result = out.join('');
  if (!sawMessageId) result = `Message-ID: ${messageId}${/\r?\n/.exec(header)?.[0] ?? '\r\n'}` + result;
  return Buffer.from(result + rest, 'latin1');
}

/**
 * The new From address. A mailer-daemon keeps its local part (`MAILER-DAEMON@bench.example`): the
 * noise filter reads it, and a bounce fixture must stay a bounce, not open a ticket.
 */
function senderFor(originalLocal: string, from: string): string {
  return /^mailer-?daemon$/i.test(originalLocal) ? `${originalLocal}@bench.example` : from;
}

/** `count` messages: fixture i mod fixtures, sender i mod SENDERS, Message-ID `<bench-i@bench.example>`. */
function buildWorkload(fixtures: readonly Fixture[], count: number): BenchMessage[] {
  return Array.from({ length: count }, (_, index) => {
    const fixture = fixtures[index % fixtures.length]!;
    return {
      index, fixture: fixture.name,
      raw: rewrite(fixture.bytes, `<bench-${index}@bench.example>`, `sender${index % SENDERS}@bench.example`),
    };
  });
}

// ── measurement ────────────────────────────────────────────────────────────

/**
 * `concurrency` workers pull from one shared queue; each item's latency is measured around `work`.
 * A throw is an outcome (`failed`), counted with its message, and the run goes on.
 */
async function runQueue(items: readonly BenchMessage[], concurrency: number, work: (item: BenchMessage) => Promise<Outcome>): Promise<RunResult> {
  const latencies = new Float64Array(items.length);
  const outcomes: Outcome[] = new Array<Outcome>(items.length);
  const errors = new Map<string, { count: number; fixtures: Set<string> }>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      const started = performance.now();
      try {
        outcomes[i] = await work(item);
      } catch (error) {
        outcomes[i] = 'failed';
        const key = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const entry = errors.get(key) ?? { count: 0, fixtures: new Set<string>() };
        entry.count++;
        entry.fixtures.add(item.fixture);
        errors.set(key, entry);
      }
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { count: items.length, seconds, perSecond: items.length / seconds, latencies, outcomes, errors };
}


function latencyOf(r: RunResult, keep: (outcome: Outcome) => boolean): { n: number; p50: number; p99: number } {
  const picked = Float64Array.from(r.outcomes.flatMap((o, i) => (keep(o) ? [r.latencies[i]!] : [])));
  picked.sort();
  return { n: picked.length, p50: percentile(picked, 0.5), p99: percentile(picked, 0.99) };
}

// ── main ───────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const { url, name, explicit: explicitUrl } = benchTarget(DEFAULT_URL);
  const count = positiveInt('BENCH_MESSAGES', 5_000);
  const concurrency = positiveInt('BENCH_CONCURRENCY', 8);
  const fixtureDir = process.env.BENCH_FIXTURES || DEFAULT_FIXTURES;
  const fixtures = await loadFixtures(fixtureDir);
  const workload = buildWorkload(fixtures, count);
  const bytes = workload.reduce((sum, m) => sum + m.raw.length, 0);

  const probe = await mysql.createConnection(connectionOptions(url, false));
  const [version] = await probe.query<RowDataPacket[]>('SELECT VERSION() AS v');
  await probe.end();
  console.log(`MemberDesk email benchmark: ${count} messages (${(bytes / 1024 / 1024).toFixed(1)} MiB) from ${fixtures.length} fixtures, ` +
    `${Math.min(SENDERS, count)} senders, concurrency ${concurrency}, ${String(version[0]?.v)} at ${url.hostname}:${url.port || 3306}/${name}`);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-email-bench-'));
  let ds: DataSource | null = null;
  let ok = false;
  try {
    ds = await freshSchema(url);
    const db = new Database(ds, 'mysql');
    const services = buildServices({
      db, vault: await PiiVault.open(db, new Keyring(randomBytes(32))), clock: systemClock, log: silentLogger,
      tokenTtlMinutes: 60, deliveryPollMs: 1000, dataDir,
    });
    const department = await services.departments.create({ name: 'Bench', isDefault: true });
    const { mailbox: view } = await services.mailboxes.create({ address: MAILBOX_ADDRESS, departmentId: department.id });
    const mailbox = await db.read((m) => m.findOneByOrFail(Mailbox, { id: view.id }));

    const result = await runQueue(workload, concurrency, async (m) => {
      const r = await services.emailInbound.receive(mailbox, m.raw);
      if (r.stored) return r.duplicate ? 'duplicate' : 'stored';
      return `ignored:${r.ignored}`;
    });

    const tally = new Map<Outcome, number>();
    for (const o of result.outcomes) tally.set(o, (tally.get(o) ?? 0) + 1);
    const stored = tally.get('stored') ?? 0;
    const ignored = result.outcomes.filter((o) => o.startsWith('ignored:')).length;
    const failed = tally.get('failed') ?? 0;
    const duplicate = tally.get('duplicate') ?? 0;

    console.log('outcomes:');
    console.log(`  stored               ${String(stored).padStart(6)}`);
    if (duplicate) console.log(`  stored (duplicate)   ${String(duplicate).padStart(6)}`);
    console.log(`  ignored              ${String(ignored).padStart(6)}`);
    for (const [o, n] of [...tally].filter(([o]) => o.startsWith('ignored:')).sort((a, b) => b[1] - a[1])) {
      console.log(`    ${o.slice('ignored:'.length).padEnd(18)} ${String(n).padStart(6)}`);
    }
    console.log(`  failed               ${String(failed).padStart(6)}`);
    for (const [message, e] of result.errors) {
      console.log(`    ${e.count} x ${message.slice(0, 200)} (fixtures: ${[...e.fixtures].slice(0, 5).join(', ')}${e.fixtures.size > 5 ? ', ...' : ''})`);
    }

    const all = latencyOf(result, () => true);
    const storedLat = latencyOf(result, (o) => o === 'stored');
    const ignoredLat = latencyOf(result, (o) => o.startsWith('ignored:'));
    console.log(`receive: ${result.count} msg in ${result.seconds.toFixed(1)} s: ${Math.round(result.perSecond)} msg/s, ` +
      `latency p50 ${all.p50.toFixed(1)} ms, p99 ${all.p99.toFixed(1)} ms`);
    console.log(`  stored  ${storedLat.n} msg: p50 ${storedLat.p50.toFixed(1)} ms, p99 ${storedLat.p99.toFixed(1)} ms`);
    console.log(`  ignored ${ignoredLat.n} msg: p50 ${ignoredLat.p50.toFixed(1)} ms, p99 ${ignoredLat.p99.toFixed(1)} ms`);

    const [row] = await ds.query("SELECT COUNT(*) AS n FROM message WHERE channel = 'email'") as Array<{ n: string | number }>;
    const rows = Number(row!.n);
    // A receive() that throws is a bug (bad mail is kept as a failed import, never thrown): it fails the run.
    ok = rows === stored && failed === 0;
    console.log(`verify: ${rows} email message rows (expected ${stored}): ${ok ? 'ok' : 'WRONG'}`);
    console.log(`email ${Math.round(result.perSecond)} msg/s (${stored} stored, ${ignored} ignored)`);
  } finally {
    if (ds?.isInitialized) await ds.destroy();
    if (!explicitUrl) await adminQuery(url, `DROP DATABASE IF EXISTS \`${name}\``);
    await rm(dataDir, { recursive: true, force: true });
  }
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error('bench:email failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
