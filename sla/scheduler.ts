import { randomUUID } from 'node:crypto';
import type { Clock } from '../server/clock.js';
import type { Database } from '../server/db/database.js';
import { toDate } from '../server/db/sql-session.js';
import type { Logger } from '../server/logger.js';
import { WakeLoop } from '../server/wake-loop.js';
import type { SlaService } from './sla.service.js';

export interface SlaSchedulerOptions {
  db: Database;
  sla: SlaService;
  clock: Clock;
  log: Logger;
  /** Tickets claimed per transaction. */
  batchSize?: number;
  /**
   * Longest sleep between looks at the earliest deadline. Inside one process a new earlier deadline
   * re-arms the timer at once (`poke`); this bounds how late a deadline set by another process is seen.
   */
  maxSleepMs?: number;
  /** Called after a batch that wrote notification rows committed. */
  afterBatch?: (alerts: number) => void;
}

/**
 * Fires SLA warnings, breaches and escalation steps when they fall due. No timer per ticket: the
 * process sleeps until the earliest `nextSlaCheckAt` in the database, then claims due tickets in
 * batches (FOR UPDATE SKIP LOCKED on MySQL, so any number of processes share the work and none
 * evaluates a ticket another is holding); the unique alert index makes each alert fire once.
 */
export class SlaScheduler {
  readonly id = `sla-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly loop: WakeLoop;
  /** Clock reading of the latest claim: a check due after it was simply not due yet, not held by anyone. */
  private lastClaimAt = 0;

  constructor(private readonly o: SlaSchedulerOptions) {
    this.loop = new WakeLoop({
      name: 'sla scheduler', log: o.log, logFields: { scheduler: this.id }, retryMs: o.maxSleepMs ?? 1_000,
      pass: () => this.pass(),
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * A committed change set a check at `at`: make sure a pass runs by then. Mid-pass (its closing look
   * at the earliest check may have run before this commit) the next pass is set for `at` at the latest.
   */
  wakeBy(at: Date): void {
    this.loop.wakeIn(at.getTime() - this.o.clock.now().getTime());
  }

  /** One batch: claim due tickets and bring them up to date. Returns how many tickets were claimed. */
  async runOnce(): Promise<number> {
    const now = this.o.clock.now();
    this.lastClaimAt = now.getTime();
    const limit = this.o.batchSize ?? 200;
    let alerts = 0;
    const claimed = await this.o.db.sqlTx(async (sql) => {
      const lock = this.o.db.engine === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
      const ids = (await sql.rows<{ id: number }>(`SELECT id FROM ticket WHERE nextSlaCheckAt <= ? ORDER BY nextSlaCheckAt LIMIT ${limit}${lock}`, [now]))
        .map((r) => Number(r.id));
      for (const row of await this.o.sla.loadRows(sql, ids)) alerts += await this.o.sla.evaluateGuarded(sql, row, now);
      return ids.length;
    });
    if (alerts) this.o.afterBatch?.(alerts);
    return claimed;
  }

  /** Drains what is due, then answers how long to sleep: until the earliest check, at most maxSleepMs (also after a failed pass, which the loop logs). */
  private async pass(): Promise<number> {
    const maxSleep = this.o.maxSleepMs ?? 1_000;
    let claimed = 0;
    for (let n = -1; !this.loop.stopped && n !== 0 && (n === -1 || n >= (this.o.batchSize ?? 200)); ) {
      n = await this.runOnce();
      claimed += n;
    }
    const [row] = await this.o.db.sqlTx((sql) => sql.rows<{ next: unknown }>('SELECT MIN(nextSlaCheckAt) AS next FROM ticket'));
    if (!row || row.next === null || row.next === undefined) return maxSleep;
    const next = toDate(row.next).getTime();
    const wait = next - this.o.clock.now().getTime();
    // Timers can fire a millisecond before the clock says the deadline came: not due at the claim, due now.
    if (wait <= 0 && next > this.lastClaimAt) return 0;
    // Due but not claimable (another process or a user's transaction holds it): retry shortly, don't spin.
    if (wait <= 0 && claimed === 0) return 50;
    return Math.max(0, Math.min(maxSleep, wait));
  }
}
