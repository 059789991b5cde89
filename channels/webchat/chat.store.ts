import { In, type EntityManager } from 'typeorm';
import type { Database } from '../../server/db/database.js';
import { Agent, AgentDepartment, Member, MemberIdentity, Message, Survey, Ticket } from '../../server/db/entities/index.js';
import { identityAad } from '../../server/members/identity.js';
import type { PiiVault } from '../../server/security/pii-vault.js';
import { THREADABLE } from '../../server/tickets/status.js';

/** One line of the conversation as the widget shows it (docs/webchat.md, `chat:message`). */
export interface ChatMessageView {
  id: number;
  author: 'member' | 'agent' | 'system';
  agentName?: string;
  text: string;
  createdAt: string;
  /** Names of files an agent attached (the files themselves stay in the console). */
  attachments?: string[];
  /** A satisfaction survey prompt: the widget shows 1–5 stars under it until it is answered (docs/surveys.md). */
  survey?: { id: number; status: string; rating: number | null };
}

export interface ChatTicket { id: number; number: string; memberId: number; departmentId: number; language: string | null; firstResponseDueAt: Date | null }

/** What the widget may show of a ticket: its public lines, never internal notes, call logs or transcript requests. */
function shownToMember(m: Message): boolean {
  return m.visibility === 'public' && m.channel !== 'phone' && m.meta?.['transcript'] !== true;
}

/**
 * The reads and the one write of the web chat channel. Kept beside the channel because they are its
 * protocol's (history, presence of agents, transcript requests), not ticket rules.
 */
export class ChatStore {
  constructor(private readonly db: Database, private readonly vault: PiiVault) {}

  /** The member's live web-chat ticket (the conversation the widget continues), newest first. */
  async openTicket(memberId: number): Promise<ChatTicket | null> {
    const t = await this.db.read((m) => m.findOne(Ticket, {
      where: { memberId, channel: 'webchat', status: In([...THREADABLE]) }, order: { lastMessageAt: 'DESC', id: 'DESC' },
      select: { id: true, number: true, memberId: true, departmentId: true, language: true, firstResponseDueAt: true },
    }));
    return t ? chatTicket(t) : null;
  }

  async ticket(id: number): Promise<ChatTicket | null> {
    const t = await this.db.read((m) => m.findOne(Ticket, {
      where: { id }, select: { id: true, number: true, memberId: true, departmentId: true, language: true, firstResponseDueAt: true },
    }));
    return t ? chatTicket(t) : null;
  }

  /** The last `limit` lines the member may see, oldest first. */
  async history(ticketId: number, limit = 100): Promise<ChatMessageView[]> {
    return this.db.read(async (m) => {
      const rows = (await m.find(Message, { where: { ticketId, visibility: 'public' }, order: { id: 'DESC' }, take: limit * 2 }))
        .filter(shownToMember).slice(0, limit).reverse();
      return this.views(rows, await agentNames(m, rows), await surveyStates(m, rows));
    });
  }

  /** One message as pushed to the widget (an agent's reply at send time). */
  async view(messageId: number): Promise<ChatMessageView | null> {
    return this.db.read(async (m) => {
      const row = await m.findOneBy(Message, { id: messageId });
      if (!row || !shownToMember(row)) return null;
      return this.views([row], await agentNames(m, [row]), await surveyStates(m, [row]))[0] ?? null;
    });
  }

  /**
   * The prompt of the member's unanswered web-chat survey, when their conversation is solved (no open ticket to show):
   * a visitor who reloads the page before rating still sees the stars.
   */
  async pendingSurvey(memberId: number, now: Date): Promise<ChatMessageView | null> {
    return this.db.read(async (m) => {
      const survey = await m.createQueryBuilder(Survey, 's').where("s.memberId = :memberId AND s.channel = 'webchat' AND s.status = 'sent' AND s.expiresAt > :now", { memberId, now })
        .orderBy('s.id', 'DESC').getOne();
      if (!survey) return null;
      const prompts = (await m.find(Message, { where: { ticketId: survey.ticketId, authorType: 'system', channel: 'webchat' }, order: { id: 'DESC' }, take: 20 }))
        .filter((r) => surveyOf(r) === survey.id);
      const latest = prompts[0];
      return latest ? this.views([latest], new Map(), new Map([[survey.id, { status: survey.status, rating: survey.rating }]]))[0] ?? null : null;
    });
  }

  /** Whether some agent is online in the department (or, without one, anywhere) to answer now. */
  async agentsOnline(departmentId: number | null): Promise<boolean> {
    return this.db.read(async (m) => {
      const qb = m.createQueryBuilder(Agent, 'a')
        .where("a.active = :active AND a.presence = 'online' AND a.role <> 'analyst'", { active: true });
      if (departmentId !== null) qb.innerJoin(AgentDepartment, 'ad', 'ad.agentId = a.id AND ad.departmentId = :dept', { dept: departmentId });
      return (await qb.getCount()) > 0;
    });
  }

  /** The member's email address, decrypted in memory only now (a send); none when absent or known to bounce. */
  async emailOf(memberId: number): Promise<string | null> {
    return this.db.read(async (m) => {
      const identity = await m.findOne(MemberIdentity, { where: { memberId, kind: 'email' }, order: { id: 'DESC' } });
      if (!identity || identity.bouncedAt) return null;
      const member = await m.findOneBy(Member, { id: memberId });
      if (!member) return null;
      return this.vault.decrypt(this.vault.unwrap(member.wrappedKey), identity.valueEnc, identityAad(memberId, 'email'));
    });
  }

  /** An address sealed under the member's own data key (erasing the member makes it unreadable too). */
  async sealForMember(memberId: number, value: string): Promise<string> {
    const member = await this.db.read((m) => m.findOneByOrFail(Member, { id: memberId }));
    return this.vault.encrypt(this.vault.unwrap(member.wrappedKey), value, transcriptAad(memberId));
  }

  async unsealForMember(memberId: number, sealed: string): Promise<string> {
    const member = await this.db.read((m) => m.findOneByOrFail(Member, { id: memberId }));
    return this.vault.decrypt(this.vault.unwrap(member.wrappedKey), sealed, transcriptAad(memberId));
  }

  /** The visitor's language as their widget last said it (their newest chat line), for what we write to them. */
  async memberLocale(ticketId: number): Promise<string | null> {
    const row = await this.db.read((m) => m.findOne(Message, { where: { ticketId, channel: 'webchat', direction: 'inbound' }, order: { id: 'DESC' } }));
    const locale = row?.meta?.['locale'];
    return typeof locale === 'string' ? locale : null;
  }

  /** The public thread up to (not including) a message: what a transcript contains. */
  async transcriptLines(ticketId: number, beforeMessageId: number): Promise<Array<ChatMessageView & { at: Date }>> {
    return this.db.read(async (m) => {
      const rows = (await m.find(Message, { where: { ticketId, visibility: 'public' }, order: { id: 'ASC' } }))
        .filter((r) => r.id < beforeMessageId && shownToMember(r));
      const names = await agentNames(m, rows);
      return this.views(rows, names).map((v, i) => ({ ...v, at: rows[i]!.createdAt }));
    });
  }

  private views(rows: Message[], names: Map<number, string>, surveys = new Map<number, { status: string; rating: number | null }>()): ChatMessageView[] {
    return rows.map((r) => {
      const surveyId = surveyOf(r);
      const survey = surveyId !== null ? surveys.get(surveyId) : undefined;
      const author = r.direction === 'inbound' ? 'member' : r.authorType === 'agent' ? 'agent' : 'system';
      const agentName = author === 'agent' && r.authorAgentId !== null ? names.get(r.authorAgentId) : undefined;
      return {
        id: r.id, author, ...(agentName ? { agentName } : {}), text: r.text, createdAt: r.createdAt.toISOString(),
        ...(r.attachments?.length ? { attachments: r.attachments.map((a) => a.name) } : {}),
        ...(survey && surveyId !== null ? { survey: { id: surveyId, ...survey } } : {}),
      };
    });
  }
}

function surveyOf(r: Message): number | null {
  const id = (r.meta?.['survey'] as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

/** Where each survey prompt among the rows stands now (answered prompts show their rating, not stars). */
async function surveyStates(m: EntityManager, rows: Message[]): Promise<Map<number, { status: string; rating: number | null }>> {
  const ids = [...new Set(rows.map(surveyOf).filter((id): id is number => id !== null))];
  if (!ids.length) return new Map();
  const found = await m.find(Survey, { where: { id: In(ids) }, select: { id: true, status: true, rating: true } });
  return new Map(found.map((s) => [s.id, { status: s.status, rating: s.rating }]));
}

async function agentNames(m: EntityManager, rows: Message[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.authorAgentId).filter((id): id is number => id !== null))];
  if (!ids.length) return new Map();
  const agents = await m.find(Agent, { where: { id: In(ids) }, select: { id: true, name: true } });
  return new Map(agents.map((a) => [a.id, a.name]));
}

function chatTicket(t: Ticket): ChatTicket {
  return { id: t.id, number: t.number ?? '', memberId: t.memberId, departmentId: t.departmentId, language: t.language, firstResponseDueAt: t.firstResponseDueAt };
}

function transcriptAad(memberId: number): string {
  return `member:${memberId}:webchat-transcript`;
}
