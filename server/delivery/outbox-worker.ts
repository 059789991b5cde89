import { randomUUID } from 'node:crypto';
import { In, type EntityManager, type EntityTarget, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { WakeLoop } from '../wake-loop.js';

/** The columns every outbox table (delivery, notification) shares; the worker reads and writes only these. */
export interface OutboxRow {
  id: number;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  claimedBy: string | null;
  claimedUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

export interface OutboxWorkerOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  pollMs: number;
  batchSize?: number;
  maxAttempts?: number;
  /** How long a claim holds; a process that dies mid-send releases its rows when this runs out. */
  claimMs?: number;
}

/** What the failure bookkeeping decided, handed to `onFinalFailure`. */
export interface OutboxFailure {
  reason: string;
  attempts: number;
  now: Date;
}

/** Masks email addresses and long digit runs (phone numbers) in free text from providers. */
export function redactContacts(text: string): string {
  return text
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2')
    .replace(/\+?\d[\d\s-]{5,}\d/g, (m) => { const d = m.replace(/\D/g, ''); return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-2)}` : m; });
}

/** Wait before attempt n+1: 5 s, 10 s, 20 s … capped at one hour, with ±20 % jitter. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Sends rows of an outbox table after their transaction committed. Every server process runs one
 * per table; rows are claimed (FOR UPDATE SKIP LOCKED on MySQL, plus a lease in claimedBy/
 * claimedUntil) so two processes never send the same row at once. Subclasses say how one row is
 * sent, which errors are permanent, and what else a success or a final failure records.
 */
export abstract class OutboxWorker<T extends OutboxRow> {
  readonly id = `w-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly loop: WakeLoop;

  /** `name` prefixes log lines and keys the row id in them ("delivery", "notification"). */
  protected constructor(private readonly entity: EntityTarget<T>, private readonly name: string, private readonly base: OutboxWorkerOptions) {
    this.loop = new WakeLoop({ name, log: base.log, logFields: { worker: this.id }, retryMs: base.pollMs, pass: () => this.drain() });
  }

  /** Sends one row; resolves to the provider's fields to store with the row, throws to fail the attempt. */
  protected abstract send(row: T): Promise<Partial<T>>;

  /** Whether retrying the same row can only give the same error. */
  protected abstract isPermanent(err: unknown): boolean;

  /** Extra writes in the transaction that marks a row sent. */
  protected async onSent(_m: EntityManager, _row: T, _now: Date): Promise<void> {}

  /** Extra writes in the transaction that marks a row failed for good (permanent error or attempts used up). */
  protected async onFinalFailure(_m: EntityManager, _row: T, _failure: OutboxFailure): Promise<void> {}

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** New rows were committed: look now instead of at the next poll (right after the running pass, if any). */
  kick(): void {
    this.loop.wakeIn(0);
  }

  /** One pass: claim due rows and send them. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    for (const r of claimed) await this.attempt(r);
    return claimed.length;
  }

  /** A row nobody needs any more (e.g. an alert acknowledged before its notification went out): cancelled, not sent. */
  protected async isObsolete(_m: EntityManager, _r: T): Promise<boolean> {
    return false;
  }

  /** Passes until nothing is due, then sleeps pollMs (also after a failed pass, which the loop logs). */
  private async drain(): Promise<number> {
    while (!this.loop.stopped && (await this.runOnce()) > 0) { /* drain */ }
    return this.base.pollMs;
  }

  private async claim(): Promise<T[]> {
    const { db, clock } = this.base;
    const now = clock.now();
    const until = new Date(now.getTime() + (this.base.claimMs ?? 60_000));
    return db.tx(async (m) => {
      const qb = m.createQueryBuilder(this.entity, 'r')
        .where("r.status = 'pending' AND r.nextAttemptAt <= :now", { now })
        .andWhere('(r.claimedUntil IS NULL OR r.claimedUntil < :now)', { now })
        .orderBy('r.nextAttemptAt', 'ASC').limit(this.base.batchSize ?? 20);
      const rows = await db.forUpdate(qb, true).getMany();
      if (!rows.length) return [];
      await m.update(this.entity, this.where({ id: In(rows.map((r) => r.id)) }), this.set({ claimedBy: this.id, claimedUntil: until }));
      return rows;
    });
  }

  private async attempt(r: T): Promise<void> {
    try {
      // A batch is sent one row after another: renew this row's lease just before sending it, and leave
      // it alone if the lease already ran out and another process took it (it would be sent twice).
      const held = await this.base.db.tx(async (m) => {
        const now = this.base.clock.now();
        const renewed = await m.update(this.entity, this.where({ id: r.id, claimedBy: this.id }),
          this.set({ claimedUntil: new Date(now.getTime() + (this.base.claimMs ?? 60_000)) }));
        if (!renewed.affected) return false;
        if (await this.isObsolete(m, r)) {
          await m.update(this.entity, this.where({ id: r.id }), this.set({ status: 'cancelled', claimedBy: null, claimedUntil: null }));
          return false;
        }
        return true;
      });
      if (!held) return;
      const fields = await this.send(r);
      await this.base.db.tx(async (m) => {
        const now = this.base.clock.now();
        // Only while our claim holds: a row whose lease ran out belongs to whoever claimed it next.
        await m.update(this.entity, this.where({ id: r.id, claimedBy: this.id }), this.set({
          ...fields, status: 'sent', sentAt: now, attempts: r.attempts + 1, claimedBy: null, claimedUntil: null, lastError: null,
        }));
        await this.onSent(m, r, now);
      });
    } catch (err) {
      await this.failed(r, err);
    }
  }

  private async failed(r: T, err: unknown): Promise<void> {
    const attempts = r.attempts + 1;
    const final = this.isPermanent(err) || attempts >= (this.base.maxAttempts ?? 8);
    // Provider errors often quote the recipient: keep contact data out of rows, events and logs.
    const reason = redactContacts(err instanceof Error ? err.message : String(err));
    this.base.log.warn(`${this.name} attempt failed`, { [this.name]: r.id, channel: r.channel, attempts, final, reason });
    await this.base.db.tx(async (m) => {
      const now = this.base.clock.now();
      await m.update(this.entity, this.where({ id: r.id, claimedBy: this.id }), this.set({
        status: final ? 'failed' : 'pending', attempts, lastError: reason.slice(0, 2000), claimedBy: null, claimedUntil: null,
        nextAttemptAt: final ? now : new Date(now.getTime() + backoffMs(attempts)),
      }));
      if (final) await this.onFinalFailure(m, r, { reason, attempts, now });
    });
  }

  // TypeORM cannot relate the shared columns to a generic entity type; they exist on every T (OutboxRow).
  private where(criteria: Record<string, unknown>): FindOptionsWhere<T> {
    return criteria as FindOptionsWhere<T>;
  }

  private set(values: Partial<OutboxRow> | Partial<T>): QueryDeepPartialEntity<T> {
    return values as QueryDeepPartialEntity<T>;
  }
}
