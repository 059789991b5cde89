import type { EntityManager } from 'typeorm';
import type { Engine } from '../db/data-source.js';
import { sqlSession, toDate, type SqlSession } from '../db/sql-session.js';
import type { StoredAttachment } from '../../channels/channel.js';
import type { AuthorType, Channel, Priority, TicketStatus, TicketType } from '../domain.js';
import { formatTicketNumber, THREADABLE } from './status.js';
import type { StoredLabels } from '../triage/retriage.js';

/** The columns threading and the ingest path need of a ticket. */
export interface ThreadTicket {
  id: number;
  number: string;
  status: TicketStatus;
  memberId: number;
  mergedIntoId: number | null;
  lastMessageAt: Date;
  solvedAt: Date | null;
  /** Read with the lock: re-triage of a continued ticket needs them, and this saves a query per message. */
  subject: string;
  labels: StoredLabels;
}

export interface NewTicket {
  channel: Channel; memberId: number; departmentId: number; subject: string;
  type: TicketType; category: string; priority: Priority; triage: Record<string, unknown> | null; lastMessageAt: Date;
  language?: string | null; tags?: string[];
}

export interface NewMessage {
  ticketId: number; direction: 'inbound' | 'outbound'; visibility: 'public' | 'internal'; channel: Channel;
  authorType: AuthorType; authorAgentId?: number | null; authorMemberId?: number | null;
  text: string; html: string | null; externalId: string | null; meta: Record<string, unknown> | null;
  deliveryState?: 'pending' | null; createdAt: Date;
  attachments?: StoredAttachment[] | null; rfcMessageId?: string | null;
}

export interface PendingEvent { type: string; data: Record<string, unknown> }

const THREAD_COLUMNS = 'id, number, status, memberId, mergedIntoId, lastMessageAt, solvedAt, subject, type, category, priority, language, labelsConfirmed, triage';
const LIVE_LIST = THREADABLE.map((s) => `'${s}'`).join(', ');

/**
 * The statements of the ingest path, hand-written (see SqlSession). Rows that threading decides on
 * are read FOR UPDATE on MySQL, so an agent's concurrent solve or merge is seen, not overwritten.
 */
export class TicketStore {
  constructor(private readonly sql: SqlSession) {}

  static of(m: EntityManager, engine: Engine): TicketStore {
    return new TicketStore(sqlSession(m, engine));
  }

  async findMessage(channel: Channel, externalId: string): Promise<{ id: number; ticketId: number; number: string } | null> {
    const [row] = await this.sql.rows<{ id: number; ticketId: number; number: string }>(
      'SELECT msg.id AS id, msg.ticketId AS ticketId, t.number AS number FROM message msg JOIN ticket t ON t.id = msg.ticketId WHERE msg.channel = ? AND msg.externalId = ?',
      [channel, externalId]);
    return row ? { id: Number(row.id), ticketId: Number(row.ticketId), number: row.number } : null;
  }

  async lockTicket(id: number): Promise<ThreadTicket | null> {
    const [row] = await this.sql.rows<Record<string, unknown>>(`SELECT ${THREAD_COLUMNS} FROM ticket WHERE id = ? FOR UPDATE`, [id]);
    return row ? threadTicket(row) : null;
  }

  /** The member's newest live ticket on a channel, locked. */
  async lockOpenTicket(memberId: number, channel: Channel): Promise<ThreadTicket | null> {
    const [row] = await this.sql.rows<Record<string, unknown>>(
      `SELECT ${THREAD_COLUMNS} FROM ticket WHERE memberId = ? AND channel = ? AND status IN (${LIVE_LIST}) ORDER BY lastMessageAt DESC, id DESC LIMIT 1 FOR UPDATE`,
      [memberId, channel]);
    return row ? threadTicket(row) : null;
  }

  async isParticipant(ticketId: number, blindIndex: string): Promise<boolean> {
    return (await this.sql.rows('SELECT ticketId FROM ticket_participant WHERE ticketId = ? AND blindIndex = ?', [ticketId, blindIndex])).length > 0;
  }

  async addParticipants(ticketId: number, people: Array<{ blindIndex: string; masked: string }>, now: Date): Promise<void> {
    for (const p of people) {
      if (await this.isParticipant(ticketId, p.blindIndex)) continue;
      await this.sql.run('INSERT INTO ticket_participant (ticketId, blindIndex, masked, createdAt) VALUES (?, ?, ?, ?)', [ticketId, p.blindIndex, p.masked, now]);
    }
  }

  async departmentExists(id: number): Promise<boolean> {
    return (await this.sql.rows('SELECT id FROM department WHERE id = ?', [id])).length > 0;
  }

  async defaultDepartment(): Promise<number | null> {
    const [row] = await this.sql.rows<{ id: number }>('SELECT id FROM department ORDER BY isDefault DESC, id ASC LIMIT 1');
    return row ? Number(row.id) : null;
  }

  async insertTicket(t: NewTicket, now: Date): Promise<ThreadTicket> {
    const { insertId } = await this.sql.run(
      'INSERT INTO ticket (type, category, priority, status, channel, memberId, departmentId, subject, tags, triage, language, lastMessageAt, createdAt, updatedAt) '
        + "VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [t.type, t.category, t.priority, t.channel, t.memberId, t.departmentId, t.subject, JSON.stringify(t.tags ?? []),
        t.triage ? JSON.stringify(t.triage) : null, t.language ?? null, t.lastMessageAt, now, now]);
    const number = formatTicketNumber(insertId);
    await this.sql.run('UPDATE ticket SET number = ? WHERE id = ?', [number, insertId]);
    return {
      id: insertId, number, status: 'new', memberId: t.memberId, mergedIntoId: null, lastMessageAt: t.lastMessageAt, solvedAt: null, subject: t.subject,
      labels: { type: t.type, category: t.category, priority: t.priority, language: t.language ?? null, labelsConfirmed: false, triage: t.triage },
    };
  }

  async insertMessage(msg: NewMessage): Promise<number> {
    const { insertId } = await this.sql.run(
      'INSERT INTO message (ticketId, direction, visibility, channel, authorType, authorAgentId, authorMemberId, text, html, externalId, deliveryState, meta, attachments, rfcMessageId, createdAt) '
        + 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [msg.ticketId, msg.direction, msg.visibility, msg.channel, msg.authorType, msg.authorAgentId ?? null, msg.authorMemberId ?? null,
        msg.text, msg.html, msg.externalId, msg.deliveryState ?? null, msg.meta ? JSON.stringify(msg.meta) : null,
        msg.attachments?.length ? JSON.stringify(msg.attachments) : null, msg.rfcMessageId ?? null, msg.createdAt]);
    return insertId;
  }

  /** The member's first words on a ticket: with its subject, what a correction teaches the model. */
  async firstMemberText(id: number): Promise<string> {
    const [row] = await this.sql.rows<{ text: string }>("SELECT text FROM message WHERE ticketId = ? AND direction = 'inbound' ORDER BY id LIMIT 1", [id]);
    return row?.text ?? '';
  }

  async updateTriage(id: number, t: { type: TicketType; category: string; priority: Priority; language: string | null; triage: Record<string, unknown> }): Promise<void> {
    await this.sql.run('UPDATE ticket SET type = ?, category = ?, priority = ?, language = ?, triage = ? WHERE id = ?',
      [t.type, t.category, t.priority, t.language, JSON.stringify(t.triage), id]);
  }

  async setAssignee(id: number, agentId: number | null): Promise<void> {
    await this.sql.run('UPDATE ticket SET assigneeId = ? WHERE id = ?', [agentId, id]);
  }

  async touchTicket(id: number, status: TicketStatus, lastMessageAt: Date, now: Date, reopened = false): Promise<void> {
    if (reopened) await this.sql.run('UPDATE ticket SET status = ?, lastMessageAt = ?, updatedAt = ?, solvedAt = NULL, reopenCount = reopenCount + 1 WHERE id = ?', [status, lastMessageAt, now, id]);
    else await this.sql.run('UPDATE ticket SET status = ?, lastMessageAt = ?, updatedAt = ? WHERE id = ?', [status, lastMessageAt, now, id]);
  }

  /**
   * A public message no agent wrote (an acknowledgement, a survey prompt, a decision), marked `automatic` (no SLA
   * clock stops; mail carries Auto-Submitted), with the delivery row that sends it after commit. Returns its id.
   */
  async insertAutomaticMessage(m: { ticketId: number; channel: Channel; text: string; meta?: Record<string, unknown> }, now: Date): Promise<number> {
    const id = await this.insertMessage({
      ticketId: m.ticketId, direction: 'outbound', visibility: 'public', channel: m.channel, authorType: 'system', text: m.text, html: null,
      externalId: null, createdAt: now, deliveryState: 'pending', meta: { ...m.meta, automatic: true },
    });
    await this.insertDelivery({ channel: m.channel, ticketId: m.ticketId }, id, now);
    return id;
  }

  /** The outbox row that sends a message on its channel after commit (server/delivery). */
  async insertDelivery(t: { channel: Channel; ticketId: number }, messageId: number, now: Date): Promise<void> {
    await this.sql.run("INSERT INTO delivery (channel, ticketId, messageId, status, attempts, nextAttemptAt, createdAt) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
      [t.channel, t.ticketId, messageId, now, now]);
  }

  async insertEvents(ticketId: number, actor: { type: AuthorType; id: number | null }, events: PendingEvent[], now: Date): Promise<void> {
    if (!events.length) return;
    await this.sql.run(
      `INSERT INTO ticket_event (ticketId, type, actorType, actorId, data, createdAt) VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      events.flatMap((e) => [ticketId, e.type, actor.type, actor.id, JSON.stringify(e.data), now]));
  }
}

function threadTicket(row: Record<string, unknown>): ThreadTicket {
  return {
    id: Number(row.id), number: String(row.number), status: row.status as TicketStatus, memberId: Number(row.memberId),
    mergedIntoId: row.mergedIntoId === null ? null : Number(row.mergedIntoId), lastMessageAt: toDate(row.lastMessageAt),
    solvedAt: row.solvedAt === null || row.solvedAt === undefined ? null : toDate(row.solvedAt),
    subject: String(row.subject),
    labels: {
      type: row.type as TicketType, category: String(row.category), priority: row.priority as Priority, language: (row.language as string | null) ?? null,
      labelsConfirmed: Boolean(Number(row.labelsConfirmed)),
      triage: typeof row.triage === 'string' ? JSON.parse(row.triage) : (row.triage as Record<string, unknown> | null) ?? null,
    },
  };
}
