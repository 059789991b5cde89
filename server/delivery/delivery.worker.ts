import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { ChannelSendError, type ChannelRegistry, type OutboundMessage } from '../../channels/channel.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { Delivery, Member, MemberIdentity, Message, Ticket, TicketEvent } from '../db/entities/index.js';
import type { IdentityKind } from '../domain.js';
import { row } from '../db/row.js';
import { identityAad } from '../members/identity.js';
import type { Logger } from '../logger.js';
import type { PiiVault } from '../security/pii-vault.js';
import type { FileStore } from '../files/file-store.js';

export interface DeliveryWorkerOptions {
  db: Database;
  vault: PiiVault;
  channels: ChannelRegistry;
  clock: Clock;
  log: Logger;
  pollMs: number;
  batchSize?: number;
  maxAttempts?: number;
  /** Where attached files are read from at send time. */
  files?: FileStore;
  /** How long a claim holds; a process that dies mid-send releases its rows when this runs out. */
  claimMs?: number;
}

/** Masks email addresses and long digit runs (phone numbers) in free text from providers. */
export function redactContacts(text: string): string {
  return text
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2')
    .replace(/\+?\d[\d\s-]{5,}\d/g, (m) => { const d = m.replace(/\D/g, ''); return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-2)}` : m; });
}

/** Wait before attempt n+1: 5 s, 10 s, 20 s … capped at one hour, with ±20 % jitter. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Sends delivery rows after their transaction committed. Every server process runs one; rows are
 * claimed (FOR UPDATE SKIP LOCKED on MySQL) so two processes never send the same row at once.
 */
export class DeliveryWorker {
  readonly id = `w-${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly o: DeliveryWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** New rows were committed: look now instead of at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** One pass: claim due rows and send them. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    for (const delivery of claimed) await this.send(delivery);
    return claimed.length;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.loop().finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(this.again ? 0 : this.o.pollMs);
        this.again = false;
      });
    }, ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.runOnce()) > 0) { /* drain */ }
    } catch (err) {
      this.o.log.error('delivery pass failed', { worker: this.id, error: String(err) });
    }
  }

  private async claim(): Promise<Delivery[]> {
    const now = this.o.clock.now();
    const until = new Date(now.getTime() + (this.o.claimMs ?? 60_000));
    return this.o.db.tx(async (m) => {
      const qb = m.createQueryBuilder(Delivery, 'd')
        .where("d.status = 'pending' AND d.nextAttemptAt <= :now", { now })
        .andWhere('(d.claimedUntil IS NULL OR d.claimedUntil < :now)', { now })
        .orderBy('d.nextAttemptAt', 'ASC').limit(this.o.batchSize ?? 20);
      const rows = await this.o.db.forUpdate(qb, true).getMany();
      if (!rows.length) return [];
      await m.update(Delivery, { id: In(rows.map((r) => r.id)) }, { claimedBy: this.id, claimedUntil: until });
      return rows;
    });
  }

  private async send(d: Delivery): Promise<void> {
    const adapter = this.o.channels.get(d.channel);
    try {
      if (!adapter) throw new ChannelSendError(`no ${d.channel} channel is configured`, false);
      const outbound = await this.compose(d);
      const { providerId } = await adapter.send(outbound);
      await this.o.db.tx(async (m) => {
        const now = this.o.clock.now();
        await m.update(Delivery, { id: d.id, claimedBy: this.id }, { status: 'sent', providerId, sentAt: now, attempts: d.attempts + 1, claimedBy: null, claimedUntil: null, lastError: null });
        if (d.messageId) await m.update(Message, { id: d.messageId }, { deliveryState: 'sent' });
      });
    } catch (err) {
      await this.failed(d, err);
    }
  }

  private async failed(d: Delivery, err: unknown): Promise<void> {
    const attempts = d.attempts + 1;
    const permanent = err instanceof ChannelSendError && err.permanent;
    const final = permanent || attempts >= (this.o.maxAttempts ?? 8);
    // Provider errors often quote the recipient: keep contact data out of rows, events and logs.
    const reason = redactContacts(err instanceof Error ? err.message : String(err));
    this.o.log.warn('delivery attempt failed', { delivery: d.id, channel: d.channel, attempts, final, reason });
    await this.o.db.tx(async (m) => {
      const now = this.o.clock.now();
      await m.update(Delivery, { id: d.id, claimedBy: this.id }, {
        status: final ? 'failed' : 'pending', attempts, lastError: reason.slice(0, 2000), claimedBy: null, claimedUntil: null,
        nextAttemptAt: final ? now : new Date(now.getTime() + backoffMs(attempts)),
      });
      if (final && d.messageId) {
        await m.update(Message, { id: d.messageId }, { deliveryState: 'failed' });
        if (d.ticketId) {
          await m.insert(TicketEvent, row<TicketEvent>({ ticketId: d.ticketId, type: 'delivery.failed', actorType: 'system', actorId: null, data: { deliveryId: d.id, messageId: d.messageId, channel: d.channel, reason, attempts }, createdAt: now }));
        }
      }
    });
  }

  /** What the adapter needs, with the member's address decrypted only now, in memory. */
  private async compose(d: Delivery): Promise<OutboundMessage> {
    return this.o.db.read(async (m) => {
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
  }
}
