import type { Clock } from '../clock.js';

/**
 * Failed-login limiter: after 5 failures within 15 minutes for a key (an email, a client address),
 * further attempts wait, doubling from 30 s up to 15 min. Per process: with several processes an
 * attacker gets at most N× the attempts, still far from a brute force.
 */
export class LoginThrottle {
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
      if (f.count >= this.free) f.blockedUntil = now + Math.min(30_000 * 2 ** (f.count - this.free), this.windowMs);
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
