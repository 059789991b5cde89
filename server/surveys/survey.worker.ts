import type { Logger } from '../logger.js';
import { WakeLoop } from '../wake-loop.js';
import type { SurveyService } from './survey.service.js';

/**
 * Sends, reminds and expires surveys when due. Every process runs one; a step is taken under the ticket's
 * lock and re-checked there, so two processes never send the same prompt. Sleeps until the earliest
 * pending step (at most `maxSleepMs`, which bounds how late a step another process wrote is seen).
 */
export class SurveyWorker {
  private readonly loop: WakeLoop;

  constructor(private readonly o: { surveys: SurveyService; log: Logger; maxSleepMs?: number; onSent?: () => void }) {
    this.loop = new WakeLoop({ name: 'survey worker', log: o.log, retryMs: o.maxSleepMs ?? 30_000, pass: () => this.pass() });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** A committed change wrote a step due at `at` (ms from now). */
  wakeIn(ms: number): void {
    this.loop.wakeIn(ms);
  }

  private async pass(): Promise<number> {
    const max = this.o.maxSleepMs ?? 30_000;
    const { handled, nextInMs } = await this.o.surveys.runDue();
    if (handled) this.o.onSent?.();
    return nextInMs === null ? max : Math.min(max, nextInMs);
  }
}
