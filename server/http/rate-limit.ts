import type { Request, RequestHandler } from 'express';
import { createClient } from 'redis';
import type { ThrottleStore } from '../agents/login-throttle.js';
import { systemClock, type Clock } from '../clock.js';
import { RateLimitError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Fixed-window hit counter: the number of hits of `key` in the current window, this one included. */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<number>;
}

/** The counters of one process or of a whole installation (Redis): for the rate limits and the login throttle. */
export interface CounterStore extends RateCounter, ThrottleStore {
  close(): Promise<void>;
}

/** Windows are aligned to the clock, so every process computes the same window (and Retry-After) for a moment. */
export function windowOf(nowMs: number, windowMs: number): { index: number; endsAt: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, endsAt: (index + 1) * windowMs };
}

const counterKey = (key: string, windowMs: number, index: number) => `c:${key}:${windowMs}:${index}`;
const blockKey = (key: string) => `b:${key}`;

/** Counters in this process's memory: the default, and the fallback while Redis is unreachable. */
export class MemoryCounterStore implements CounterStore {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();
  private readonly blocks = new Map<string, number>();
  private nextPrune = 0;
  constructor(private readonly clock: Clock = systemClock) {}

  async hit(key: string, windowMs: number): Promise<number> {
    const now = this.clock.now().getTime();
    this.prune(now);
    const w = windowOf(now, windowMs);
    const k = counterKey(key, windowMs, w.index);
    const count = (this.counts.get(k)?.count ?? 0) + 1;
    this.counts.set(k, { count, expiresAt: w.endsAt });
    return count;
  }

  async block(key: string, ms: number): Promise<void> {
    this.blocks.set(blockKey(key), this.clock.now().getTime() + ms);
  }

  async blockedMs(key: string): Promise<number> {
    return Math.max(0, (this.blocks.get(blockKey(key)) ?? 0) - this.clock.now().getTime());
  }

  async reset(key: string, windowMs: number): Promise<void> {
    this.counts.delete(counterKey(key, windowMs, windowOf(this.clock.now().getTime(), windowMs).index));
    this.blocks.delete(blockKey(key));
  }

  async close(): Promise<void> {
    this.counts.clear();
    this.blocks.clear();
  }

  /** Drops finished windows and blocks, at most once a minute. */
  private prune(now: number): void {
    if (now < this.nextPrune) return;
    this.nextPrune = now + 60_000;
    for (const [k, c] of this.counts) if (c.expiresAt <= now) this.counts.delete(k);
    for (const [k, until] of this.blocks) if (until <= now) this.blocks.delete(k);
  }
}

type RedisClient = ReturnType<typeof createClient>;

export interface RedisCounterOptions {
  /** Namespace of every key; one installation's processes must share it. */
  prefix?: string;
  clock?: Clock;
  /** How long one command (and the first connection) may take before this process counts on its own. */
  timeoutMs?: number;
}

/**
 * Counters in Redis, shared by every process of an installation: INCR + PEXPIRE on a key per fixed
 * window. Connects on first use. When Redis fails or is slow the API stays up: the counts fall back to
 * this process's memory (per-process limits, as without Redis) and a warning is logged.
 */
export class RedisCounterStore implements CounterStore {
  private client: RedisClient | null = null;
  private connecting: Promise<void> = Promise.resolve();
  private waitedForConnection = false;
  private lastWarning = 0;
  private readonly fallback: MemoryCounterStore;
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly url: string, private readonly log: Logger, o: RedisCounterOptions = {}) {
    this.prefix = o.prefix ?? 'memberdesk:';
    this.clock = o.clock ?? systemClock;
    this.timeoutMs = o.timeoutMs ?? 500;
    this.fallback = new MemoryCounterStore(this.clock);
  }

  hit(key: string, windowMs: number): Promise<number> {
    const k = this.prefix + counterKey(key, windowMs, windowOf(this.clock.now().getTime(), windowMs).index);
    return this.run(async (c) => {
      const [count] = await c.multi().incr(k).pExpire(k, windowMs).exec();
      return Number(count);
    }, () => this.fallback.hit(key, windowMs));
  }

  block(key: string, ms: number): Promise<void> {
    return this.run(async (c) => { await c.set(this.prefix + blockKey(key), '1', { expiration: { type: 'PX', value: Math.max(1, Math.ceil(ms)) } }); },
      () => this.fallback.block(key, ms));
  }

  blockedMs(key: string): Promise<number> {
    // PTTL answers -2 for a missing key and -1 for one without expiry (never written by us).
    return this.run(async (c) => Math.max(0, await c.pTTL(this.prefix + blockKey(key))), () => this.fallback.blockedMs(key));
  }

  reset(key: string, windowMs: number): Promise<void> {
    const k = this.prefix + counterKey(key, windowMs, windowOf(this.clock.now().getTime(), windowMs).index);
    return this.run(async (c) => { await c.del([k, this.prefix + blockKey(key)]); }, () => this.fallback.reset(key, windowMs));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.isReady) await client.close().catch(() => client.destroy());
    else if (client.isOpen) client.destroy();
  }

  private async run<T>(op: (c: RedisClient) => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      const client = await this.ready();
      return await withTimeout(op(client), this.timeoutMs, 'redis command timed out');
    } catch (err) {
      this.warn(err);
      return fallback();
    }
  }

  /** The connected client; waits for the first connection once (bounded), afterwards never waits. */
  private async ready(): Promise<RedisClient> {
    if (!this.client) {
      const client = createClient({
        url: this.url,
        // Fail commands at once while disconnected instead of queueing them behind a reconnect.
        disableOfflineQueue: true,
        socket: { connectTimeout: Math.max(this.timeoutMs, 1000), reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000) },
      });
      client.on('error', (err: unknown) => this.warn(err));
      this.client = client;
      this.connecting = client.connect().then(() => undefined, (err: unknown) => this.warn(err));
    }
    const client = this.client;
    if (!client.isReady && !this.waitedForConnection) {
      this.waitedForConnection = true;
      await withTimeout(this.connecting, this.timeoutMs, 'redis connection timed out').catch(() => undefined);
    }
    if (!client.isReady) throw new Error('redis is not connected');
    return client;
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 30_000) return;
    this.lastWarning = now;
    // Never the URL: it may carry a password.
    this.log.warn('redis counters unavailable; rate limits and the login throttle count per process until it is back', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** REDIS_URL set: shared counters; otherwise this process's memory. */
export function createCounterStore(redisUrl: string | null, log: Logger, o: RedisCounterOptions = {}): CounterStore {
  return redisUrl ? new RedisCounterStore(redisUrl, log, o) : new MemoryCounterStore(o.clock);
}

export interface RateLimitOptions {
  counter: RateCounter;
  /** Requests allowed per key and window. */
  limit: number;
  windowMs: number;
  /** The key a request counts against, e.g. its client IP. */
  key: (req: Request) => string;
  clock?: Clock;
}

/** Answers 429 RATE_LIMITED with Retry-After (the end of the window) once a key goes over its limit. */
export function rateLimit(o: RateLimitOptions): RequestHandler {
  const clock = o.clock ?? systemClock;
  return (req, _res, next) => {
    o.counter.hit(o.key(req), o.windowMs).then((count) => {
      if (count <= o.limit) return next();
      const now = clock.now().getTime();
      next(new RateLimitError(Math.max(1, Math.ceil((windowOf(now, o.windowMs).endsAt - now) / 1000))));
    }, () => next()); // a broken counter must not take the API down
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
