import type { Clock } from '../clock.js';

/** What AgentService needs from a failed-login limiter; the memory one answers at once, the shared one asynchronously. */
export interface FailureThrottle {
  /** Seconds until any of the keys may try again; 0 when none is blocked. */
  retryAfter(keys: string[]): number | Promise<number>;
  fail(keys: string[]): void | Promise<void>;
  succeed(keys: string[]): void | Promise<void>;
}

/** Counters several processes can share (server/http/rate-limit.ts implements them in memory and on Redis). */
export interface ThrottleStore {
  /** Counts a hit of `key` in the current fixed window of `windowMs`; returns the count including this hit. */
  hit(key: string, windowMs: number): Promise<number>;
  /** Blocks `key` for `ms` milliseconds. */
  block(key: string, ms: number): Promise<void>;
  /** Milliseconds `key` stays blocked; 0 when it is not. */
  blockedMs(key: string): Promise<number>;
  /** Forgets the hits of `key` in the current window and any block of it. */
  reset(key: string, windowMs: number): Promise<void>;
}

/** The wait after a failure: none for the first `free - 1`, then 30 s doubling per failure, at most the window. */
export function failureBlockMs(failures: number, free: number, windowMs: number): number {
  return failures < free ? 0 : Math.min(30_000 * 2 ** (failures - free), windowMs);
}

/**
 * Failed-login limiter: after 5 failures within 15 minutes for a key (an email, a client address),
 * further attempts wait, doubling from 30 s up to 15 min. Per process: with several processes an
 * attacker gets at most N× the attempts; with REDIS_URL set, SharedLoginThrottle counts across processes.
 */
export class LoginThrottle implements FailureThrottle {
  private readonly failures = new Map<string, { count: number; first: number; blockedUntil: number }>();
  constructor(private readonly clock: Clock, private readonly free = 5, private readonly windowMs = 15 * 60_000) {}

  retryAfter(keys: string[]): number {
    const now = this.clock.now().getTime();
    const until = Math.max(0, ...keys.map((k) => this.failures.get(k)?.blockedUntil ?? 0));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) {
      let f = this.failures.get(key);
      if (!f || now - f.first > this.windowMs) f = { count: 0, first: now, blockedUntil: 0 };
      f.count++;
      if (f.count >= this.free) f.blockedUntil = now + failureBlockMs(f.count, this.free, this.windowMs);
      this.failures.set(key, f);
    }
    if (this.failures.size > 50_000) this.prune(now);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (now - f.first > this.windowMs && f.blockedUntil < now) this.failures.delete(k);
  }
}

/**
 * The same policy over a ThrottleStore, so every process behind REDIS_URL sees the same failures.
 * Failures are counted in fixed windows (aligned to the clock) rather than from the first failure.
 */
export class SharedLoginThrottle implements FailureThrottle {
  constructor(private readonly store: ThrottleStore, private readonly name: string, private readonly free = 5, private readonly windowMs = 15 * 60_000) {}

  async retryAfter(keys: string[]): Promise<number> {
    const waits = await Promise.all(keys.map((k) => this.store.blockedMs(this.key(k))));
    return Math.ceil(Math.max(0, ...waits) / 1000);
  }

  async fail(keys: string[]): Promise<void> {
    await Promise.all(keys.map(async (k) => {
      const ms = failureBlockMs(await this.store.hit(this.key(k), this.windowMs), this.free, this.windowMs);
      if (ms > 0) await this.store.block(this.key(k), ms);
    }));
  }

  async succeed(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.store.reset(this.key(k), this.windowMs)));
  }

  private key(k: string): string {
    return `login:${this.name}:${k}`;
  }
}
