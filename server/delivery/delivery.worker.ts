import type { EntityManager } from 'typeorm';
import { ChannelSendError, type ChannelRegistry, type OutboundMessage } from '../../channels/channel.js';
import { Delivery, Member, MemberIdentity, Message, Ticket, TicketEvent } from '../db/entities/index.js';
import type { IdentityKind } from '../domain.js';
import { row } from '../db/row.js';
import { identityAad } from '../members/identity.js';
import type { PiiVault } from '../security/pii-vault.js';
import type { FileStore } from '../files/file-store.js';
import { OutboxWorker, type OutboxFailure, type OutboxWorkerOptions } from './outbox-worker.js';


export interface DeliveryWorkerOptions extends OutboxWorkerOptions {
  vault: PiiVault;
  channels: ChannelRegistry;
  /** Where attached files are read from at send time. */
  files?: FileStore;
  /** Fills in what a stored message only stands for (a survey's signed link), at send time. */
  expandText?: (text: string, meta: Record<string, unknown> | null) => Promise<string>;
  /** In the transaction that marks a delivery failed for good: what else depended on it (a survey that never reached the member). */
  afterFinalFailure?: (m: EntityManager, messageId: number, now: Date) => Promise<void>;
}

/**
 * Sends member-facing delivery rows through the channel adapters; the claiming, retries and
 * backoff are the OutboxWorker's. Also keeps the message's deliveryState in step and records a
 * final failure on the ticket.
 */
export class DeliveryWorker extends OutboxWorker<Delivery> {
  constructor(private readonly o: DeliveryWorkerOptions) {
    super(Delivery, 'delivery', o);
  }

  protected override async send(d: Delivery): Promise<Partial<Delivery>> {
    const adapter = this.o.channels.get(d.channel);
    if (!adapter) throw new ChannelSendError(`no ${d.channel} channel is configured`, false);
    const { providerId } = await adapter.send(await this.compose(d));
    return { providerId };
  }

  protected override isPermanent(err: unknown): boolean {
    return err instanceof ChannelSendError && err.permanent;
  }

  protected override async onSent(m: EntityManager, d: Delivery): Promise<void> {
    if (d.messageId) await m.update(Message, { id: d.messageId }, { deliveryState: 'sent' });
  }

  protected override async onFinalFailure(m: EntityManager, d: Delivery, { reason, attempts, now }: OutboxFailure): Promise<void> {
    await recordDeliveryFailure(m, d, reason, now, { attempts });
    if (d.messageId && this.o.afterFinalFailure) await this.o.afterFinalFailure(m, d.messageId, now);
  }

  /** What the adapter needs, with the member's address decrypted only now, in memory. */
  private async compose(d: Delivery): Promise<OutboundMessage> {
    const out = await this.o.db.read(async (m) => {
      const message = d.messageId ? await m.findOneBy(Message, { id: d.messageId }) : null;
      const ticket = d.ticketId ? await m.findOneBy(Ticket, { id: d.ticketId }) : null;
      if (!message || !ticket) throw new ChannelSendError('the message or ticket of this delivery is gone', true);
      const kind: IdentityKind = d.channel;
      const member = await m.findOneBy(Member, { id: ticket.memberId });
      const identity = await m.findOneBy(MemberIdentity, { memberId: ticket.memberId, kind });
      let to: OutboundMessage['to'] = null;
      if (member && identity) {
        const key = this.o.vault.unwrap(member.wrappedKey);
        to = { kind, value: this.o.vault.decrypt(key, identity.valueEnc, identityAad(member.id, kind)) };
      }
      return {
        deliveryId: d.id, channel: d.channel, ticketId: ticket.id, ticketNumber: ticket.number ?? '', messageId: message.id,
        to, subject: ticket.subject, text: message.text, meta: message.meta,
        attachments: this.o.files && message.attachments?.length
          ? await Promise.all(message.attachments.map(async (a) => ({ name: a.name, contentType: a.contentType, content: await this.o.files!.get(a.path) })))
          : undefined,
      };
    });
    // After the read: filling in may read the database itself (one connection on SQLite: never nested).
    return this.o.expandText ? { ...out, text: await this.o.expandText(out.text, out.meta) } : out;
  }
}

/**
 * A delivery failed for good (the worker gave up, or the mail bounced later): its message shows
 * failed and its ticket gets a `delivery.failed` event with the reason. The delivery row itself
 * is the caller's to update. `extra` goes into the event's data (the worker's attempt count).
 */
export async function recordDeliveryFailure(m: EntityManager, d: Delivery, reason: string, now: Date, extra: { attempts?: number } = {}): Promise<void> {
  if (!d.messageId) return;
  await m.update(Message, { id: d.messageId }, { deliveryState: 'failed' });
  if (d.ticketId) {
    await m.insert(TicketEvent, row<TicketEvent>({ ticketId: d.ticketId, type: 'delivery.failed', actorType: 'system', actorId: null, data: { deliveryId: d.id, messageId: d.messageId, channel: d.channel, reason, ...extra }, createdAt: now }));
  }
}
