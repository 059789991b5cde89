import type { EntityManager } from 'typeorm';
import { Notification, SlaAlert, TicketEvent } from '../db/entities/index.js';
import { row } from '../db/row.js';
import { OutboxWorker, type OutboxFailure, type OutboxWorkerOptions } from '../delivery/outbox-worker.js';
import { PermanentNotifyError, type HandledState, type NotificationPayload, type Notifier } from './notification.js';

export interface NotificationWorkerOptions extends OutboxWorkerOptions {
  /** One per channel; a row for a channel without one fails at once. */
  notifiers: Notifier[];
}

/**
 * Sends staff notifications (SLA alerts by Slack and email) written in the alert's transaction.
 * Claiming, retries and backoff are the OutboxWorker's; a notification that fails for good is
 * recorded on the ticket, so the people looking at it see that the head was never told.
 */
export class NotificationWorker extends OutboxWorker<Notification> {
  private readonly notifiers: ReadonlyMap<string, Notifier>;

  constructor(private readonly o: NotificationWorkerOptions) {
    super(Notification, 'notification', o);
    this.notifiers = new Map(o.notifiers.map((n) => [n.channel, n]));
  }

  protected override async send(n: Notification): Promise<Partial<Notification>> {
    const notifier = this.notifiers.get(n.channel);
    // Retrying cannot help until someone configures the channel, and an alert is only worth sending now.
    if (!notifier) throw new PermanentNotifyError(`no notifier is configured for channel "${n.channel}"`);
    // The payload column is JSON written by the escalation service in this same shape.
    const payload = n.payload as unknown as NotificationPayload;
    const { providerRef } = await notifier.send({ id: n.id, channel: notifier.channel, target: n.target, payload });
    return { providerRef };
  }

  /**
   * Shows on what was already sent about these alerts that someone handled them (Slack messages lose
   * their buttons), wherever the acknowledgement came from. Best effort: the acknowledgement stands either way.
   */
  async markHandled(alertIds: number[], state: HandledState, except?: string): Promise<void> {
    if (!alertIds.length) return;
    const sent = await this.o.db.read((m) => m.createQueryBuilder(Notification, 'n')
      .where("n.alertId IN (:...alertIds) AND n.status = 'sent' AND n.providerRef IS NOT NULL", { alertIds }).getMany());
    for (const n of sent) {
      if (n.providerRef === except) continue; // the message clicked: its handler edits it, once
      const notifier = this.notifiers.get(n.channel);
      if (!notifier?.markHandled) continue;
      await notifier.markHandled({ providerRef: n.providerRef!, payload: n.payload as unknown as NotificationPayload }, state)
        .catch((err) => this.o.log.warn('could not mark a sent alert as handled', { notification: n.id, error: String(err) }));
    }
  }

  /** Telling someone about an alert that was already acknowledged only adds noise. */
  protected override async isObsolete(m: EntityManager, n: Notification): Promise<boolean> {
    if (n.alertId === null) return false;
    const alert = await m.findOneBy(SlaAlert, { id: n.alertId });
    return alert?.acknowledgedAt != null;
  }

  protected override isPermanent(err: unknown): boolean {
    // Also duck-typed: a notifier may come from code with its own copy of the error class.
    return err instanceof PermanentNotifyError || (typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true);
  }

  protected override async onFinalFailure(m: EntityManager, n: Notification, { reason, now }: OutboxFailure): Promise<void> {
    await m.insert(TicketEvent, row<TicketEvent>({
      ticketId: n.ticketId, type: 'notification.failed', actorType: 'system', actorId: null,
      data: { notificationId: n.id, channel: n.channel, alertId: n.alertId, reason }, createdAt: now,
    }));
  }
}
