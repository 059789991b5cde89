import { splitQuoted } from '../../channels/email/quote.js';
import { seesAllDepartments, type Principal } from '../agents/principal.js';
import { storeCondition, ticketVisible } from './ticket-access.js';
import type { Database } from '../db/database.js';
import { Message, Ticket, TicketEvent } from '../db/entities/index.js';
import type { Channel, Priority, TicketStatus, TicketType } from '../domain.js';
import { NotFoundError } from '../errors.js';
import { escapeLike, type MemberService, type MemberView } from '../members/member.service.js';
import { decodeCursor, encodeCursor, type Page } from '../pagination.js';

export const TICKET_SORTS = ['updatedAt', '-updatedAt', 'createdAt', '-createdAt', 'lastMessageAt', '-lastMessageAt'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export interface TicketFilter {
  status?: TicketStatus[];
  departmentId?: number;
  assigneeId?: number | 'none';
  memberId?: number;
  channel?: Channel;
  priority?: Priority;
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
}

export interface MessageView {
  id: number;
  direction: string;
  visibility: string;
  channel: Channel;
  author: { type: string; agentId: number | null; memberId: number | null };
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

  async list(p: Principal, f: TicketFilter): Promise<Page<TicketView>> {
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
      if (f.type) qb.andWhere('t.type = :type', { type: f.type });
      if (f.category) qb.andWhere('t.category = :category', { category: f.category });
      if (f.language) qb.andWhere('t.language = :language', { language: f.language });
      if (f.q) {
        const q = f.q.trim();
        qb.andWhere("(t.subject LIKE :q ESCAPE '!' OR t.number = :num)", { q: `%${escapeLike(q)}%`, num: q.toUpperCase() });
      }
      const desc = f.sort.startsWith('-');
      const key = sortKey(f.sort.replace(/^-/, '') as SortField, this.db.engine);
      const after = decodeCursor(f.cursor);
      if (after) {
        const cmp = desc ? '<' : '>';
        if (key.column === 'id') qb.andWhere(`t.id ${cmp} :cid`, { cid: after[1] });
        else qb.andWhere(`(${key.expr} ${cmp} ${key.param} OR (${key.expr} = ${key.param} AND t.id ${cmp} :cid))`, { cv: new Date(String(after[0])), cid: after[1] });
      }
      if (key.column !== 'id') qb.orderBy(`t.${key.column}`, desc ? 'DESC' : 'ASC');
      const rows = await qb.addOrderBy('t.id', desc ? 'DESC' : 'ASC').limit(f.limit + 1).getMany();
      const page = rows.slice(0, f.limit);
      const members = await this.members.views(m, page.map((t) => t.memberId));
      const last = page.at(-1);
      return {
        items: page.map((t) => ticketView(t, members.get(t.memberId) ?? null)),
        nextCursor: rows.length > f.limit && last ? encodeCursor([key.column === 'id' ? null : last[key.column].toISOString(), last.id]) : null,
      };
    });
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
      return { ...ticketView(ticket, members.get(ticket.memberId) ?? null), messages: messages.map(messageView) };
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
  };
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

function foldQuoted(text: string): { fresh: string; quoted: string | null } {
  const { fresh, quoted } = splitQuoted(text);
  return { fresh, quoted: quoted.trim() ? quoted : null };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
