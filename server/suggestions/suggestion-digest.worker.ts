import type { Logger } from '../logger.js';
import { WakeLoop } from '../wake-loop.js';
import type { SuggestionService } from './suggestion.service.js';

const HOUR_MS = 3_600_000;

/**
 * Sends the weekly suggestions digest (docs/suggestions.md). Every process runs one; it wakes hourly (or at
 * the scheduled time, if sooner) and each department's week is claimed by a `digest_run` row before anything
 * is written, so it goes out once however many processes run. Off when the schedule is `off`.
 */
export class SuggestionDigestWorker {
  private readonly loop: WakeLoop;

  constructor(private readonly o: { suggestions: SuggestionService; log: Logger }) {
    this.loop = new WakeLoop({ name: 'suggestion digest worker', log: o.log, retryMs: HOUR_MS, pass: () => this.pass() });
  }

  start(): void {
    if (this.o.suggestions.digestSchedule) this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async pass(): Promise<number> {
    const { nextInMs } = await this.o.suggestions.runDigests();
    // A second after the next scheduled time, so that it has passed when the pass runs.
    return nextInMs === null ? HOUR_MS : Math.min(HOUR_MS, nextInMs + 1_000);
  }
}
