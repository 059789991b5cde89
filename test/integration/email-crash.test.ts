import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import mysql from 'mysql2/promise';
import initSqlJs from 'sql.js';
import { In } from 'typeorm';
import { createDataSource } from '../../server/db/data-source.js';
import { Message, Ticket } from '../../server/db/entities/index.js';
import { startDovecot, type RunningDovecot } from '../helpers/dovecot.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { isRunning, loginTo, serverApi, serverEnv, startServer, stopServer, type ServerProcess, type Spawned, errorsIn } from '../helpers/server-process.js';

/**
 * kill -9 of the server while its IMAP poller works through a full mailbox, restart → every mail
 * is stored exactly once (one `message` row per Message-ID) and the mailbox ends up fully read.
 * The real server runs as a child process (`node --import tsx`, no npx wrapper that would survive
 * the kill) against a private Dovecot and the real database of each engine.
 *
 * Pollers pick up mailboxes when the server starts (and on a 60 s reconcile), so the mailbox is
 * created through the API on a first server that is then stopped gracefully; the second server
 * starts polling at once and is the one killed; the third drains the rest.
 */

const ADMIN_EMAIL = 'admin@email-crash.test';
const ADMIN_PASSWORD = 'email-crash-test-password';
const MAILBOX_USER = 'service@email-crash.test';
const MAILBOX_PASSWORD = 'email-crash-imap-password';
const TOTAL = 300;
const SENDERS = 60;
const KILL_AFTER_STORED = 30;
const ID_PREFIX = '<email-crash-';
const messageIdOf = (i: number) => `${ID_PREFIX}${i}@senders.example>`;
const senderOf = (i: number) => `member${String(i % SENDERS).padStart(2, '0')}@senders.example`;

/** Log lines at level error, and anything on stderr. */
const rawMail = (i: number) => [
  `From: Member ${i % SENDERS} <${senderOf(i)}>`,
  `To: ${MAILBOX_USER}`,
  `Subject: crash test mail ${i}`,
  `Date: ${new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toUTCString()}`,
  `Message-ID: ${messageIdOf(i)}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  `Mail number ${i} of the kill -9 test.`,
  '',
].join('\r\n');

for (const engine of ENGINES) {
  describe(`email crash safety over IMAP [${engine.name}]`, function () {
    this.timeout(180_000);

    let dataDir: string;
    let target: Awaited<ReturnType<typeof engine.fresh>> | undefined;
    let dovecot: RunningDovecot | undefined;
    let mysqlConn: mysql.Connection | undefined;
    const servers: Spawned[] = [];

    const imapClient = () => new ImapFlow({
      host: '127.0.0.1', port: dovecot!.port, secure: false, auth: { user: MAILBOX_USER, pass: MAILBOX_PASSWORD }, logger: false, disableAutoIdle: true,
    });

    /** INBOX as seen by a fresh IMAP session. */
    const inboxStatus = async (): Promise<{ messages: number; unseen: number }> => {
      const c = imapClient();
      await c.connect();
      try {
        const st = await c.status('INBOX', { messages: true, unseen: true });
        if (!st) throw new Error('IMAP STATUS of INBOX failed');
        return { messages: st.messages ?? -1, unseen: st.unseen ?? -1 };
      } finally {
        await c.logout();
      }
    };

    /**
     * Committed `message` rows of the test's mails, read from the outside while a server runs:
     * MySQL over its own connection; the SQLite file is replaced by an atomic rename on every
     * commit, so reading it whole gives one committed state.
     */
    let SQL: Awaited<ReturnType<typeof initSqlJs>> | undefined;
    const countStored = async (): Promise<number> => {
      const like = `${ID_PREFIX}%`;
      if (target!.databaseUrl) {
        mysqlConn ??= await mysql.createConnection({ uri: target!.databaseUrl });
        const [rows] = await mysqlConn.query('SELECT COUNT(*) AS n FROM `message` WHERE `rfcMessageId` LIKE ?', [like]);
        return Number((rows as Array<{ n: number | string }>)[0]!.n);
      }
      SQL ??= await initSqlJs();
      const db = new SQL.Database(await readFile(path.join(dataDir, 'memberdesk.sqlite')));
      try {
        const res = db.exec('SELECT COUNT(*) FROM message WHERE rfcMessageId LIKE ?', [like]);
        return Number(res[0]!.values[0]![0]);
      } finally {
        db.close();
      }
    };

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'memberdesk-email-crash-'));
      target = await engine.fresh();
      dovecot = await startDovecot([{ user: MAILBOX_USER, password: MAILBOX_PASSWORD }]);
    });

    after(async () => {
      for (const s of servers) {
        if (isRunning(s.child)) s.child.kill('SIGKILL');
        await s.exited;
      }
      await mysqlConn?.end().catch(() => undefined);
      await dovecot?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      await target?.drop();
    });

    it('stores every polled mail exactly once after kill -9 mid-mailbox and a restart', async () => {
      const env = serverEnv({ dataDir, databaseUrl: target!.databaseUrl, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, extra: { MEMBERDESK_IMAP_POLL_MS: '100' } });

      // ── the mailbox, configured through the API ─────────────────────────────
      const setup = await startServer(env, servers);
      const setupToken = await loginTo(setup.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
      const departments = await serverApi(setup.baseUrl, 'GET', '/api/departments', undefined, setupToken);
      expect(departments.status, JSON.stringify(departments.body)).to.equal(200);
      const departmentId = (departments.body.items as Array<{ id: number }>)[0]!.id;
      const created = await serverApi(setup.baseUrl, 'POST', '/api/channels/email/mailboxes', {
        address: MAILBOX_USER, departmentId, acknowledge: false,
        imap: { host: '127.0.0.1', port: dovecot!.port, secure: false, user: MAILBOX_USER, password: MAILBOX_PASSWORD },
      }, setupToken);
      expect(created.status, `create mailbox: ${JSON.stringify(created.body)}`).to.equal(201);
      const stoppedSetup = await stopServer(setup);
      expect(stoppedSetup.code, `graceful stop of the setup server\n${setup.output()}`).to.equal(0);
      expect(await countStored(), 'nothing polled before the mail arrives').to.equal(0);

      // ── 300 mails in INBOX ──────────────────────────────────────────────────
      const appender = imapClient();
      await appender.connect();
      try {
        for (let i = 0; i < TOTAL; i++) await appender.append('INBOX', Buffer.from(rawMail(i)));
      } finally {
        await appender.logout();
      }
      expect(await inboxStatus()).to.deep.equal({ messages: TOTAL, unseen: TOTAL });

      // ── polling starts; kill -9 once some mails are committed ───────────────
      const victim = await startServer(env, servers);
      let storedSeen = 0;
      await expectEventually(async () => {
        if (!isRunning(victim.child)) throw new Error(`the server died before the kill\n${victim.output()}`);
        storedSeen = await countStored();
        expect(storedSeen, 'mails committed by the polling server').to.be.at.least(KILL_AFTER_STORED);
      }, 60_000, 10);
      victim.child.kill('SIGKILL');
      const exit = await victim.exited;
      expect(exit.signal, 'the polling server died of SIGKILL').to.equal('SIGKILL');

      const storedAtKill = await countStored();
      const atKill = await inboxStatus();
      // Committed but not yet flagged \Seen when the process died: these are fetched again.
      const committedUnacked = storedAtKill - (TOTAL - atKill.unseen);
      expect(storedAtKill, 'some but not all mails stored at the kill').to.be.within(KILL_AFTER_STORED, TOTAL - 1);
      expect(atKill.unseen, 'mails left unseen at the kill').to.be.above(0);
      expect(committedUnacked, 'every acknowledged mail was committed first').to.be.at.least(0);

      // ── restart: the rest is polled, the repeats are deduped ────────────────
      const restarted = await startServer(env, servers);
      await expectEventually(async () => {
        if (!isRunning(restarted.child)) throw new Error(`the restarted server died\n${restarted.output()}`);
        expect(await inboxStatus()).to.deep.equal({ messages: TOTAL, unseen: 0 });
      }, 120_000, 100);

      // sql.js holds the file in memory: read it through TypeORM only once the server is gone.
      const stopped = await stopServer(restarted);
      expect(stopped.code, `graceful stop of the restarted server\n${restarted.output()}`).to.equal(0);
      expect(errorsIn(restarted.lines), 'errors logged by the restarted server').to.deep.equal([]);

      // ── the database itself ─────────────────────────────────────────────────
      const ds = await createDataSource({ databaseUrl: target!.databaseUrl, dataDir: target!.databaseUrl ? null : dataDir });
      try {
        const rows = await ds.getRepository(Message).createQueryBuilder('m')
          .select(['m.id', 'm.ticketId', 'm.channel', 'm.direction', 'm.externalId', 'm.rfcMessageId'])
          .where('m.rfcMessageId IS NOT NULL')
          .getMany();
        const byRfcId = new Map<string, Message[]>();
        for (const m of rows) byRfcId.set(m.rfcMessageId!, [...(byRfcId.get(m.rfcMessageId!) ?? []), m]);

        const notOnce: string[] = [];
        for (let i = 0; i < TOTAL; i++) {
          const n = byRfcId.get(messageIdOf(i))?.length ?? 0;
          if (n !== 1) notOnce.push(`${messageIdOf(i)} (${n} rows)`);
        }
        expect(notOnce, `Message-IDs not stored exactly once (of ${TOTAL})`).to.deep.equal([]);
        expect([...byRfcId].filter(([, ms]) => ms.length > 1).map(([id]) => id), 'Message-IDs stored more than once').to.deep.equal([]);
        const ours = rows.filter((m) => m.rfcMessageId!.startsWith(ID_PREFIX));
        expect(ours).to.have.length(TOTAL);
        expect(ours.filter((m) => m.channel !== 'email' || m.direction !== 'inbound').map((m) => m.rfcMessageId), 'rows that are not inbound email').to.deep.equal([]);
        const externalIds = new Set(ours.map((m) => m.externalId));
        expect(externalIds.size, 'distinct externalIds').to.equal(TOTAL);

        // Each stored mail came with its ticket in the same transaction.
        const ticketIds = [...new Set(ours.map((m) => m.ticketId))];
        const tickets = await ds.getRepository(Ticket).findBy({ id: In(ticketIds) });
        expect(tickets.map((t) => t.id).sort((a, b) => a - b)).to.deep.equal(ticketIds.sort((a, b) => a - b));

        const warnings = restarted.lines.filter((l) => l.includes('"level":"warn"')).length;
        console.log(`      ${engine.name}: kill -9 after ${storedSeen} mails seen committed (${storedAtKill} committed, `
          + `${TOTAL - atKill.unseen} acknowledged, ${committedUnacked} committed but not acknowledged at the kill); `
          + `after the restart ${ours.length} rows for ${TOTAL} Message-IDs on ${tickets.length} tickets, `
          + `${warnings} warnings and no errors in the restarted server's log`);
      } finally {
        await ds.destroy();
      }
    });
  });
}
