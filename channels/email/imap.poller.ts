import { ImapFlow } from 'imapflow';
import type { Logger } from '../../server/logger.js';
import { WakeLoop } from '../../server/wake-loop.js';

/** Where the support mailbox is; the password never reaches a log line or an error message. */
export interface ImapMailboxSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  /** The folder polled; INBOX by default. */
  folder?: string;
  /** Move messages there after commit instead of flagging them \Seen; created when missing. */
  processedFolder?: string | null;
}

/**
 * Stores one raw message; resolves only after the ticket change committed ('stored' or
 * 'ignored'); throws when it could not be stored for a reason that may pass (then the message
 * stays unread and is fetched again).
 */
export type StoreRaw = (raw: Buffer) => Promise<'stored' | 'ignored'>;

export interface ImapPollerOptions {
  settings: ImapMailboxSettings;
  store: StoreRaw;
  log: Logger;
  /** Pause between two polls of start(); 30 s by default. */
  intervalMs?: number;
  /** Most messages fetched (sources held in memory) per poll; 25 by default. */
  batchSize?: number;
}

export interface PollResult {
  /** Messages fetched and handed to `store`. */
  fetched: number;
  /** Of those, flagged \Seen or moved to the processed folder. */
  acknowledged: number;
  /** Of those, left unseen: `store` threw, or the acknowledgement failed (then fetched again). */
  failed: number;
}

/** A poll that could not reach, log in to or read the mailbox. Its message never holds the password. */
export class ImapPollError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly authenticationFailed: boolean) {
    super(message);
    this.name = 'ImapPollError';
  }
}

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_BATCH_SIZE = 25;
/** After this many failed hand-overs of one message, each further failure is logged as an error. */
const NOISY_AFTER_FAILURES = 5;

/**
 * Reads a support mailbox over IMAP and hands every unseen message, raw, to the ingest side.
 *
 * Delivery guarantee: at least once. A message is acknowledged (flagged \Seen, or moved to
 * `processedFolder`) only after `store` resolved, i.e. after the ticket change committed. A
 * process that dies between that commit and the acknowledgement, a connection lost in between or
 * an acknowledgement the server refused all leave the message unseen, and the next poll hands
 * the same bytes over again. Exactly once is the server's job: ingest dedupes on
 * (channel, externalId), the Message-ID, so the second hand-over resolves without a second
 * ticket change. The poller never parses mail; a malformed message is just bytes to it.
 *
 * A message whose `store` throws stays unseen and is retried on the next poll, but it never
 * blocks the mailbox: the other messages of the batch go on, and messages that already failed
 * only take the batch places that new messages leave free.
 */
export class ImapPoller {
  private readonly settings: ImapMailboxSettings;
  private readonly folder: string;
  private readonly processedFolder: string | null;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private client: ImapFlow | null = null;
  /** The client whose session already made sure the processed folder exists. */
  private processedFolderReadyOn: ImapFlow | null = null;
  private readonly loop: WakeLoop;
  private running: Promise<PollResult> | null = null;
  private stopped = false;
  /** Failed hand-overs per UID, valid for one UIDVALIDITY of the folder; kept in memory only. */
  private failures = new Map<number, number>();
  private failuresUidValidity: bigint | null = null;

  constructor(private readonly o: ImapPollerOptions) {
    this.settings = o.settings;
    this.folder = o.settings.folder || 'INBOX';
    this.processedFolder = o.settings.processedFolder || null;
    this.intervalMs = o.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error('ImapPoller: batchSize must be a positive integer');
    if (!(this.intervalMs > 0)) throw new Error('ImapPoller: intervalMs must be positive');
    if (this.processedFolder !== null && this.processedFolder.toUpperCase() === this.folder.toUpperCase()) {
      throw new Error('ImapPoller: processedFolder must differ from the polled folder');
    }
    // pollOnce never rejects here: a failed poll is logged in poll() and the next comes intervalMs later.
    const next = (): number => this.intervalMs;
    this.loop = new WakeLoop({ name: 'imap poller', log: o.log, retryMs: this.intervalMs, pass: () => this.pollOnce().then(next, next) });
  }

  /** Polls now and then every intervalMs after the previous poll ended; the timer never keeps the process alive. */
  start(): void {
    this.stopped = false;
    this.loop.start();
  }

  /** The loop's armed timer; the tests check that it is unref'd. */
  private get timer(): NodeJS.Timeout | null {
    return this.loop.timer;
  }

  /** Stops the timer, waits for a running poll (its current message finishes) and logs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    await this.running?.catch(() => {});
    await this.disconnect();
  }

  /**
   * One poll: fetch up to batchSize unseen messages, hand each to `store` in UID order and
   * acknowledge those it stored. Rejects (an ImapPollError, already logged) when the mailbox can
   * not be reached or read; a failing message only counts in `failed`. Polls never overlap: a
   * call during a running poll waits for it and then polls again.
   */
  pollOnce(): Promise<PollResult> {
    const previous = this.running ?? Promise.resolve();
    const next: Promise<PollResult> = previous.catch(() => {}).then(() => this.poll());
    this.running = next;
    void next.catch(() => {}).finally(() => { if (this.running === next) this.running = null; });
    return next;
  }

  private async poll(): Promise<PollResult> {
    // After stop() a late call must not open a connection nobody will close.
    if (this.stopped) throw new ImapPollError('the IMAP poller is stopped', undefined, false);
    const result: PollResult = { fetched: 0, acknowledged: 0, failed: 0 };
    let client: ImapFlow;
    let lock: { release(): void };
    try {
      client = await this.connection();
      lock = await client.getMailboxLock(this.folder);
    } catch (err) {
      throw this.fail(`IMAP could not open ${this.folder}`, err);
    }
    let failure: unknown = null;
    try {
      const messages = await this.fetchBatch(client);
      for (const { uid, source } of messages) {
        // stop() lets the message in hand finish; the rest stays unseen for the next run.
        if (this.stopped) break;
        // The connection went away: the rest stays unseen and is fetched on the next poll. Not
        // handing it to store now avoids storing what can not be acknowledged.
        if (!client.usable) throw new Error('connection closed during the poll');
        result.fetched++;
        try {
          const outcome = await this.o.store(source);
          this.o.log.debug('imap message stored', { ...this.where(), uid, outcome, bytes: source.length });
        } catch (err) {
          result.failed++;
          const failures = (this.failures.get(uid) ?? 0) + 1;
          this.failures.set(uid, failures);
          const level = failures >= NOISY_AFTER_FAILURES ? 'error' : 'warn';
          this.o.log[level]('imap message not stored; left unseen for the next poll', { ...this.where(), uid, failures, error: this.redact(err) });
          continue;
        }
        if (await this.acknowledge(client, uid)) {
          result.acknowledged++;
          this.failures.delete(uid);
        } else {
          result.failed++;
          this.o.log.warn('imap message stored but not acknowledged; it will be fetched again and deduped', { ...this.where(), uid });
        }
      }
    } catch (err) {
      failure = err;
    } finally {
      lock.release();
    }
    if (failure !== null) throw this.fail('IMAP poll failed', failure, result);
    if (result.fetched) this.o.log.info('imap poll', { ...this.where(), ...result });
    return result;
  }

  /**
   * The oldest unseen messages, at most batchSize, in UID order. UIDs whose hand-over failed
   * before come only after the fresh ones, so a message that keeps failing can delay new mail
   * by no more than its own place in the batch.
   */
  private async fetchBatch(client: ImapFlow): Promise<Array<{ uid: number; source: Buffer }>> {
    const uidValidity = client.mailbox ? client.mailbox.uidValidity : null;
    if (uidValidity !== this.failuresUidValidity) {
      this.failures.clear();
      this.failuresUidValidity = uidValidity;
    }
    const found = await client.search({ seen: false }, { uid: true });
    const unseen = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
    // Forget failures of messages that are no longer unseen (acknowledged elsewhere, deleted).
    const unseenSet = new Set(unseen);
    for (const uid of this.failures.keys()) if (!unseenSet.has(uid)) this.failures.delete(uid);

    const fresh = unseen.filter((uid) => !this.failures.has(uid));
    const retries = unseen.filter((uid) => this.failures.has(uid)).sort((a, b) => this.failures.get(a)! - this.failures.get(b)! || a - b);
    const batch = [...fresh.slice(0, this.batchSize), ...retries].slice(0, this.batchSize).sort((a, b) => a - b);
    if (!batch.length) return [];

    // fetchAll, not a `for await` over fetch(): another command inside that loop deadlocks
    // (STACK-NOTES §6). `source` is fetched with BODY.PEEK[], so fetching does not set \Seen.
    const rows = await client.fetchAll(batch.join(','), { uid: true, source: true }, { uid: true });
    const out: Array<{ uid: number; source: Buffer }> = [];
    for (const row of rows) {
      if (row.source) out.push({ uid: row.uid, source: row.source });
      else this.o.log.warn('imap message came without a body; left for the next poll', { ...this.where(), uid: row.uid });
    }
    return out.sort((a, b) => a.uid - b.uid);
  }

  /** \Seen, or a move to the processed folder. False when the server did not confirm it. */
  private async acknowledge(client: ImapFlow, uid: number): Promise<boolean> {
    try {
      if (this.processedFolder) {
        await this.ensureProcessedFolder(client);
        return (await client.messageMove(String(uid), this.processedFolder, { uid: true })) !== false;
      }
      return await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    } catch (err) {
      this.o.log.warn('imap acknowledgement failed', { ...this.where(), uid, error: this.redact(err) });
      return false;
    }
  }

  private async ensureProcessedFolder(client: ImapFlow): Promise<void> {
    if (this.processedFolderReadyOn === client || !this.processedFolder) return;
    const created = await client.mailboxCreate(this.processedFolder); // ALREADYEXISTS resolves with created: false
    if (created.created) this.o.log.info('imap created the processed folder', { ...this.where(), processedFolder: this.processedFolder });
    this.processedFolderReadyOn = client;
  }

  /** The open connection, or a new one: after an error the next poll reconnects. */
  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    await this.disconnect();
    const { host, port, secure, user, password } = this.settings;
    const client = new ImapFlow({
      host, port, secure,
      auth: { user, pass: password },
      // imapflow's own logs would go to stdout in pino form; our log lines come from here.
      logger: false,
      // We poll, so no IDLE between polls; a dead server is noticed by the timeouts.
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 16_000,
      socketTimeout: 5 * 60_000,
    });
    // An 'error' event without a listener would crash the process; the failing command rejects too.
    client.on('error', (err: unknown) => this.o.log.warn('imap connection error', { ...this.where(), error: this.redact(err) }));
    client.on('close', () => { if (this.client === client) this.client = null; });
    try {
      await client.connect();
    } catch (err) {
      client.close();
      throw err;
    }
    this.client = client;
    this.o.log.debug('imap connected', this.where());
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.processedFolderReadyOn = null;
    if (!client) return;
    try {
      if (client.usable) await client.logout();
      else client.close();
    } catch {
      client.close();
    }
  }

  /** Logs and wraps a poll-level failure; the connection is dropped so the next poll reconnects. */
  private fail(what: string, err: unknown, partial?: PollResult): ImapPollError {
    const e = err as { code?: unknown; authenticationFailed?: unknown; serverResponseCode?: unknown };
    const authenticationFailed = e?.authenticationFailed === true;
    const code = typeof e?.code === 'string' ? e.code : typeof e?.serverResponseCode === 'string' ? e.serverResponseCode : undefined;
    const reason = this.redact(err);
    const message = authenticationFailed
      ? `${what}: authentication failed for ${this.settings.user} on ${this.settings.host}:${this.settings.port} (${reason})`
      : `${what}: ${reason}`;
    this.o.log.error(authenticationFailed ? 'imap authentication failed' : 'imap poll failed', {
      ...this.where(), stage: what, code, authenticationFailed, error: reason, ...(partial ? { partial } : {}),
    });
    void this.disconnect();
    return new ImapPollError(message, code, authenticationFailed);
  }

  private where(): Record<string, unknown> {
    return { mailbox: `${this.settings.user}@${this.settings.host}:${this.settings.port}`, folder: this.folder };
  }

  /** An error as text with the password (and its common encodings) masked, whatever the server or library echoed. */
  private redact(err: unknown): string {
    const e = err as { message?: unknown; responseText?: unknown };
    let text = typeof e?.message === 'string' ? e.message : String(err);
    if (typeof e?.responseText === 'string' && !text.includes(e.responseText)) text += ` (${e.responseText})`;
    const { user, password } = this.settings;
    if (!password) return text;
    const secrets = [
      password,
      Buffer.from(password).toString('base64'),
      Buffer.from(`\0${user}\0${password}`).toString('base64'),
      Buffer.from(`${user}\0${user}\0${password}`).toString('base64'),
    ];
    for (const s of secrets) text = text.split(s).join('***');
    return text;
  }
}
