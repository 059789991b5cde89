import { expect } from 'chai';
import { ImapFlow } from 'imapflow';
import { ImapPoller, ImapPollError, type ImapMailboxSettings, type StoreRaw } from '../../channels/email/imap.poller.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { startDovecot, type RunningDovecot } from '../helpers/dovecot.js';
import { expectEventually } from '../helpers/expect-eventually.js';

/**
 * The IMAP side of the email channel against a private Dovecot (test/helpers/dovecot.ts). Not per
 * DB engine: the poller only moves raw bytes from the mailbox to `store`. Every test has its own
 * mailbox user, so the tests never see each other's mail.
 */
const USERS = ['seen', 'moved', 'flaky', 'crash', 'garbage', 'auth', 'reconnect', 'timer', 'batch'] as const;
type MailboxName = (typeof USERS)[number];
const account = (name: MailboxName) => ({ user: `${name}@helpdesk.test`, password: `S3cret-${name}-pw!` });

/** A small, well-formed mail with CRLF line ends, as Dovecot hands it back byte for byte. */
function mail(id: string, body = `Hello from ${id}`): Buffer {
  return Buffer.from([
    `From: Member ${id} <member-${id}@example.com>`,
    'To: support@helpdesk.test',
    `Subject: Question ${id}`,
    `Message-ID: <${id}@example.com>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n'));
}

function messageId(raw: Buffer): string {
  return /^Message-ID: <([^@>]+)@example\.com>/m.exec(raw.toString('latin1'))?.[1] ?? `<none:${raw.length} bytes>`;
}

function recordingStore(fail: (raw: Buffer, attempt: number) => Error | null = () => null) {
  const got: Buffer[] = [];
  const attempts = new Map<string, number>();
  const store: StoreRaw = async (raw) => {
    const key = raw.toString('latin1');
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    got.push(raw);
    const err = fail(raw, attempt);
    if (err) throw err;
    return 'stored';
  };
  return { got, store, ids: () => got.map(messageId) };
}

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', (l) => lines.push(l)), lines };
}

describe('email channel: inbound over IMAP (Dovecot + imapflow)', function () {
  let dovecot: RunningDovecot;

  before(async () => {
    dovecot = await startDovecot(USERS.map(account));
  });

  after(async () => {
    await dovecot?.stop();
  });

  function settings(name: MailboxName, over: Partial<ImapMailboxSettings> = {}): ImapMailboxSettings {
    const { user, password } = account(name);
    return { host: '127.0.0.1', port: dovecot.port, secure: false, user, password, ...over };
  }

  async function withClient<T>(name: MailboxName, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
    const { user, password } = account(name);
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: password }, logger: false, disableAutoIdle: true });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout();
    }
  }

  async function append(name: MailboxName, raws: Buffer[], folder = 'INBOX'): Promise<void> {
    await withClient(name, async (c) => {
      for (const raw of raws) await c.append(folder, raw);
    });
  }

  /** Messages of a folder in UID order: their Message-ID, \Seen flag and bytes. */
  async function contents(name: MailboxName, folder = 'INBOX') {
    return withClient(name, async (c) => {
      const lock = await c.getMailboxLock(folder);
      try {
        if (!c.mailbox || c.mailbox.exists === 0) return [];
        const rows = await c.fetchAll('1:*', { uid: true, flags: true, source: true });
        return rows
          .sort((a, b) => a.uid - b.uid)
          .map((r) => ({ uid: r.uid, id: messageId(r.source!), seen: r.flags?.has('\\Seen') ?? false, source: r.source! }));
      } finally {
        lock.release();
      }
    });
  }

  function poller(name: MailboxName, store: StoreRaw, log: Logger, over: { settings?: Partial<ImapMailboxSettings>; batchSize?: number; intervalMs?: number } = {}) {
    return new ImapPoller({ settings: settings(name, over.settings), store, log, batchSize: over.batchSize, intervalMs: over.intervalMs });
  }

  const pollers: ImapPoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });
  const track = (p: ImapPoller) => { pollers.push(p); return p; };

  it('hands unseen messages over once, in UID order, then flags them \\Seen; a second poll hands over nothing', async () => {
    const raws = [mail('s1'), mail('s2'), mail('s3')];
    await append('seen', raws);
    const { got, store, ids } = recordingStore();
    const { log, lines } = capture();
    const p = track(poller('seen', store, log));

    expect(await p.pollOnce()).to.deep.equal({ fetched: 3, acknowledged: 3, failed: 0 });
    expect(ids()).to.deep.equal(['s1', 's2', 's3']);
    got.forEach((raw, i) => expect(raw.equals(raws[i]!), `message ${i + 1} is handed over byte for byte`).to.equal(true));
    expect((await contents('seen')).map((m) => [m.id, m.seen])).to.deep.equal([['s1', true], ['s2', true], ['s3', true]]);

    expect(await p.pollOnce()).to.deep.equal({ fetched: 0, acknowledged: 0, failed: 0 });
    expect(got).to.have.length(3);
    expect(lines.join('\n')).not.to.include(account('seen').password);
  });

  it('with processedFolder moves them to that folder (creating it) and leaves INBOX empty', async () => {
    await append('moved', [mail('m1'), mail('m2'), mail('m3')]);
    const before = await withClient('moved', async (c) => (await c.list()).map((l) => l.path));
    expect(before).not.to.include('Processed');
    const { store, ids } = recordingStore();
    const p = track(poller('moved', store, capture().log, { settings: { processedFolder: 'Processed' } }));

    expect(await p.pollOnce()).to.deep.equal({ fetched: 3, acknowledged: 3, failed: 0 });
    expect(ids()).to.deep.equal(['m1', 'm2', 'm3']);
    expect(await contents('moved')).to.deep.equal([]);
    expect((await contents('moved', 'Processed')).map((m) => m.id)).to.deep.equal(['m1', 'm2', 'm3']);

    // The folder exists now (a second poller finds it there); new mail goes the same way.
    await append('moved', [mail('m4')]);
    const again = track(poller('moved', store, capture().log, { settings: { processedFolder: 'Processed' } }));
    expect(await again.pollOnce()).to.deep.equal({ fetched: 1, acknowledged: 1, failed: 0 });
    expect(await contents('moved')).to.deep.equal([]);
    expect((await contents('moved', 'Processed')).map((m) => m.id)).to.deep.equal(['m1', 'm2', 'm3', 'm4']);
  });

  it('a store that throws for one message leaves that one unseen, acknowledges the others, and gets it again on the next poll', async () => {
    await append('flaky', [mail('f1'), mail('f2'), mail('f3')]);
    let broken = true;
    const { store, ids } = recordingStore((raw) => (broken && messageId(raw) === 'f2' ? new Error('database is locked') : null));
    const { log, lines } = capture();
    const p = track(poller('flaky', store, log));

    expect(await p.pollOnce()).to.deep.equal({ fetched: 3, acknowledged: 2, failed: 1 });
    expect(ids()).to.deep.equal(['f1', 'f2', 'f3']);
    expect((await contents('flaky')).map((m) => [m.id, m.seen])).to.deep.equal([['f1', true], ['f2', false], ['f3', true]]);
    const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'imap message not stored; left unseen for the next poll');
    expect(warned).to.include({ level: 'warn', uid: 2, error: 'database is locked' });

    broken = false;
    expect(await p.pollOnce()).to.deep.equal({ fetched: 1, acknowledged: 1, failed: 0 });
    expect(ids()).to.deep.equal(['f1', 'f2', 'f3', 'f2']);
    expect((await contents('flaky')).every((m) => m.seen)).to.equal(true);
  });

  it('crash between commit and acknowledgement: the next poll hands the same raw bytes over again (dedupe makes it once)', async () => {
    const raw = mail('c1', 'Stored, then the process died before the \\Seen flag');
    await append('crash', [raw]);
    class CrashedAfterCommit extends Error {}
    // First process: the ticket change committed (recorded), then it "died" before acknowledging.
    const first = recordingStore((_raw, attempt) => (attempt === 1 ? new CrashedAfterCommit('process died after commit') : null));
    const dying = track(poller('crash', first.store, capture().log));
    expect(await dying.pollOnce()).to.deep.equal({ fetched: 1, acknowledged: 0, failed: 1 });
    await dying.stop();
    expect(first.got).to.have.length(1);
    expect((await contents('crash')).map((m) => [m.id, m.seen])).to.deep.equal([['c1', false]]);

    // The restarted process sees the message again: the same bytes, so the same Message-ID for the server's dedupe.
    const second = recordingStore();
    const restarted = track(poller('crash', second.store, capture().log));
    expect(await restarted.pollOnce()).to.deep.equal({ fetched: 1, acknowledged: 1, failed: 0 });
    expect(second.got).to.have.length(1);
    expect(second.got[0]!.equals(first.got[0]!), 'redelivered bytes are identical').to.equal(true);
    expect(second.got[0]!.equals(raw)).to.equal(true);
    expect((await contents('crash')).map((m) => [m.id, m.seen])).to.deep.equal([['c1', true]]);
  });

  it('a malformed message (garbage bytes) is handed over like any other, between well-formed ones', async () => {
    // No NUL and no bare CR/LF: those are the bytes IMAP itself rewrites; everything else must pass untouched.
    const garbage = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81, 0x9f, 0x01, 0x7f, 0xc3, 0x28]),
      Buffer.from('\r\n\r\n:::: no header here \x1b[31m\r\n'),
      Buffer.from([0xe2, 0x82, 0xf0, 0x9f, 0x92]),
    ]);
    await append('garbage', [mail('g1'), garbage, mail('g3')]);
    const { got, store } = recordingStore();
    const p = track(poller('garbage', store, capture().log));

    expect(await p.pollOnce()).to.deep.equal({ fetched: 3, acknowledged: 3, failed: 0 });
    expect(got.map(messageId)).to.deep.equal(['g1', `<none:${garbage.length} bytes>`, 'g3']);
    expect(got[1]!.equals(garbage), 'garbage is handed over byte for byte').to.equal(true);
    expect((await contents('garbage')).every((m) => m.seen)).to.equal(true);
  });

  it('a wrong password rejects pollOnce with an authentication error, logged without the password', async () => {
    await append('auth', [mail('a1')]);
    const wrong = 'Wr0ng-pa55word-never-logged';
    const { store, got } = recordingStore();
    const { log, lines } = capture();
    const p = track(poller('auth', store, log, { settings: { password: wrong } }));

    let caught: unknown;
    try {
      await p.pollOnce();
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ImapPollError);
    const e = caught as ImapPollError;
    expect(e.authenticationFailed).to.equal(true);
    expect(e.message).to.match(/authentication failed for auth@helpdesk\.test/);
    expect(e.message).not.to.include(wrong);
    expect(got).to.have.length(0);

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'imap authentication failed')).to.include({ level: 'error', authenticationFailed: true });
    for (const line of lines) {
      expect(line).not.to.include(wrong);
      expect(line).not.to.include(Buffer.from(wrong).toString('base64'));
    }
    // Still failing on the next poll (a fresh connection each time), and the mail stays unseen.
    await p.pollOnce().then(() => expect.fail('second poll should reject'), (err: unknown) => expect(err).to.be.instanceOf(ImapPollError));
    expect((await contents('auth')).map((m) => [m.id, m.seen])).to.deep.equal([['a1', false]]);
  });

  it('a failed poll (missing folder) is logged, and the next poll reconnects and works', async () => {
    const { store, ids } = recordingStore();
    const { log, lines } = capture();
    const p = track(poller('reconnect', store, log, { settings: { folder: 'Support' } }));

    await p.pollOnce().then(() => expect.fail('poll of a missing folder should reject'), (err: unknown) => expect(err).to.be.instanceOf(ImapPollError));
    expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'imap poll failed')).to.equal(true);

    await withClient('reconnect', (c) => c.mailboxCreate('Support'));
    await append('reconnect', [mail('r1')], 'Support');
    expect(await p.pollOnce()).to.deep.equal({ fetched: 1, acknowledged: 1, failed: 0 });
    expect(ids()).to.deep.equal(['r1']);
    expect((await contents('reconnect', 'Support')).map((m) => m.seen)).to.deep.equal([true]);
  });

  it("start() polls on an unref'd timer; stop() waits for the message in hand, acknowledges it and leaves the rest unseen", async () => {
    await append('timer', [mail('t1'), mail('t2')]);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const got: string[] = [];
    const store: StoreRaw = async (raw) => {
      got.push(messageId(raw));
      await gate; // the first store is still committing when stop() is called
      return 'stored';
    };
    const p = track(poller('timer', store, capture().log, { intervalMs: 60_000 }));
    try {
      p.start();
      expect((p as unknown as { timer: NodeJS.Timeout | null }).timer?.hasRef()).to.equal(false);

      await expectEventually(() => expect(got).to.deep.equal(['t1']));
      let stopped = false;
      const stopping = p.stop().then(() => { stopped = true; });
      await new Promise((r) => setImmediate(r));
      expect(stopped, 'stop() waits for the running store').to.equal(false);
      release();
      await stopping;
    } finally {
      release(); // never leave the poller hanging on the gate when an assertion failed
    }

    expect(got).to.deep.equal(['t1']);
    expect((await contents('timer')).map((m) => [m.id, m.seen])).to.deep.equal([['t1', true], ['t2', false]]);
    await p.pollOnce().then(() => expect.fail('a stopped poller does not poll'), (err: unknown) => expect(String(err)).to.match(/stopped/));
  });

  it('fetches at most batchSize per poll, and messages that keep failing do not hold back new mail', async () => {
    await append('batch', [mail('p1'), mail('p2'), mail('ok3')]);
    const { store, ids } = recordingStore((raw) => (messageId(raw).startsWith('p') ? new Error('cannot be stored yet') : null));
    const p = track(poller('batch', store, capture().log, { batchSize: 2 }));

    expect(await p.pollOnce()).to.deep.equal({ fetched: 2, acknowledged: 0, failed: 2 });
    expect(ids()).to.deep.equal(['p1', 'p2']);
    // The new message gets a place ahead of the ones that failed; the batch is still in UID order.
    expect(await p.pollOnce()).to.deep.equal({ fetched: 2, acknowledged: 1, failed: 1 });
    expect(ids().slice(2)).to.deep.equal(['p1', 'ok3']);
    expect(await p.pollOnce()).to.deep.equal({ fetched: 2, acknowledged: 0, failed: 2 });
    expect(ids().slice(4)).to.deep.equal(['p1', 'p2']);
    expect((await contents('batch')).map((m) => [m.id, m.seen])).to.deep.equal([['p1', false], ['p2', false], ['ok3', true]]);
  });
});
