/**
 * Ingest throughput benchmark on MariaDB/MySQL.
 *
 * Phase 1 pushes BENCH_MESSAGES (default 20,000) email messages from BENCH_MESSAGES/5 senders through
 * TicketService.ingest() with BENCH_CONCURRENCY (default 16) workers pulling from one queue: a
 * sender's first message creates member + ticket, later ones continue that ticket. Phase 2 writes
 * the same rows with hand-written mysql2 transactions (plain INSERT/UPDATE between BEGIN and COMMIT)
 * on a fresh copy of the schema: the baseline of what the database itself can do. Prints throughput,
 * p50/p99 latency of each phase and, last, `ingest <n> msg/s, raw <m> tx/s, ratio <r>`.
 *
 *   npm run bench:ingest
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/memberdesk_bench BENCH_MESSAGES=2000 npm run bench:ingest
 *
 * The database is dropped and recreated before each phase (its name must contain "bench"); the
 * default one (mysql://root@127.0.0.1:3306/memberdesk_bench, used when DATABASE_URL is unset) is
 * dropped again at the end.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql, { type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { InboundMessage } from '../../channels/channel.js';
import { systemClock } from '../../server/clock.js';
import { Database } from '../../server/db/database.js';
import { DEFAULT_CATEGORY } from '../../server/domain.js';
import { silentLogger } from '../../server/logger.js';
import { identityAad, maskIdentity, normaliseIdentity } from '../../server/members/identity.js';
import { Keyring, PiiVault } from '../../server/security/pii-vault.js';
import { buildServices } from '../../server/services.js';
import { formatTicketNumber } from '../../server/tickets/status.js';
import { adminQuery, benchTarget, connectionOptions, freshSchema, percentile, positiveInt } from './bench-kit.js';
import { mulberry32 } from '../helpers/prng.js';

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/memberdesk_bench';
const MESSAGES_PER_SENDER = 5;
const TARGET_RATIO = 0.5;

interface BenchMessage {
  index: number;
  sender: number;
  /** The sender's first message in queue order: opens member and ticket. */
  first: boolean;
  email: string;
  externalId: string;
  subject: string;
  text: string;
}

interface PhaseResult {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

interface RowCounts { messages: number; tickets: number; members: number }

// ── setup ──────────────────────────────────────────────────────────────────







/** `count` messages from `senders` senders, interleaved as mail arrives: no sender's messages in a row. */
function buildWorkload(count: number, senders: number, runId: string): BenchMessage[] {
  const order = Array.from({ length: count }, (_, i) => i % senders);
  const random = mulberry32(20_251_123);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const seen = new Map<number, number>();
  return order.map((sender, index) => {
    const nth = (seen.get(sender) ?? 0) + 1;
    seen.set(sender, nth);
    const topic = `Points missing from order #${100_000 + sender}`;
    return {
      index, sender, first: nth === 1,
      email: `m${sender}@bench.example`,
      externalId: `<${runId}.${index}@bench.example>`,
      subject: nth === 1 ? topic : `Re: ${topic}`,
      text: `Hello,\n\nthis is message ${nth} about order #${100_000 + sender}: I bought two items in the Jing'an store ` +
        `last weekend and the points have still not shown up in my account. My membership card ends in ${1000 + (sender % 9000)}.\n\n` +
        'Could you please check and add them? Thank you.\n',
    };
  });
}

// ── measurement ────────────────────────────────────────────────────────────

/** `concurrency` workers pull from one shared queue; each item's latency is measured around `work`. */
async function runQueue<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<PhaseResult> {
  const latencies = new Float64Array(items.length);
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (!failures.length && next < items.length) {
      const i = next++;
      const started = performance.now();
      try {
        await work(items[i]!);
      } catch (error) {
        failures.push(error);
        return;
      }
      latencies[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  // On a failure the other workers stop pulling; wait for their work in flight before reporting it.
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length) throw failures[0];
  const seconds = (performance.now() - started) / 1000;
  latencies.sort();
  return { count: items.length, seconds, perSecond: items.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}


function summary(label: string, unit: string, r: PhaseResult): string {
  return `${label} ${r.count} ${unit} in ${r.seconds.toFixed(1)} s: ${Math.round(r.perSecond)} ${unit}/s, ` +
    `latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;
}

async function countRows(ds: DataSource): Promise<RowCounts> {
  const [row] = await ds.query(
    'SELECT (SELECT COUNT(*) FROM message) AS messages, (SELECT COUNT(*) FROM ticket) AS tickets, (SELECT COUNT(*) FROM member) AS members',
  ) as Array<Record<keyof RowCounts, string | number>>;
  return { messages: Number(row!.messages), tickets: Number(row!.tickets), members: Number(row!.members) };
}

/** Prints the row counts; throws if the phase lost or duplicated anything. */
function verify(label: string, counts: RowCounts, messages: number, senders: number): void {
  const ok = counts.messages === messages && counts.tickets === senders && counts.members === senders;
  console.log(`${label} verify: ${counts.messages} message rows (expected ${messages}), ${counts.tickets} tickets and ` +
    `${counts.members} members (expected ${senders}): ${ok ? 'ok' : 'WRONG'}`);
  if (!ok) throw new Error(`${label}: the database does not hold what was ingested`);
}

// ── phase 1: TicketService.ingest() ─────────────────────────────────────────

async function benchIngest(url: URL, workload: readonly BenchMessage[], senders: number, concurrency: number): Promise<PhaseResult> {
  const ds = await freshSchema(url);
  try {
    const db = new Database(ds, 'mysql');
    const services = buildServices({
      db, vault: await PiiVault.open(db, new Keyring(randomBytes(32))), clock: systemClock, log: silentLogger,
      tokenTtlMinutes: 60, deliveryPollMs: 1000,
    });
    await services.departments.create({ name: 'Bench', isDefault: true });
    let opened = 0;
    const result = await runQueue(workload, concurrency, async (m) => {
      const msg: InboundMessage = {
        channel: 'email', externalId: m.externalId, from: { kind: 'email', value: m.email },
        subject: m.subject, text: m.text, receivedAt: new Date(),
      };
      const r = await services.tickets.ingest(msg);
      if (r.duplicate) throw new Error(`message ${m.index} was taken for a redelivery`);
      // Not necessarily the sender's first in queue order: two of a sender's messages may be in flight together.
      if (r.created) opened++;
    });
    console.log(summary('ingest:', 'msg', result));
    if (opened !== senders) throw new Error(`ingest opened ${opened} tickets for ${senders} senders`);
    verify('ingest', await countRows(ds), workload.length, senders);
    return result;
  } finally {
    await ds.destroy();
  }
}

// ── phase 2: the same rows through raw mysql2 transactions ──────────────────

interface Thread { memberId: number; ticketId: number }

async function benchRaw(url: URL, workload: readonly BenchMessage[], senders: number, concurrency: number): Promise<PhaseResult> {
  const ds = await freshSchema(url);
  const pool: Pool = mysql.createPool({ ...connectionOptions(url, true), connectionLimit: concurrency });
  try {
    const vault = new PiiVault(new Keyring(randomBytes(32)), randomBytes(32), randomBytes(32));
    const [dept] = await pool.query<ResultSetHeader>("INSERT INTO department (name, isDefault) VALUES ('Bench', 1)");
    const departmentId = dept.insertId;
    const triage = JSON.stringify({ type: 'enquiry', category: DEFAULT_CATEGORY, priority: 'normal', reasons: ['defaults: no classifier configured'] });
    // A sender's follow-ups need the ids of the transaction that opened its thread.
    const threads = new Map<number, Promise<Thread>>();

    const firstContact = async (m: BenchMessage, at: Date): Promise<Thread> => {
      const conn = await pool.getConnection();
      try {
        await conn.query('BEGIN');
        const { dataKey, wrapped, keyId } = vault.newDataKey();
        const [member] = await conn.query<ResultSetHeader>(
          'INSERT INTO member (name, tier, homeStore, wrappedKey, keyId) VALUES (NULL, ?, NULL, ?, ?)', ['standard', wrapped, keyId]);
        const memberId = member.insertId;
        const email = normaliseIdentity('email', m.email);
        await conn.query('INSERT INTO member_identity (memberId, kind, blindIndex, valueEnc, masked) VALUES (?, ?, ?, ?, ?)', [
          memberId, 'email', vault.blindIndex('email', email), vault.encrypt(dataKey, email, identityAad(memberId, 'email')), maskIdentity('email', email),
        ]);
        const [ticket] = await conn.query<ResultSetHeader>(
          'INSERT INTO ticket (type, category, priority, status, channel, memberId, departmentId, assigneeId, subject, tags, triage, mergedIntoId, lastMessageAt) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?)',
          ['enquiry', DEFAULT_CATEGORY, 'normal', 'new', 'email', memberId, departmentId, m.subject, '[]', triage, at]);
        const ticketId = ticket.insertId;
        const number = formatTicketNumber(ticketId);
        await conn.query('UPDATE ticket SET number = ? WHERE id = ?', [number, ticketId]);
        const messageId = await insertMessage(conn, ticketId, memberId, m, at);
        await conn.query('INSERT INTO ticket_event (ticketId, type, actorType, actorId, data, createdAt) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', [
          ticketId, 'ticket.created', 'member', memberId,
          JSON.stringify({ number, channel: 'email', departmentId, type: 'enquiry', category: DEFAULT_CATEGORY, priority: 'normal', reasons: ['defaults: no classifier configured'] }), at,
          ticketId, 'message.received', 'member', memberId, JSON.stringify({ messageId, channel: 'email' }), at,
        ]);
        await conn.query('COMMIT');
        return { memberId, ticketId };
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    };

    const followUp = async (m: BenchMessage, at: Date, thread: Thread): Promise<void> => {
      const conn = await pool.getConnection();
      try {
        await conn.query('BEGIN');
        const messageId = await insertMessage(conn, thread.ticketId, thread.memberId, m, at);
        await conn.query('INSERT INTO ticket_event (ticketId, type, actorType, actorId, data, createdAt) VALUES (?, ?, ?, ?, ?, ?)', [
          thread.ticketId, 'message.received', 'member', thread.memberId, JSON.stringify({ messageId, channel: 'email' }), at,
        ]);
        await conn.query('UPDATE ticket SET status = ?, lastMessageAt = ? WHERE id = ?', ['new', at, thread.ticketId]);
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    };

    const result = await runQueue(workload, concurrency, async (m) => {
      const at = new Date();
      if (m.first) {
        const opened = firstContact(m, at);
        threads.set(m.sender, opened);
        await opened;
      } else {
        const thread = threads.get(m.sender);
        if (!thread) throw new Error(`message ${m.index}: sender ${m.sender} has no thread yet`);
        await followUp(m, at, await thread);
      }
    });
    console.log(summary('raw:   ', 'tx', result));
    verify('raw', await countRows(ds), workload.length, senders);
    return result;
  } finally {
    await pool.end();
    await ds.destroy();
  }
}

async function insertMessage(conn: PoolConnection, ticketId: number, memberId: number, m: BenchMessage, at: Date): Promise<number> {
  const [res] = await conn.query<ResultSetHeader>(
    'INSERT INTO message (ticketId, direction, visibility, channel, authorType, authorAgentId, authorMemberId, text, html, attachments, externalId, deliveryState, meta, createdAt) ' +
    'VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, NULL, NULL, ?)',
    [ticketId, 'inbound', 'public', 'email', 'member', memberId, m.text, m.externalId, at]);
  return res.insertId;
}

// ── main ───────────────────────────────────────────────────────────────────

/** The cryptography ingest performs for this workload, alone, in seconds. */
function timeIngestCrypto(workload: readonly BenchMessage[]): number {
  const vault = new PiiVault(new Keyring(randomBytes(32)), randomBytes(32), randomBytes(32));
  const started = performance.now();
  for (const msg of workload) {
    const value = normaliseIdentity('email', msg.email);
    vault.blindIndex('email', value);
    if (msg.first) {
      const { dataKey } = vault.newDataKey();
      vault.encrypt(dataKey, value, identityAad(msg.sender, 'email'));
      maskIdentity('email', value);
    }
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const { url, name, explicit: explicitUrl } = benchTarget(DEFAULT_URL);
  const messages = positiveInt('BENCH_MESSAGES', 20_000);
  const concurrency = positiveInt('BENCH_CONCURRENCY', 16);
  const senders = Math.max(1, Math.round(messages / MESSAGES_PER_SENDER));
  const workload = buildWorkload(messages, senders, randomBytes(4).toString('hex'));

  const probe = await mysql.createConnection(connectionOptions(url, false));
  const [version] = await probe.query<RowDataPacket[]>('SELECT VERSION() AS v');
  await probe.end();
  console.log(`MemberDesk ingest benchmark: ${messages} messages from ${senders} senders, concurrency ${concurrency}, ` +
    `${String(version[0]?.v)} at ${url.hostname}:${url.port || 3306}/${name}`);

  let ingest: PhaseResult;
  let raw: PhaseResult;
  try {
    ingest = await benchIngest(url, workload, senders, concurrency);
    raw = await benchRaw(url, workload, senders, concurrency);
  } finally {
    if (!explicitUrl) await adminQuery(url, `DROP DATABASE IF EXISTS \`${name}\``);
  }

  const ratio = ingest.perSecond / raw.perSecond;
  // Encryption has been part of ingest from the start, so "before encryption" is estimated: the
  // ingest path's crypto (blind index per message; data key, wrap, encrypt, mask per new member) is
  // timed on its own and taken off the ingest phase's wall time (ingest is CPU-bound in Node).
  const cryptoSeconds = timeIngestCrypto(workload);
  const plainPerSecond = ingest.count / Math.max(ingest.seconds - cryptoSeconds, 1e-9);
  console.log(`encryption: ${(cryptoSeconds * 1000).toFixed(0)} ms of crypto in the ${ingest.seconds.toFixed(1)} s ingest phase ` +
    `(${((cryptoSeconds / ingest.seconds) * 100).toFixed(1)} %); without it about ${Math.round(plainPerSecond)} msg/s, ratio ${(plainPerSecond / raw.perSecond).toFixed(2)}`);
  console.log(`target ratio >= ${TARGET_RATIO.toFixed(2)}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  console.log(`ingest ${Math.round(ingest.perSecond)} msg/s, raw ${Math.round(raw.perSecond)} tx/s, ratio ${ratio.toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error('bench:ingest failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
