import { splitQuoted } from '../../channels/email/quote.js';
import { seesAllDepartments, type Principal } from '../agents/principal.js';
import { storeCondition, ticketVisible } from './ticket-access.js';
import type { Database } from '../db/database.js';
import { Agent, Message, Ticket, TicketEvent, TicketRead } from '../db/entities/index.js';
import type { Channel, Priority, Tier, TicketStatus, TicketType } from '../domain.js';
import { NotFoundError } from '../errors.js';
import { In, type EntityManager } from 'typeorm';
import { escapeLike, type MemberService, type MemberView } from '../members/member.service.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';

/** `sla`: the earliest running SLA deadline first (breached ones at the top), tickets without one last. */
export const TICKET_SORTS = ['updatedAt', '-updatedAt', 'createdAt', '-createdAt', 'lastMessageAt', '-lastMessageAt', 'sla'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export interface TicketFilter {
  status?: TicketStatus[];
  departmentId?: number;
  assigneeId?: number | 'none';
  memberId?: number;
  channel?: Channel;
  priority?: Priority;
  tier?: Tier;
  type?: TicketType;
  category?: string;
  language?: string;
  q?: string;
  sort: TicketSort;
  cursor?: string;
  limit: number;
}

export interface TicketView {
  id: number;
  number: string;
  type: string;
  category: string;
  priority: Priority;
  status: TicketStatus;
  channel: Channel;
  subject: string;
  tags: string[];
  departmentId: number;
  assigneeId: number | null;
  member: MemberView | null;
  triage: Record<string, unknown> | null;
  /** Detected language of the member's words (zh-Hans, zh-Hant, en, other). */
  language: string | null;
  /** An agent set or confirmed type and category. */
  labelsConfirmed: boolean;
  mergedIntoId: number | null;
  firstResponseAt: string | null;
  lastMessageAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The SLA clock due first (GET /tickets/:id adds every clock to this): the queue's order and countdown. */
  sla: SlaDue | null;
}

export interface SlaDue {
  dueAt: string;
  /** When the warning fires (amber from then on). */
  warnAt: string | null;
  /** A target of this ticket was missed (first response, a next response or resolution). */
  breached: boolean;
}

/** A queue row as one agent sees it: when they last opened the ticket, and whether anything happened since. */
export interface QueueItem extends TicketView {
  readAt: string | null;
  unread: boolean;
}

export interface MessageView {
  id: number;
  direction: string;
  visibility: string;
  channel: Channel;
  /** `name`: the agent's, for agents' messages (any department's: the thread shows who wrote). */
  author: { type: string; agentId: number | null; memberId: number | null; name?: string | null };
  text: string;
  html: string | null;
  attachments: unknown[];
  deliveryState: string | null;
  meta: Record<string, unknown> | null;
  createdAt: string;
  /** Email only: the new text and the quoted history below it. */
  fresh?: string;
  quoted?: string | null;
}

export interface EventView { id: number; type: string; actor: { type: string; id: number | null }; data: Record<string, unknown>; createdAt: string }

export class TicketQueries {
  constructor(private readonly db: Database, private readonly members: MemberService) {}

  async list(p: Principal, f: TicketFilter): Promise<Page<QueueItem>> {
    return this.db.read(async (m) => {
      const qb = m.createQueryBuilder(Ticket, 't');
      if (!seesAllDepartments(p)) {
        if (!p.departmentIds.length) return { items: [], nextCursor: null };
        qb.andWhere('t.departmentId IN (:...visible)', { visible: p.departmentIds });
      }
      const stores = storeCondition(p);
      if (stores) qb.andWhere(stores.sql, stores.params);
      if (f.status?.length) qb.andWhere('t.status IN (:...status)', { status: f.status });
      if (f.departmentId !== undefined) qb.andWhere('t.departmentId = :dept', { dept: f.departmentId });
      if (f.assigneeId === 'none') qb.andWhere('t.assigneeId IS NULL');
      else if (f.assigneeId !== undefined) qb.andWhere('t.assigneeId = :assignee', { assignee: f.assigneeId });
      if (f.memberId !== undefined) qb.andWhere('t.memberId = :member', { member: f.memberId });
      if (f.channel) qb.andWhere('t.channel = :channel', { channel: f.channel });
      if (f.priority) qb.andWhere('t.priority = :priority', { priority: f.priority });
      if (f.tier) qb.andWhere('t.memberId IN (SELECT tm.id FROM member tm WHERE tm.tier = :tier)', { tier: f.tier });
      if (f.type) qb.andWhere('t.type = :type', { type: f.type });
      if (f.category) qb.andWhere('t.category = :category', { category: f.category });
      if (f.language) qb.andWhere('t.language = :language', { language: f.language });
      if (f.q) {
        const q = f.q.trim();
        qb.andWhere("(t.subject LIKE :q ESCAPE '!' OR t.number = :num)", { q: `%${escapeLike(q)}%`, num: q.toUpperCase() });
      }
      const after = decodeCursor(f.cursor);
      let cursorOf: (t: Ticket) => string;
      if (f.sort === 'sla') {
        // Deadlines ascending, then the tickets without one; id breaks ties. Keyset on (has deadline, deadline, id).
        const due = this.db.engine === 'sqlite' ? "strftime('%Y-%m-%d %H:%M:%f', t.slaDueAt)" : 't.slaDueAt';
        const param = this.db.engine === 'sqlite' ? "strftime('%Y-%m-%d %H:%M:%f', :cv)" : ':cv';
        if (after && after[0] !== null) {
          qb.andWhere(`(t.slaDueAt IS NULL OR ${due} > ${param} OR (${due} = ${param} AND t.id > :cid))`, { cv: new Date(String(after[0])), cid: after[1] });
        } else if (after) qb.andWhere('t.slaDueAt IS NULL AND t.id > :cid', { cid: after[1] });
        qb.orderBy('CASE WHEN t.slaDueAt IS NULL THEN 1 ELSE 0 END', 'ASC').addOrderBy('t.slaDueAt', 'ASC').addOrderBy('t.id', 'ASC');
        cursorOf = (t) => encodeCursor([t.slaDueAt ? t.slaDueAt.toISOString() : null, t.id]);
      } else {
        const desc = f.sort.startsWith('-');
        const key = sortKey(f.sort.replace(/^-/, '') as SortField, this.db.engine);
        if (after) {
          const cmp = desc ? '<' : '>';
          if (key.column === 'id') qb.andWhere(`t.id ${cmp} :cid`, { cid: after[1] });
          else qb.andWhere(`(${key.expr} ${cmp} ${key.param} OR (${key.expr} = ${key.param} AND t.id ${cmp} :cid))`, { cv: new Date(String(after[0])), cid: after[1] });
        }
        if (key.column !== 'id') qb.orderBy(`t.${key.column}`, desc ? 'DESC' : 'ASC');
        qb.addOrderBy('t.id', desc ? 'DESC' : 'ASC');
        cursorOf = (t) => encodeCursor([key.column === 'id' ? null : t[key.column].toISOString(), t.id]);
      }
      const rows = await qb.limit(f.limit + 1).getMany();
      const page = rows.slice(0, f.limit);
      const [members, reads] = await Promise.all([
        this.members.views(m, page.map((t) => t.memberId)),
        page.length ? m.findBy(TicketRead, { agentId: p.agentId, ticketId: In(page.map((t) => t.id)) }) : Promise.resolve([]),
      ]);
      const readAt = new Map(reads.map((r) => [r.ticketId, r.readAt]));
      const last = page.at(-1);
      return {
        items: page.map((t) => queueItem(ticketView(t, members.get(t.memberId) ?? null), readAt.get(t.id) ?? null)),
        nextCursor: rows.length > f.limit && last ? cursorOf(last) : null,
      };
    });
  }

  /**
   * Tickets as the queue shows them, for pushing to consoles: no principal, since the caller sends each
   * one only to the rooms of agents who may see it. Contacts are masked as in every list.
   */
  async views(ids: number[]): Promise<Map<number, TicketView & { homeStore: string | null }>> {
    if (!ids.length) return new Map();
    return this.db.read(async (m) => {
      const rows = await m.findBy(Ticket, { id: In([...new Set(ids)]) });
      const members = await this.members.views(m, rows.map((t) => t.memberId));
      return new Map(rows.map((t) => {
        const member = members.get(t.memberId) ?? null;
        return [t.id, { ...ticketView(t, member), homeStore: member?.homeStore ?? null }];
      }));
    });
  }

  /** Messages by id, as the thread shows them (internal notes included: for agents only). */
  async messages(ids: number[]): Promise<MessageView[]> {
    if (!ids.length) return [];
    return this.db.read(async (m) => withAuthorNames(m, await m.find(Message, { where: { id: In(ids) }, order: { id: 'ASC' } })));
  }

  /** The agent opened the ticket now: it is read for them until the next message. */
  async markRead(p: Principal, id: number, at: Date): Promise<{ readAt: string }> {
    await this.db.tx(async (m) => {
      const ticket = await m.findOne(Ticket, { where: { id }, select: { id: true, departmentId: true, memberId: true } });
      if (!ticket || !(await ticketVisible(m, p, ticket))) throw new NotFoundError('ticket');
      const upsert = this.db.engine === 'mysql'
        ? 'INSERT INTO ticket_read (agentId, ticketId, readAt) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE readAt = GREATEST(readAt, VALUES(readAt))'
        : 'INSERT INTO ticket_read (agentId, ticketId, readAt) VALUES (?, ?, ?) ON CONFLICT (agentId, ticketId) DO UPDATE SET readAt = MAX(readAt, excluded.readAt)';
      await m.query(upsert, [p.agentId, id, this.db.engine === 'sqlite' ? sqliteTime(at) : at]);
    });
    return { readAt: at.toISOString() };
  }

  /** The ticket and its whole thread. A merged ticket answers with where it went (`mergedIntoId`). */
  async get(p: Principal, id: number): Promise<TicketView & { messages: MessageView[] }> {
    return this.db.read(async (m) => {
      const ticket = await m.findOneBy(Ticket, { id });
      if (!ticket || !(await ticketVisible(m, p, ticket))) throw new NotFoundError('ticket');
      const [messages, members] = await Promise.all([
        m.find(Message, { where: { ticketId: id }, order: { createdAt: 'ASC', id: 'ASC' } }),
        this.members.views(m, [ticket.memberId]),
      ]);
      return { ...ticketView(ticket, members.get(ticket.memberId) ?? null), messages: await withAuthorNames(m, messages) };
    });
  }

  async events(p: Principal, id: number, page: { cursor?: string; limit: number }): Promise<Page<EventView>> {
    return this.db.read(async (m) => {
      const ticket = await m.findOne(Ticket, { where: { id }, select: { id: true, departmentId: true, memberId: true } });
      if (!ticket || !(await ticketVisible(m, p, ticket))) throw new NotFoundError('ticket');
      const after = decodeCursor(page.cursor);
      const qb = m.createQueryBuilder(TicketEvent, 'e').where('e.ticketId = :id', { id });
      if (after) qb.andWhere('e.id > :after', { after: after[1] });
      const rows = await qb.orderBy('e.id', 'ASC').limit(page.limit + 1).getMany();
      const items = rows.slice(0, page.limit);
      const last = items.at(-1);
      return {
        items: items.map((e) => ({ id: e.id, type: e.type, actor: { type: e.actorType, id: e.actorId }, data: e.data, createdAt: e.createdAt.toISOString() })),
        nextCursor: rows.length > page.limit && last ? encodeCursor([null, last.id]) : null,
      };
    });
  }
}

type SortField = 'updatedAt' | 'createdAt' | 'lastMessageAt';

/**
 * Keyset pagination needs exact comparisons. Creation order is id order, so createdAt pages by id.
 * SQLite stores its own timestamp defaults to the second but bound parameters to the millisecond,
 * as text; both sides are brought to one format there.
 */
function sortKey(field: SortField, engine: 'mysql' | 'sqlite'): { column: 'id' | 'updatedAt' | 'lastMessageAt'; expr: string; param: string } {
  if (field === 'createdAt') return { column: 'id', expr: 't.id', param: ':cid' };
  if (engine === 'sqlite') return { column: field, expr: `strftime('%Y-%m-%d %H:%M:%f', t.${field})`, param: "strftime('%Y-%m-%d %H:%M:%f', :cv)" };
  return { column: field, expr: `t.${field}`, param: ':cv' };
}

export function ticketView(t: Ticket, member: MemberView | null): TicketView {
  return {
    id: t.id, number: t.number ?? '', type: t.type, category: t.category, priority: t.priority, status: t.status,
    channel: t.channel, subject: t.subject, tags: t.tags, departmentId: t.departmentId, assigneeId: t.assigneeId,
    member, triage: t.triage, language: t.language, labelsConfirmed: t.labelsConfirmed, mergedIntoId: t.mergedIntoId,
    firstResponseAt: iso(t.firstResponseAt), lastMessageAt: t.lastMessageAt.toISOString(),
    solvedAt: iso(t.solvedAt), closedAt: iso(t.closedAt), createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString(),
    sla: t.slaDueAt ? { dueAt: t.slaDueAt.toISOString(), warnAt: iso(t.slaWarnAt), breached: t.firstResponseBreached || t.nextResponseBreached || t.resolutionBreached } : null,
  };
}

/** Unread: a message came (from anyone) after the agent last opened the ticket, or they never did. */
export function queueItem(t: TicketView, readAt: Date | null): QueueItem {
  return { ...t, readAt: iso(readAt), unread: readAt === null || new Date(t.lastMessageAt).getTime() > readAt.getTime() };
}

/** How SQLite stores datetime(3) values written by TypeORM, so MAX() compares like with like. */
function sqliteTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function messageView(msg: Message): MessageView {
  return {
    id: msg.id, direction: msg.direction, visibility: msg.visibility, channel: msg.channel,
    author: { type: msg.authorType, agentId: msg.authorAgentId, memberId: msg.authorMemberId },
    text: msg.text, html: msg.html, attachments: msg.attachments ?? [], deliveryState: msg.deliveryState, meta: msg.meta,
    createdAt: msg.createdAt.toISOString(),
    // Mail quotes its history below the new text: the console folds `quoted`; `text` keeps everything.
    ...(msg.channel === 'email' && msg.direction === 'inbound' ? foldQuoted(msg.text) : {}),
  };
}

/** Message views with the names of the agents who wrote them. */
async function withAuthorNames(m: EntityManager, messages: Message[]): Promise<MessageView[]> {
  const ids = [...new Set(messages.map((msg) => msg.authorAgentId).filter((id): id is number => id !== null))];
  const names = new Map(ids.length ? (await m.find(Agent, { where: { id: In(ids) }, select: { id: true, name: true } })).map((a) => [a.id, a.name]) : []);
  return messages.map((msg) => {
    const view = messageView(msg);
    return msg.authorAgentId !== null ? { ...view, author: { ...view.author, name: names.get(msg.authorAgentId) ?? null } } : view;
  });
}

function foldQuoted(text: string): { fresh: string; quoted: string | null } {
  const { fresh, quoted } = splitQuoted(text);
  return { fresh, quoted: quoted.trim() ? quoted : null };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
