import type { Logger } from '../logger.js';
import { WakeLoop } from '../wake-loop.js';
import type { FollowUps } from './follow-up.service.js';

/**
 * Puts follow-ups into the agents' live queue when they fall due: a `followup.due` ticket event (and the
 * console's `follow_up_due` notice), once per due time. Every process runs one; each is claimed under the
 * ticket's lock and re-checked there. Sleeps until the earliest due time (at most `maxSleepMs`, which
 * bounds how late a follow-up another process wrote is seen).
 */
export class FollowUpWorker {
  private readonly loop: WakeLoop;

  constructor(private readonly o: { followUps: FollowUps; log: Logger; maxSleepMs?: number }) {
    this.loop = new WakeLoop({ name: 'follow-up worker', log: o.log, retryMs: o.maxSleepMs ?? 30_000, pass: () => this.pass() });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** A committed change wrote a follow-up due in `ms`. */
  wakeIn(ms: number): void {
    this.loop.wakeIn(Math.max(0, ms));
  }

  private async pass(): Promise<number> {
    const max = this.o.maxSleepMs ?? 30_000;
    const { nextInMs } = await this.o.followUps.runDue();
    return nextInMs === null ? max : Math.min(max, nextInMs);
  }
}
