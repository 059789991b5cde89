import type { DataSource, EntityManager, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import type { Engine } from './data-source.js';
import { mysqlConnectionSession, sqlSession, type MysqlRawConnection, type SqlSession } from './sql-session.js';

interface MysqlRawPool { getConnection(cb: (err: Error | null, conn: MysqlRawConnection & { release(): void }) => void): void }

export interface TxOptions {
  /** Also retry when a unique index refuses a row: for work that re-reads and so resolves the race itself. */
  retryOnConflict?: boolean;
  attempts?: number;
}

/**
 * The one way the domain touches the database. On MySQL, transactions run at READ COMMITTED (each
 * statement sees the latest commits, which threading after a row lock relies on) and are retried on
 * deadlock. The embedded SQLite engine has a single connection, so work is serialised here: two
 * interleaved transactions on one connection would silently become one.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  /** Pooled MySQL connections already switched to READ COMMITTED (once per connection, not per transaction). */
  private readonly readCommitted = new WeakSet<object>();

  constructor(readonly ds: DataSource, readonly engine: Engine) {}

  async tx<T>(fn: (m: EntityManager) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    return retrying(() => this.serial(() => (this.engine === 'mysql' ? this.mysqlTx(fn) : this.ds.transaction(fn))), opts);
  }

  /**
   * A transaction of hand-written statements only (the ingest path). On MySQL it runs on a raw pooled
   * connection, skipping TypeORM's per-statement and per-transaction machinery; same retries.
   */
  async sqlTx<T>(fn: (sql: SqlSession) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    if (this.engine !== 'mysql') return this.tx((m) => fn(sqlSession(m, this.engine)), opts);
    return retrying(() => this.rawMysqlTx(fn), opts);
  }

  private async rawMysqlTx<T>(fn: (sql: SqlSession) => Promise<T>): Promise<T> {
    const pool = (this.ds.driver as unknown as { pool: MysqlRawPool }).pool;
    const conn = await new Promise<MysqlRawConnection & { release(): void }>((resolve, reject) =>
      pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
    const sql = mysqlConnectionSession(conn);
    try {
      if (!this.readCommitted.has(conn)) {
        await sql.run('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        this.readCommitted.add(conn);
      }
      await sql.run('START TRANSACTION');
      try {
        const result = await fn(sql);
        await sql.run('COMMIT');
        return result;
      } catch (err) {
        await sql.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      conn.release();
    }
  }

  private async mysqlTx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      const conn = (qr as unknown as { databaseConnection: object }).databaseConnection;
      if (!this.readCommitted.has(conn)) {
        await qr.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        this.readCommitted.add(conn);
      }
      await qr.startTransaction();
      try {
        const result = await fn(qr.manager);
        await qr.commitTransaction();
        return result;
      } catch (err) {
        await qr.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await qr.release();
    }
  }

  /** Reads outside a transaction (still serialised on SQLite, so they never see another's half-done work). */
  read<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.serial(() => fn(this.ds.manager));
  }

  /** SELECT … FOR UPDATE on MySQL; SQLite has no row locks (its writer lock already serialises). */
  forUpdate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, skipLocked = false): SelectQueryBuilder<T> {
    if (this.engine !== 'mysql') return qb;
    qb.setLock('pessimistic_write');
    if (skipLocked) qb.setOnLocked('skip_locked');
    return qb;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.engine === 'mysql') return fn();
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Runs a whole transaction again on deadlock (and, when asked, on a unique-index conflict), with a little jitter. */
async function retrying<T>(run: () => Promise<T>, opts: TxOptions): Promise<T> {
  const attempts = opts.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const retryable = isDeadlock(err) || (opts.retryOnConflict === true && isUniqueViolation(err));
      if (!retryable || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

function driverCode(err: unknown): { code?: string; errno?: number; message: string } {
  const e = err as { code?: string; errno?: number; message?: string; driverError?: { code?: string; errno?: number } };
  return { code: e?.driverError?.code ?? e?.code, errno: e?.driverError?.errno ?? e?.errno, message: String(e?.message ?? '') };
}

export function isUniqueViolation(err: unknown): boolean {
  const { code, message } = driverCode(err);
  return code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/i.test(message);
}

export function isDeadlock(err: unknown): boolean {
  const { code } = driverCode(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}
