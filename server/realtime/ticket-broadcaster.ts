import type { Namespace } from 'socket.io';
import type { ChangeFeed, Committed } from '../change-feed.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { TicketQueries, TicketView } from '../tickets/ticket.queries.js';
import { alertNotices, changeNotices, ticketAudience, ticketRoom, type Addressed, type NoticeTicket } from './audience.js';

/** Events that wrote a message (data.messageId): the message goes to the ticket's viewers. */
const MESSAGE_EVENTS = new Set(['message.received', 'message.sent', 'note.added', 'transcript.requested']);

/**
 * Pushes committed changes to the consoles: the queue row to the ticket's audience, new messages to
 * the ticket's viewers, notices to whom they concern. Changes are read after commit and sent in
 * commit order: everything that piled up while one batch was read goes out in the next, so a burst
 * costs a few reads, and a ticket's later state is never overtaken by an earlier one.
 */
export class TicketBroadcaster {
  private pending: Committed[] = [];
  private running: Promise<void> | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: { nsp: Namespace; feed: ChangeFeed; queries: TicketQueries; clock: Clock; log: Logger }) {
    this.unsubscribe = o.feed.subscribe((c) => this.enqueue(c));
  }

  /** Stops listening; resolves when what was already taken is sent. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.pending = [];
    await this.running;
  }

  private enqueue(c: Committed): void {
    this.pending.push(c);
    if (!this.running) this.running = this.drain().finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.send(batch);
      } catch (err) {
        // The consoles resynchronise on their next reconnect or refresh; the change itself is committed.
        this.o.log.error('realtime broadcast failed', { error: String(err instanceof Error ? err.message : err), changes: batch.length });
      }
    }
  }

  private async send(batch: Committed[]): Promise<void> {
    const ticketIds = new Set<number>();
    const messageIds: number[] = [];
    for (const c of batch) {
      if (c.kind === 'alerts') for (const a of c.alerts) ticketIds.add(a.ticketId);
      else for (const ch of c.notice.changes) {
        ticketIds.add(ch.ticketId);
        for (const e of ch.events) if (MESSAGE_EVENTS.has(e.type) && typeof e.data.messageId === 'number') messageIds.push(e.data.messageId);
      }
    }
    const [views, messages] = await Promise.all([this.o.queries.views([...ticketIds]), this.o.queries.messages(messageIds)]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const now = this.o.clock.now();
    const { nsp } = this.o;
    for (const c of batch) {
      const addressed: Addressed[] = [];
      if (c.kind === 'alerts') {
        for (const a of c.alerts) {
          const v = views.get(a.ticketId);
          if (!v) continue;
          this.upsert(v, [`sla.${a.kind}`]);
          addressed.push(...alertNotices(a, noticeTicket(v)));
        }
      } else {
        for (const ch of c.notice.changes) {
          const v = views.get(ch.ticketId);
          if (!v) continue;
          const audience = ticketAudience(v);
          for (const e of ch.events) {
            // Gone from the old department: told to whoever may no longer see it there (not to those who still see it).
            if (e.type === 'department.changed' && typeof e.data.from === 'number') {
              nsp.to(ticketAudience({ departmentId: e.data.from, homeStore: v.homeStore })).except(audience).emit('ticket:removed', { ticketId: v.id });
            }
          }
          this.upsert(v, ch.events.map((e) => e.type));
          for (const e of ch.events) {
            const message = MESSAGE_EVENTS.has(e.type) ? byId.get(Number(e.data.messageId)) : undefined;
            if (message) nsp.to(ticketRoom(v.id)).emit('message:new', { ticketId: v.id, message });
          }
          addressed.push(...changeNotices(ch, noticeTicket(v), now));
        }
      }
      for (const a of addressed) nsp.to(a.rooms).emit('notice', a.notice);
    }
  }

  private upsert(v: TicketView & { homeStore: string | null }, cause: string[]): void {
    const { homeStore: _store, ...ticket } = v;
    this.o.nsp.to(ticketAudience(v)).emit('ticket:upsert', { ticket, cause });
  }
}

function noticeTicket(v: NoticeTicket): NoticeTicket {
  return { id: v.id, number: v.number, subject: v.subject, priority: v.priority, departmentId: v.departmentId, assigneeId: v.assigneeId, homeStore: v.homeStore };
}
