import type { EntityManager } from 'typeorm';
import type { InboundMessage, StoredAttachment } from '../../channels/channel.js';
import type { CallLog } from '../../channels/phone/phone.adapter.js';
import { callExternalId, callMeta, inboundFromCall } from '../../channels/phone/phone.adapter.js';
import { canSeeDepartment, canSeeStore, storeScoped, type Principal } from '../agents/principal.js';
import { ticketVisible } from './ticket-access.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { sqlSession, type SqlSession } from '../db/sql-session.js';
import { Agent, AgentDepartment, Delivery, Department, Message, Ticket } from '../db/entities/index.js';
import type { AuthorType, Channel, Priority, Tier, TicketStatus, TicketType } from '../domain.js';
import type { Language } from '../triage/engine/types.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import type { MemberService } from '../members/member.service.js';
import type { Triager } from '../triage/triager.js';
import { corrected, retriage } from '../triage/retriage.js';
import { modelText } from '../triage/engine/index.js';
import { MAX_TEXT } from '../triage/triage-rows.js';
import type { Assigner } from '../routing/assigner.js';
import { assertTransition, THREADABLE } from './status.js';
import { TicketStore, type PendingEvent, type ThreadTicket } from './ticket.store.js';

export interface IngestResult {
  ticketId: number;
  messageId: number;
  ticketNumber: string;
  /** A new ticket was opened for this message. */
  created: boolean;
  /** The message had been ingested before; nothing was written. */
  duplicate: boolean;
}

export interface CommitNotice {
  ticketIds: number[];
  deliveries: number;
  /** What each ticket's change recorded (its ticket_event rows), for the console. */
  changes: TicketChange[];
}

export interface TicketChange { ticketId: number; actor: Actor; events: PendingEvent[] }

export interface TicketServiceDeps {
  db: Database;
  members: MemberService;
  triager: Triager;
  /** Picks an assignee for a new ticket (department strategy, dedicated agent); none: tickets wait in the shared queue. */
  assigner?: Assigner;
  /** After an agent's correction committed: the model learns it. */
  onLabelsCorrected?: () => void;
  clock: Clock;
  /** Whether the configured adapter of a channel can deliver a typed reply. */
  sendsText: (channel: Channel) => boolean;
  /** A member's reply to their solved ticket reopens it within this many days (default 7). */
  reopenWindowDays?: number;
  /**
   * Runs inside each change's transaction after its ticket row and events were written (the SLA engine:
   * clocks, deadlines and alerts commit or roll back with the change).
   */
  onEvents?: (sql: SqlSession, ticketId: number, events: PendingEvent[], now: Date) => Promise<void>;
  /** Called after every committed change: realtime, delivery workers and notifications hang off it. */
  afterCommit?: (notice: CommitNotice) => void;
  /**
   * Asked first, for each new member message, inside the ingest transaction: a message that answers
   * something we asked (a survey prompt's "5") is claimed there and never threads, reopens or opens a ticket.
   */
  claimReply?: (sql: SqlSession, c: { memberId: number; msg: InboundMessage; now: Date }) => Promise<ClaimedReply | null>;
}

/** A member message claimed by `claimReply`: stored on `ticketId`, with the claimer's events. */
export interface ClaimedReply {
  ticketId: number;
  events: PendingEvent[];
  meta: Record<string, unknown>;
  /** An automatic answer on the message's channel ("thank you for your rating"). */
  ack?: string;
}

/** What a system change's function gets: the locked ticket, its events to add, and a way to post an automatic message. */
export interface SystemChangeContext {
  sql: SqlSession;
  ticket: ThreadTicket;
  events: PendingEvent[];
  now: Date;
  /** A public outbound message no agent wrote, sent on `channel` through a delivery row (no SLA clock stops). */
  post(input: { channel: Channel; text: string; meta: Record<string, unknown> }): Promise<number>;
}

export interface Actor { type: AuthorType; id: number | null }

const LIVE: readonly TicketStatus[] = THREADABLE;

/**
 * The ticket domain: every change is one transaction that also writes its ticket_event rows and,
 * for anything leaving the building, its delivery rows. No HTTP, socket or channel SDK in here.
 */
export class TicketService {
  private defaultDepartment: { id: number; until: number } | null = null;
  private readonly knownDepartments = new Map<number, number>();

  constructor(private readonly deps: TicketServiceDeps) {}

  private get db() { return this.deps.db; }

  // ── inbound ──────────────────────────────────────────────────────────────

  /**
   * The one path of every member message (ARCHITECTURE §2): dedupe, resolve member, thread, triage,
   * route, persist. Idempotent on (channel, externalId): a redelivery returns the first result.
   */
  async ingest(msg: InboundMessage): Promise<IngestResult> {
    await this.deps.triager.prepare?.();
    let deliveries = 0;
    let changes: TicketChange[] = [];
    const result = await this.db.sqlTx(async (sql) => {
      deliveries = 0; // a retried transaction starts over
      changes = [];
      const store = new TicketStore(sql);
      const seen = await store.findMessage(msg.channel, msg.externalId);
      if (seen) return { ticketId: seen.ticketId, messageId: seen.id, ticketNumber: seen.number, created: false, duplicate: true };
      const { member, created: newMember } = await this.deps.members.resolveOrCreate(sql, msg.from);
      const now = this.deps.clock.now();
      const claimed = newMember || !this.deps.claimReply ? null : await this.deps.claimReply(sql, { memberId: member.id, msg, now });
      if (claimed) {
        if (claimed.ack) deliveries = 1;
        return this.storeClaimed(sql, claimed, member.id, msg, now, (c) => { changes = c; });
      }
      // A member created just now has no ticket to continue.
      const [sender] = this.deps.members.contactKeys([msg.from]);
      const thread = newMember && msg.threadTicketId === undefined ? { ticket: null, followUpOf: null } : await this.findThread(store, member.id, sender?.blindIndex ?? null, msg, now);
      let ticket = thread.ticket;
      const events: PendingEvent[] = [];
      let created = false;
      let reopened = false;
      if (!ticket) {
        const triage = await this.deps.triager.decide(sql, {
          channel: msg.channel, subject: msg.subject ?? '', text: msg.text, memberTier: member.tier, memberId: member.id,
          departmentHint: msg.departmentId, now,
        });
        // A call an agent logged stays in the department they logged it into (they took it, they keep it).
        const departmentId = await this.routeDepartment(store, msg.assignTo !== undefined ? [msg.departmentId, triage.departmentId] : [triage.departmentId, msg.departmentId]);
        // How the department was chosen, whichever step chose it: triage's (rule, category), the channel's, or the default.
        const routedBy = departmentId === triage.departmentId ? String((triage.record.route as { reason?: string } | undefined)?.reason)
          : departmentId === msg.departmentId ? 'channel' : 'default';
        ticket = await store.insertTicket({
          channel: msg.channel, memberId: member.id, departmentId, subject: subjectOf(msg.subject, msg.text),
          type: triage.type, category: triage.category, priority: triage.priority, triage: { ...triage.record, route: { departmentId, reason: routedBy } }, lastMessageAt: msg.receivedAt,
          language: triage.language, tags: triage.tags.map(normaliseTag),
        }, now);
        created = true;
        events.push({ type: 'ticket.created', data: {
          number: ticket.number, channel: msg.channel, departmentId, type: triage.type, category: triage.category, priority: triage.priority,
          language: triage.language, routedBy,
          followUpOf: thread.followUpOf,
        } });
        const assignment = await this.deps.assigner?.assign(sql, { departmentId, dedicatedAgentId: member.dedicatedAgentId, handledBy: msg.assignTo });
        if (assignment) {
          await store.setAssignee(ticket.id, assignment.agentId);
          events.push({ type: 'assignee.changed', data: { from: null, to: assignment.agentId, reason: assignment.reason } });
        }
      } else if (ticket.status === 'solved') {
        events.push({ type: 'status.changed', data: { from: 'solved', to: 'open', reason: 'member_replied_within_reopen_window' } });
        ticket.status = 'open';
        reopened = true;
      } else if (ticket.status === 'pending' || ticket.status === 'on_hold') {
        events.push({ type: 'status.changed', data: { from: ticket.status, to: 'open', reason: 'member_replied' } });
        ticket.status = 'open';
      }
      const messageId = await store.insertMessage({
        ticketId: ticket.id, direction: 'inbound', visibility: 'public', channel: msg.channel, authorType: 'member',
        authorMemberId: member.id, text: msg.text, html: msg.html ?? null, externalId: msg.externalId, meta: msg.meta ?? null, createdAt: msg.receivedAt,
        attachments: msg.attachments ?? null, rfcMessageId: msg.rfcMessageId ?? null,
      });
      events.push({ type: 'message.received', data: { messageId, channel: msg.channel } });
      if (created && msg.acknowledge && this.deps.sendsText(msg.channel)) deliveries += await this.acknowledge(store, ticket, msg, now, events);
      if (!created) {
        await store.touchTicket(ticket.id, ticket.status, laterOf(ticket.lastMessageAt, msg.receivedAt), now, reopened);
        await this.retriage(sql, store, ticket, { channel: msg.channel, text: msg.text, memberTier: member.tier, memberId: member.id, departmentHint: msg.departmentId }, now, events);
      }
      if (msg.participants?.length) {
        await store.addParticipants(ticket.id, this.deps.members.contactKeys(msg.participants).filter((p) => p.blindIndex !== sender?.blindIndex), now);
      }
      const actor = { type: 'member' as const, id: member.id };
      if (created && thread.followUpOf) {
        const followUp = [{ type: 'ticket.follow_up', data: { ticketId: ticket.id, number: ticket.number } }];
        await store.insertEvents(thread.followUpOf, actor, followUp, now);
        changes.push({ ticketId: thread.followUpOf, actor, events: followUp });
      }
      await this.record(sql, ticket.id, actor, events, now);
      changes.push({ ticketId: ticket.id, actor, events });
      return { ticketId: ticket.id, messageId, ticketNumber: ticket.number, created, duplicate: false };
    }, { retryOnConflict: true });
    if (!result.duplicate) this.notify(deliveries, changes);
    return result;
  }

  /**
   * The acknowledgement of a new ticket: public, automatic (mail carries Auto-Submitted), threaded
   * under the member's mail; no agent response, so no SLA clock stops.
   */
  private async acknowledge(store: TicketStore, ticket: ThreadTicket, msg: InboundMessage, now: Date, events: PendingEvent[]): Promise<number> {
    const text = msg.acknowledge!({ number: ticket.number, language: ticket.labels.language });
    const email = msg.channel === 'email' && msg.rfcMessageId ? { email: { inReplyTo: msg.rfcMessageId, references: [msg.rfcMessageId] } } : {};
    const messageId = await store.insertAutomaticMessage({ ticketId: ticket.id, channel: msg.channel, text, meta: email }, now);
    events.push({ type: 'message.sent', data: { messageId, channel: msg.channel, automatic: true } });
    return 1;
  }

  /** An agent logs a phone call: inbound calls are the member's message, outbound calls are our response. */
  async logCall(p: Principal, call: CallLog): Promise<IngestResult> {
    if (call.departmentId !== undefined && !canSeeDepartment(p, call.departmentId)) {
      throw new UnprocessableError('DEPARTMENT_OUT_OF_SCOPE', 'log calls only into your own departments', { field: 'departmentId' });
    }
    // The caller's member must be in the agent's stores; a number nobody has yet becomes a member of the agent's store.
    let owner = await this.deps.members.findByIdentity('phone', call.phone);
    if (owner && !canSeeStore(p, owner.homeStore)) {
      throw new ForbiddenError('this number belongs to a member of another store; transfer the call to their store', 'MEMBER_OUT_OF_SCOPE');
    }
    if (!owner && storeScoped(p)) {
      owner = await this.deps.members.create({ name: call.memberName ?? null, homeStore: p.stores![0]!, identities: { phone: call.phone } })
        .then((v) => ({ id: v.id, homeStore: v.homeStore }))
        .catch(async () => this.deps.members.findByIdentity('phone', call.phone));
    }
    if (call.ticketId !== undefined) {
      const ticketMember = await this.assertVisible(p, call.ticketId);
      if (call.direction === 'outbound' && owner?.id !== ticketMember) {
        throw new UnprocessableError('PHONE_NOT_TICKET_MEMBER', 'this number is not the ticket member\'s; log the call without ticketId or on their ticket', { field: 'phone' });
      }
    }
    const externalId = callExternalId(call);
    const departmentId = call.departmentId ?? p.departmentIds[0];
    if (call.direction === 'inbound') {
      return this.ingest(inboundFromCall({ ...call, departmentId }, p.agentId, this.deps.clock.now(), externalId));
    }
    let changes: TicketChange[] = [];
    const result = await this.db.tx(async (m) => {
      const sql = sqlSession(m, this.db.engine);
      const store = new TicketStore(sql);
      const seen = await store.findMessage('phone', externalId);
      if (seen) return { ticketId: seen.ticketId, messageId: seen.id, ticketNumber: seen.number, created: false, duplicate: true };
      const now = this.deps.clock.now();
      const at = call.occurredAt ? new Date(call.occurredAt) : now;
      const { member } = await this.deps.members.resolveOrCreate(sql, { kind: 'phone', value: call.phone, name: call.memberName });
      let ticket: Ticket | null = call.ticketId !== undefined
        ? await this.lockVisible(m, p, call.ticketId)
        : await this.threadAsEntity(m, store, member.id);
      const events: PendingEvent[] = [];
      let created = false;
      if (ticket && !LIVE.includes(ticket.status) && ticket.status !== 'solved') {
        throw new ConflictError('TICKET_CLOSED', `ticket ${ticket.number} is ${ticket.status}; log the call without a ticket to open a new one`);
      }
      if (!ticket) {
        const dept = await this.routeDepartment(store, [departmentId]);
        const inserted = await store.insertTicket({
          channel: 'phone', memberId: member.id, departmentId: dept, subject: subjectOf(undefined, call.summary),
          type: 'enquiry', category: 'other', priority: 'normal', triage: null, lastMessageAt: at,
        }, now);
        ticket = await m.findOneByOrFail(Ticket, { id: inserted.id });
        created = true;
        events.push({ type: 'ticket.created', data: { number: ticket.number, channel: 'phone', departmentId: dept, reason: 'outbound_call' } });
      }
      const messageId = await store.insertMessage({
        ticketId: ticket.id, direction: 'outbound', visibility: 'public', channel: 'phone', authorType: 'agent',
        authorAgentId: p.agentId, text: call.summary, html: null, externalId, meta: callMeta(call, p.agentId),
        createdAt: at, deliveryState: 'pending',
      });
      await this.insertDelivery(m, ticket, messageId, now);
      events.push({ type: 'message.sent', data: { messageId, channel: 'phone', visibility: 'public', call: true } });
      this.respond(ticket, at, events);
      await m.update(Ticket, { id: ticket.id }, {
        status: ticket.status, firstResponseAt: ticket.firstResponseAt, lastMessageAt: laterOf(ticket.lastMessageAt, at),
      });
      await this.record(sql, ticket.id, { type: 'agent', id: p.agentId }, events, now);
      changes = [{ ticketId: ticket.id, actor: { type: 'agent', id: p.agentId }, events }];
      return { ticketId: ticket.id, messageId, ticketNumber: ticket.number!, created, duplicate: false };
    }, { retryOnConflict: true });
    if (!result.duplicate) this.notify(1, changes);
    return result;
  }

  // ── agent actions ────────────────────────────────────────────────────────

  /** A public reply (sent on the ticket's channel through a delivery row) or an internal note. */
  async addMessage(p: Principal, ticketId: number, input: { text: string; visibility: 'public' | 'internal'; status?: TicketStatus; attachments?: StoredAttachment[] }): Promise<{ messageId: number }> {
    let messageId = 0;
    await this.command(p, ticketId, async (m, ticket, events, now) => {
      if (!LIVE.includes(ticket.status) && ticket.status !== 'solved') {
        throw new ConflictError('TICKET_CLOSED', `ticket ${ticket.number} is ${ticket.status}; it takes no more messages`);
      }
      const isPublic = input.visibility === 'public';
      if (isPublic && !this.deps.sendsText(ticket.channel)) {
        throw new UnprocessableError('CHANNEL_CANNOT_SEND_TEXT', ticket.channel === 'phone'
          ? 'phone tickets are answered by calling the member: log the call (POST /api/calls with direction outbound and this ticketId)'
          : `the ${ticket.channel} channel is not configured to send replies`, { channel: ticket.channel });
      }
      messageId = await TicketStore.of(m, this.db.engine).insertMessage({
        ticketId: ticket.id, direction: 'outbound', visibility: input.visibility, channel: ticket.channel, authorType: 'agent',
        authorAgentId: p.agentId, text: input.text, html: null, externalId: null, createdAt: now,
        meta: isPublic && ticket.channel === 'email' ? { email: await this.emailThread(m, ticket.id) } : null,
        attachments: input.attachments?.length ? input.attachments : null,
        deliveryState: isPublic ? 'pending' : null,
      });
      if (isPublic) {
        await this.insertDelivery(m, ticket, messageId, now);
        events.push({ type: 'message.sent', data: { messageId, channel: ticket.channel, visibility: 'public' } });
        this.respond(ticket, now, events);
        ticket.lastMessageAt = now;
      } else {
        events.push({ type: 'note.added', data: { messageId } });
      }
      if (input.status && input.status !== ticket.status) this.changeStatus(ticket, input.status, now, events);
      return isPublic ? 1 : 0;
    });
    return { messageId };
  }

  /**
   * An automatic public message the member asked for (a chat transcript): written, with its delivery and
   * the event saying why, in one transaction like every change, on behalf of the ticket's own member.
   * No agent responded, so no SLA clock stops (`automatic`).
   */
  async addAutomaticMessage(ticketId: number, memberId: number, input: { channel: Channel; text: string; meta: Record<string, unknown>; event: string }): Promise<{ messageId: number }> {
    return this.systemChange(ticketId, { type: 'member', id: memberId }, async (c) => {
      if (c.ticket.memberId !== memberId) throw new NotFoundError('ticket');
      const messageId = await c.post(input);
      c.events.push({ type: input.event, data: { messageId, channel: input.channel, automatic: true } });
      return { messageId };
    });
  }

  /**
   * A change no agent made (a survey sent, answered or expired; a transcript): `fn` runs with the ticket
   * locked, in one transaction with the events it adds, the SLA hook and the deliveries of what it posts;
   * consoles hear of it after commit like of every change.
   */
  async systemChange<T>(ticketId: number, actor: Actor, fn: (c: SystemChangeContext) => Promise<T>): Promise<T> {
    const [out] = await this.systemChanges([ticketId], actor, (c) => fn(c));
    return out as T;
  }

  /**
   * One system change over several tickets, all or nothing (a decision that answers many members): the tickets are
   * locked in id order (no deadlock with another such change), then `fn` runs for each in the order given, each
   * ticket with its own events.
   */
  async systemChanges<T>(ticketIds: number[], actor: Actor, fn: (c: SystemChangeContext, index: number) => Promise<T>): Promise<T[]> {
    let changes: TicketChange[] = [];
    let deliveries = 0;
    const result = await this.db.sqlTx(async (sql) => {
      changes = [];
      deliveries = 0;
      const store = new TicketStore(sql);
      const locked = new Map<number, ThreadTicket>();
      for (const id of [...new Set(ticketIds)].sort((x, y) => x - y)) {
        const ticket = await store.lockTicket(id);
        if (!ticket) throw new NotFoundError('ticket');
        locked.set(id, ticket);
      }
      const now = this.deps.clock.now();
      const out: T[] = [];
      for (const [index, ticketId] of ticketIds.entries()) {
        const events: PendingEvent[] = [];
        out.push(await fn({
          sql, ticket: locked.get(ticketId)!, events, now,
          post: async (input) => {
            deliveries++;
            return store.insertAutomaticMessage({ ticketId, ...input }, now);
          },
        }, index));
        if (events.length) {
          await this.record(sql, ticketId, actor, events, now);
          changes.push({ ticketId, actor, events });
        }
      }
      return out;
    }, { retryOnConflict: true });
    if (changes.length || deliveries) this.notify(deliveries, changes);
    return result;
  }

  /** Stores a claimed reply on the ticket it answers: kept (and deduplicated) like any message, with the claimer's events. */
  private async storeClaimed(sql: SqlSession, claimed: ClaimedReply, memberId: number, msg: InboundMessage, now: Date, setChanges: (c: TicketChange[]) => void): Promise<IngestResult> {
    const store = new TicketStore(sql);
    const ticket = await store.lockTicket(claimed.ticketId);
    if (!ticket) throw new NotFoundError('ticket');
    const messageId = await store.insertMessage({
      ticketId: ticket.id, direction: 'inbound', visibility: 'public', channel: msg.channel, authorType: 'member',
      authorMemberId: memberId, text: msg.text, html: msg.html ?? null, externalId: msg.externalId, meta: { ...msg.meta, ...claimed.meta }, createdAt: msg.receivedAt,
      attachments: msg.attachments ?? null, rfcMessageId: msg.rfcMessageId ?? null,
    });
    const actor = { type: 'member' as const, id: memberId };
    const events: PendingEvent[] = claimed.events.map((e) => ({ ...e, data: { ...e.data, messageId } }));
    if (claimed.ack) {
      const ackId = await store.insertAutomaticMessage({ ticketId: ticket.id, channel: msg.channel, text: claimed.ack, meta: { inReplyTo: messageId } }, now);
      events.push({ type: 'message.sent', data: { messageId: ackId, channel: msg.channel, visibility: 'public', automatic: true } });
    }
    await this.record(sql, ticket.id, actor, events, now);
    setChanges([{ ticketId: ticket.id, actor, events }]);
    return { ticketId: ticket.id, messageId, ticketNumber: ticket.number, created: false, duplicate: false };
  }

  async setStatus(p: Principal, ticketId: number, status: TicketStatus): Promise<void> {
    await this.command(p, ticketId, async (_m, ticket, events, now) => {
      if (status === ticket.status) return 0;
      this.changeStatus(ticket, status, now, events);
      return 0;
    });
  }

  async assign(p: Principal, ticketId: number, assigneeId: number | null): Promise<void> {
    await this.command(p, ticketId, async (m, ticket, events) => {
      if (assigneeId === ticket.assigneeId) return 0;
      if (assigneeId !== null) await this.assertAssignable(m, assigneeId, ticket.departmentId);
      events.push({ type: 'assignee.changed', data: { from: ticket.assigneeId, to: assigneeId } });
      ticket.assigneeId = assigneeId;
      return 0;
    });
  }

  async transfer(p: Principal, ticketId: number, departmentId: number, note?: string): Promise<void> {
    await this.command(p, ticketId, async (m, ticket, events) => {
      if (departmentId === ticket.departmentId) return 0;
      if (!(await m.existsBy(Department, { id: departmentId }))) {
        throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${departmentId} does not exist`, { field: 'departmentId' });
      }
      events.push({ type: 'department.changed', data: { from: ticket.departmentId, to: departmentId, note: note ?? null } });
      ticket.departmentId = departmentId;
      if (ticket.assigneeId !== null && !(await m.existsBy(AgentDepartment, { agentId: ticket.assigneeId, departmentId }))) {
        events.push({ type: 'assignee.changed', data: { from: ticket.assigneeId, to: null, reason: 'transferred' } });
        ticket.assigneeId = null;
      }
      return 0;
    });
  }

  async setPriority(p: Principal, ticketId: number, priority: Priority): Promise<void> {
    await this.command(p, ticketId, async (_m, ticket, events) => {
      if (priority === ticket.priority) return 0;
      events.push({ type: 'priority.changed', data: { from: ticket.priority, to: priority } });
      ticket.priority = priority;
      return 0;
    });
  }

  async changeTags(p: Principal, ticketId: number, change: { add?: string[]; remove?: string[] }): Promise<void> {
    await this.command(p, ticketId, async (_m, ticket, events) => {
      const before = ticket.tags;
      const removed = new Set((change.remove ?? []).map(normaliseTag));
      const next = [...new Set([...before.filter((t) => !removed.has(t)), ...(change.add ?? []).map(normaliseTag)])];
      if (next.length > 30) throw new ValidationError('a ticket has at most 30 tags', { field: 'add' }, 'TOO_MANY_TAGS');
      const added = next.filter((t) => !before.includes(t));
      const gone = before.filter((t) => !next.includes(t));
      if (!added.length && !gone.length) return 0;
      events.push({ type: 'tags.changed', data: { added, removed: gone } });
      ticket.tags = next;
      return 0;
    });
  }

  /** Moves every message of `sourceId` into `targetId`; the source becomes a redirect to the target. */
  async merge(p: Principal, sourceId: number, targetId: number): Promise<void> {
    if (sourceId === targetId) throw new UnprocessableError('MERGE_INTO_SELF', 'a ticket cannot be merged into itself');
    const changes: TicketChange[] = await this.db.tx(async (m) => {
      const now = this.deps.clock.now();
      // Lock in id order so two opposite merges cannot deadlock.
      const [a, b] = sourceId < targetId ? [sourceId, targetId] : [targetId, sourceId];
      const first = await this.lockVisible(m, p, a);
      const second = await this.lockVisible(m, p, b);
      const source = first.id === sourceId ? first : second;
      const target = first.id === targetId ? first : second;
      if (source.memberId !== target.memberId) {
        // Messages and pending deliveries would follow the target's member: another person's data to the wrong address.
        throw new ConflictError('MERGE_DIFFERENT_MEMBERS', `tickets ${source.number} and ${target.number} belong to different members; only one member's tickets can be merged`);
      }
      for (const t of [source, target]) {
        if (!LIVE.includes(t.status) && t.status !== 'solved') {
          throw new ConflictError('TICKET_CLOSED', `ticket ${t.number} is ${t.status} and cannot take part in a merge`);
        }
      }
      const moved = await m.update(Message, { ticketId: source.id }, { ticketId: target.id });
      await m.update(Delivery, { ticketId: source.id }, { ticketId: target.id });
      const tags = [...new Set([...target.tags, ...source.tags])];
      await m.update(Ticket, { id: target.id }, { tags, lastMessageAt: laterOf(target.lastMessageAt, source.lastMessageAt) });
      await m.update(Ticket, { id: source.id }, { status: 'merged', mergedIntoId: target.id });
      const actor = { type: 'agent' as const, id: p.agentId };
      const merged = [{ type: 'ticket.merged', data: { into: target.id, intoNumber: target.number, from: source.status, messagesMoved: moved.affected ?? null } }];
      const mergedFrom = [{ type: 'ticket.merged_from', data: { from: source.id, fromNumber: source.number, messagesMoved: moved.affected ?? null } }];
      await this.writeEvents(m, source.id, actor, merged, now);
      await this.writeEvents(m, target.id, actor, mergedFrom, now);
      return [{ ticketId: source.id, actor, events: merged }, { ticketId: target.id, actor, events: mergedFrom }];
    });
    this.notify(0, changes);
  }

  /**
   * An agent corrects (or confirms) a ticket's labels. From then on triage leaves them alone, and the
   * ticket's first words labelled this way become a training example of the shared model (one per
   * ticket: a second correction replaces the first).
   */
  async correctTriage(p: Principal, ticketId: number, input: { type?: TicketType; category?: string; language?: Language }): Promise<void> {
    await this.command(p, ticketId, async (m, ticket, events, now) => {
      const sql = sqlSession(m, this.db.engine);
      const store = new TicketStore(sql);
      if (input.category !== undefined && !(await this.deps.triager.isCategory?.(sql, input.category) ?? true)) {
        throw new UnprocessableError('UNKNOWN_CATEGORY', `category "${input.category}" does not exist or is inactive`, { field: 'category' });
      }
      const next = { type: input.type ?? ticket.type, category: input.category ?? ticket.category, language: input.language ?? ticket.language };
      const before = { type: ticket.type, category: ticket.category, language: ticket.language };
      const record = corrected(ticket.triage, input, p.agentId, now);
      await sql.run('UPDATE ticket SET type = ?, category = ?, language = ?, labelsConfirmed = 1, triage = ? WHERE id = ?',
        [next.type, next.category, next.language, JSON.stringify(record), ticket.id]);
      ticket.type = next.type;
      ticket.category = next.category;
      events.push({ type: 'triage.corrected', data: { from: before, to: next, confirmedOnly: before.type === next.type && before.category === next.category && before.language === next.language } });
      await sql.run('DELETE FROM triage_example WHERE ticketId = ?', [ticket.id]);
      await sql.run('INSERT INTO triage_example (ticketId, text, type, category, source, agentId, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [ticket.id, modelText(ticket.subject, await store.firstMemberText(ticket.id)).slice(0, MAX_TEXT), next.type, next.category, 'agent', p.agentId, now]);
      return 0;
    });
    this.deps.onLabelsCorrected?.();
  }

  /**
   * When an agent goes offline: their unanswered running tickets in departments that ask for it go
   * back through assignment (to someone online, or to the shared queue). Each ticket is its own
   * transaction, re-checked under lock, so a reply sent meanwhile keeps the ticket where it is.
   */
  async reassignFrom(agentId: number): Promise<number> {
    const candidates = await this.db.sqlTx((sql) => sql.rows<{ id: number }>(
      `SELECT t.id AS id FROM ticket t JOIN department d ON d.id = t.departmentId
       WHERE t.assigneeId = ? AND d.reassignOnOffline = 1 AND t.status IN ('new', 'open') AND (t.firstResponseAt IS NULL OR t.nextResponseSince IS NOT NULL)
       ORDER BY t.id`, [agentId]));
    let moved = 0;
    for (const { id } of candidates) {
      const changed = await this.db.sqlTx(async (sql) => {
        const now = this.deps.clock.now();
        const [row] = await sql.rows<Record<string, unknown>>(
          'SELECT id, departmentId, memberId, assigneeId, status, firstResponseAt, nextResponseSince FROM ticket WHERE id = ? FOR UPDATE', [Number(id)]);
        if (!row || Number(row.assigneeId) !== agentId || !['new', 'open'].includes(String(row.status))) return false;
        if (row.firstResponseAt !== null && row.nextResponseSince === null) return false;
        // Back online meanwhile (a reconnect): they keep the rest. A plain read: agent rows are locked after tickets only by assignment.
        const [agent] = await sql.rows<{ presence: string }>('SELECT presence FROM agent WHERE id = ?', [agentId]);
        if (agent?.presence !== 'offline') return false;
        const store = new TicketStore(sql);
        // Read, not locked: ingest locks the member before the ticket, so this path must not lock them the other way round.
        const [mb] = await sql.rows<{ dedicatedAgentId: number | null }>('SELECT dedicatedAgentId FROM member WHERE id = ?', [Number(row.memberId)]);
        const dedicatedAgentId = mb?.dedicatedAgentId === null || mb?.dedicatedAgentId === undefined ? null : Number(mb.dedicatedAgentId);
        const next = await this.deps.assigner?.assign(sql, { departmentId: Number(row.departmentId), dedicatedAgentId }, agentId) ?? null;
        await store.setAssignee(Number(row.id), next?.agentId ?? null);
        const events = [{ type: 'assignee.changed', data: { from: agentId, to: next?.agentId ?? null, reason: 'agent_offline', strategy: next?.reason ?? null } }];
        await this.record(sql, Number(row.id), { type: 'system', id: null }, events, now);
        return events;
      }, { retryOnConflict: true });
      if (changed) { moved++; this.notify(0, [{ ticketId: Number(id), actor: { type: 'system', id: null }, events: changed }]); }
    }
    return moved;
  }

  // ── internals ────────────────────────────────────────────────────────────

  /** A member wrote again: triage the new words with the ticket's subject, and apply what may change (triage/retriage.ts). */
  private async retriage(sql: SqlSession, store: TicketStore, ticket: ThreadTicket, input: { channel: Channel; text: string; memberTier: Tier; memberId: number; departmentHint?: number }, now: Date, events: PendingEvent[]): Promise<void> {
    // The new words only: the first message's verdict is in the stored labels already. (Classifying the whole
    // thread again on every message cost a fifth of ingest throughput.)
    const fresh = await this.deps.triager.decide(sql, { ...input, subject: ticket.subject, ticketId: ticket.id, now });
    const r = retriage(ticket.labels, fresh);
    if (!r) return;
    await store.updateTriage(ticket.id, { type: r.type, category: r.category, priority: r.priority, language: r.language, triage: r.record });
    if (r.changes.type || r.changes.category) events.push({ type: 'triage.updated', data: { changes: r.changes, reason: 'member_message' } });
    if (r.changes.priority) events.push({ type: 'priority.changed', data: { ...r.changes.priority, reason: 'triage' } });
  }

  /** Load → check visibility → mutate → persist the changed fields and the events, in one transaction. */
  private async command(
    p: Principal, ticketId: number,
    fn: (m: EntityManager, ticket: Ticket, events: PendingEvent[], now: Date) => Promise<number>,
  ): Promise<void> {
    let changes: TicketChange[] = [];
    const deliveries = await this.db.tx(async (m) => {
      changes = [];
      const now = this.deps.clock.now();
      const ticket = await this.lockVisible(m, p, ticketId);
      if (ticket.status === 'merged') {
        throw new ConflictError('TICKET_MERGED', `ticket ${ticket.number} was merged into ticket ${ticket.mergedIntoId}; act on that one`, { mergedIntoId: ticket.mergedIntoId });
      }
      const events: PendingEvent[] = [];
      const sent = await fn(m, ticket, events, now);
      if (!events.length) return sent;
      await m.update(Ticket, { id: ticket.id }, {
        status: ticket.status, assigneeId: ticket.assigneeId, departmentId: ticket.departmentId, priority: ticket.priority,
        tags: ticket.tags, firstResponseAt: ticket.firstResponseAt, lastMessageAt: ticket.lastMessageAt,
        solvedAt: ticket.solvedAt, closedAt: ticket.closedAt, reopenCount: ticket.reopenCount,
      });
      await this.writeEvents(m, ticket.id, { type: 'agent', id: p.agentId }, events, now);
      changes = [{ ticketId: ticket.id, actor: { type: 'agent', id: p.agentId }, events }];
      return sent;
    });
    if (changes.length || deliveries) this.notify(deliveries, changes);
  }

  private changeStatus(ticket: Ticket, to: TicketStatus, now: Date, events: PendingEvent[]): void {
    assertTransition(ticket.status, to);
    events.push({ type: 'status.changed', data: { from: ticket.status, to } });
    if (to === 'solved') ticket.solvedAt = now;
    if (to === 'closed') ticket.closedAt = now;
    if (ticket.status === 'solved' && to !== 'closed') {
      ticket.solvedAt = null;
      ticket.reopenCount += 1;
    }
    ticket.status = to;
  }

  /**
   * Threading headers of a reply: In-Reply-To the member's latest mail, References their recent ones
   * (oldest first), so the member's mail client files our answer under their conversation.
   */
  private async emailThread(m: EntityManager, ticketId: number): Promise<{ inReplyTo?: string; references?: string[] }> {
    const rows = await m.createQueryBuilder(Message, 'msg').select('msg.rfcMessageId', 'id')
      .where("msg.ticketId = :ticketId AND msg.direction = 'inbound' AND msg.rfcMessageId IS NOT NULL", { ticketId })
      .orderBy('msg.id', 'DESC').limit(10).getRawMany<{ id: string }>();
    if (!rows.length) return {};
    return { inReplyTo: rows[0]!.id, references: rows.map((r) => r.id).reverse() };
  }

  /** A public agent response: stops the first-response clock and moves a new ticket to open. */
  private respond(ticket: Ticket, at: Date, events: PendingEvent[]): void {
    if (!ticket.firstResponseAt) {
      ticket.firstResponseAt = at;
      events.push({ type: 'first_response', data: { at: at.toISOString() } });
    }
    if (ticket.status === 'new') {
      events.push({ type: 'status.changed', data: { from: 'new', to: 'open', reason: 'agent_responded' } });
      ticket.status = 'open';
    }
  }

  /**
   * The ticket a member's message continues, locked: a channel's hint (followed through merges) or
   * their live ticket there. A reply to their solved ticket within the reopen window reopens it; to a
   * closed one (or solved longer ago) it opens a new ticket linked as its follow-up.
   */
  private async findThread(store: TicketStore, memberId: number, senderIndex: string | null, msg: Pick<InboundMessage, 'channel' | 'threadTicketId' | 'continueOpenTicket'>, now: Date): Promise<{ ticket: ThreadTicket | null; followUpOf: number | null }> {
    if (msg.threadTicketId !== undefined) {
      let hinted = await store.lockTicket(msg.threadTicketId);
      for (let hops = 0; hinted?.status === 'merged' && hinted.mergedIntoId && hops < 5; hops++) {
        hinted = await store.lockTicket(hinted.mergedIntoId);
      }
      // Only the ticket's own member or a participant (Cc'd by the member) may continue it: a hint never hijacks someone else's conversation.
      const mayContinue = hinted !== null && (hinted.memberId === memberId || (senderIndex !== null && (await store.isParticipant(hinted.id, senderIndex))));
      if (hinted && mayContinue) {
        if (LIVE.includes(hinted.status)) return { ticket: hinted, followUpOf: null };
        const window = (this.deps.reopenWindowDays ?? 7) * 86_400_000;
        if (hinted.status === 'solved' && hinted.solvedAt && now.getTime() - hinted.solvedAt.getTime() <= window) return { ticket: hinted, followUpOf: null };
        if (hinted.status === 'solved' || hinted.status === 'closed') return { ticket: null, followUpOf: hinted.id };
      }
    }
    return { ticket: msg.continueOpenTicket === false ? null : await store.lockOpenTicket(memberId, msg.channel), followUpOf: null };
  }

  private async threadAsEntity(m: EntityManager, store: TicketStore, memberId: number): Promise<Ticket | null> {
    const open = await store.lockOpenTicket(memberId, 'phone');
    return open ? m.findOneByOrFail(Ticket, { id: open.id }) : null;
  }

  /**
   * The first of the hints (triage's department, the channel's) that exists, else the default one. Cached briefly: this runs for every
   * new ticket, and departments change rarely (a new default applies within seconds).
   */
  private async routeDepartment(store: TicketStore, hints: Array<number | null | undefined>): Promise<number> {
    const now = Date.now();
    for (const hint of hints) {
      if (hint === undefined || hint === null) continue;
      if ((this.knownDepartments.get(hint) ?? 0) > now) return hint;
      if (await store.departmentExists(hint)) {
        this.knownDepartments.set(hint, now + 30_000);
        return hint;
      }
    }
    if (this.defaultDepartment && this.defaultDepartment.until > now) return this.defaultDepartment.id;
    const id = await store.defaultDepartment();
    if (id === null) throw new ConflictError('NO_DEPARTMENT', 'no department exists to route tickets to; create one first');
    this.defaultDepartment = { id, until: now + 5_000 };
    return id;
  }

  private async insertDelivery(m: EntityManager, ticket: Ticket, messageId: number, now: Date): Promise<void> {
    await TicketStore.of(m, this.db.engine).insertDelivery({ channel: ticket.channel, ticketId: ticket.id }, messageId, now);
  }

  private async writeEvents(m: EntityManager, ticketId: number, actor: Actor, events: PendingEvent[], now: Date): Promise<void> {
    await this.record(sqlSession(m, this.db.engine), ticketId, actor, events, now);
  }

  /** The change's history rows, then the hook that derives from them (SLA), in the same transaction. */
  private async record(sql: SqlSession, ticketId: number, actor: Actor, events: PendingEvent[], now: Date): Promise<void> {
    await new TicketStore(sql).insertEvents(ticketId, actor, events, now);
    if (this.deps.onEvents && events.length) await this.deps.onEvents(sql, ticketId, events, now);
  }

  private async assertAssignable(m: EntityManager, agentId: number, departmentId: number): Promise<void> {
    const agent = await m.findOneBy(Agent, { id: agentId });
    if (!agent || !agent.active) throw new UnprocessableError('UNKNOWN_AGENT', `agent ${agentId} does not exist or is inactive`, { field: 'assigneeId' });
    if (agent.role !== 'admin' && !(await m.existsBy(AgentDepartment, { agentId, departmentId }))) {
      throw new UnprocessableError('ASSIGNEE_NOT_IN_DEPARTMENT', `agent ${agentId} does not work in this ticket's department`, { field: 'assigneeId' });
    }
  }

  private async lockVisible(m: EntityManager, p: Principal, ticketId: number): Promise<Ticket> {
    const ticket = await this.db.forUpdate(m.createQueryBuilder(Ticket, 't').where('t.id = :id', { id: ticketId })).getOne();
    // Same answer for "does not exist" and "not yours": no existence leak across departments or stores.
    if (!ticket || !(await ticketVisible(m, p, ticket))) throw new NotFoundError('ticket');
    return ticket;
  }

  /** The ticket's member id, when the principal may see the ticket. */
  private async assertVisible(p: Principal, ticketId: number): Promise<number> {
    const memberId = await this.db.read(async (m) => {
      const ticket = await m.findOne(Ticket, { where: { id: ticketId }, select: { id: true, departmentId: true, memberId: true } });
      return ticket !== null && (await ticketVisible(m, p, ticket)) ? ticket.memberId : null;
    });
    if (memberId === null) throw new NotFoundError('ticket');
    return memberId;
  }

  private notify(deliveries: number, changes: TicketChange[]): void {
    try {
      this.deps.afterCommit?.({ ticketIds: [...new Set(changes.map((c) => c.ticketId))], deliveries, changes });
    } catch {
      // A listener's failure must not turn a committed change into an error for the caller.
    }
  }
}

function subjectOf(subject: string | undefined, text: string): string {
  const s = (subject ?? '').trim() || text.trim().split(/\r?\n/)[0] || '(no subject)';
  return s.length > 255 ? `${s.slice(0, 254)}…` : s;
}

function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, '-').slice(0, 40);
}
