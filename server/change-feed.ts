import type { FiredAlert } from '../sla/sla.service.js';
import type { Logger } from './logger.js';
import type { CommitNotice } from './tickets/ticket.service.js';

/** What committed, for listeners outside the domain (the realtime gateway): ticket changes and SLA alerts. */
export type Committed = { kind: 'tickets'; notice: CommitNotice } | { kind: 'alerts'; alerts: FiredAlert[] };

/**
 * The domain's after-commit announcements. Listeners run synchronously and must not throw into the
 * committing caller; one that fails is logged and the others still run.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(c: Committed) => void>();

  constructor(private readonly log: Logger) {}

  subscribe(listener: (c: Committed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(c: Committed): void {
    if (c.kind === 'alerts' && !c.alerts.length) return;
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        this.log.error('change listener failed', { error: String(err instanceof Error ? err.message : err) });
      }
    }
  }
}
