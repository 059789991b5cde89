import type { Logger } from './logger.js';

export interface WakeLoopOptions {
  /** Names the loop in its log line: "<name> pass failed". */
  name: string;
  /** One pass; resolves to the ms until the next pass, or null to sleep until woken. */
  pass: () => Promise<number | null>;
  log: Logger;
  /** Added to the log line of a failed pass (e.g. the worker's id). */
  logFields?: Record<string, unknown>;
  /** Wait after a pass that threw (it is logged and the loop goes on); null: sleep until woken. */
  retryMs: number | null;
}

/**
 * The background loop behind the SLA scheduler, the outbox workers and the IMAP poller: sleeps
 * until the next pass is due, can be woken earlier, runs one pass at a time, and stop() waits for
 * a running pass. Its timer never keeps the process alive.
 */
const MAX_TIMER_MS = 2_147_483_647;

export class WakeLoop {
  private armed: NodeJS.Timeout | null = null;
  /** Wall time the timer is set for; null when none is armed (a pass is running, idle or stopped). */
  private armedAt: number | null = null;
  private running: Promise<void> | null = null;
  /** Earliest wall time wakeIn asked for while a pass was running: armed after it. */
  private wakeAt: number | null = null;
  private halted = true;

  constructor(private readonly o: WakeLoopOptions) {}

  /** The armed timer (unref'd), if any. */
  get timer(): NodeJS.Timeout | null {
    return this.armed;
  }

  /** True before start() and from stop() on; a pass may check it to end early. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Runs a pass now (after the running one, if any) and from then on as the passes ask. */
  start(): void {
    this.halted = false;
    this.wakeIn(0);
  }

  /** No pass starts after this; resolves once the running pass (if any) finished. */
  async stop(): Promise<void> {
    this.halted = true;
    this.wakeAt = null;
    if (this.armed) clearTimeout(this.armed);
    this.armed = null;
    this.armedAt = null;
    await this.running;
  }

  /**
   * Makes sure a pass starts within `ms`: re-arms the timer only if that is sooner than it is set
   * for. During a pass the earliest such time is kept and armed once the pass ended (not sooner).
   */
  wakeIn(ms: number): void {
    if (this.halted) return;
    const at = Date.now() + Math.max(0, ms);
    if (this.running) {
      if (this.wakeAt === null || at < this.wakeAt) this.wakeAt = at;
    } else if (this.armedAt === null || at < this.armedAt) {
      this.arm(at);
    }
  }

  private arm(at: number): void {
    if (this.armed) clearTimeout(this.armed);
    this.armedAt = at;
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days): arm for at most that, the pass re-arms.
    this.armed = setTimeout(() => this.fire(), Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
    this.armed.unref();
  }

  private fire(): void {
    this.armed = null;
    this.armedAt = null;
    this.running = this.runPass().then((next) => {
      this.running = null;
      const asked = this.wakeAt;
      this.wakeAt = null;
      if (this.halted) return;
      const due = next === null ? null : Date.now() + Math.max(0, next);
      const at = due === null ? asked : asked === null ? due : Math.min(due, asked);
      if (at !== null) this.arm(at);
    });
  }

  private async runPass(): Promise<number | null> {
    try {
      return await this.o.pass();
    } catch (err) {
      this.o.log.error(`${this.o.name} pass failed`, { ...this.o.logFields, error: String(err) });
      return this.o.retryMs;
    }
  }
}

/**
 * The loop of a worker that does what is due and sleeps until the next thing is (surveys, follow-ups, the
 * digest): `runDue` says how long until then (null: nothing known), and the sleep is at most `maxSleepMs`,
 * which bounds how late work written by another process is seen. `wakeIn` brings a pass forward after a
 * commit in this process set something due sooner.
 */
export function dueWorker(o: { name: string; log: Logger; maxSleepMs: number; runDue: () => Promise<{ nextInMs: number | null }> }): WakeLoop {
  return new WakeLoop({
    name: o.name, log: o.log, retryMs: o.maxSleepMs,
    pass: async () => {
      const { nextInMs } = await o.runDue();
      return nextInMs === null ? o.maxSleepMs : Math.min(o.maxSleepMs, Math.max(0, nextInMs));
    },
  });
}
