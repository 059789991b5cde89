import { storeScoped, type Principal } from '../agents/principal.js';
import type { FiredAlert } from '../../sla/sla.service.js';
import type { Priority } from '../domain.js';
import type { TicketChange } from '../tickets/ticket.service.js';
import type { Notice } from './contract.js';

/**
 * Who hears what on /agents (docs/realtime.md). Rooms are joined by the server from the token's
 * principal, never by the client, so a broadcast to a ticket's audience reaches exactly the agents who
 * may see it: its department's (for store-bound agents, only its member's store) and admins.
 */
export const ADMINS_ROOM = 'admins';
export const agentRoom = (agentId: number): string => `agent:${agentId}`;
export const ticketRoom = (ticketId: number): string => `ticket:${ticketId}`;

export function principalRooms(p: Principal): string[] {
  if (p.role === 'admin') return [ADMINS_ROOM, agentRoom(p.agentId)];
  if (p.role === 'analyst') return [];
  const rooms = p.departmentIds.flatMap((d) => (storeScoped(p) ? p.stores!.map((s) => `dept:${d}:store:${s}`) : [`dept:${d}`]));
  return [...rooms, ...p.departmentIds.map(colleaguesRoom), agentRoom(p.agentId)];
}

/**
 * Everyone working in a department, whatever their stores: for what is about colleagues, not tickets
 * (presence). Ticket data never goes here: a store-bound agent must not see other stores' members.
 */
export const colleaguesRoom = (departmentId: number): string => `staff:${departmentId}`;

/** The rooms of every agent who may see a ticket in this department, of a member of this home store. */
export function ticketAudience(t: { departmentId: number; homeStore: string | null }): string[] {
  return [ADMINS_ROOM, `dept:${t.departmentId}`, ...(t.homeStore !== null ? [`dept:${t.departmentId}:store:${t.homeStore}`] : [])];
}

/** What a notice needs to know of its ticket. */
export interface NoticeTicket { id: number; number: string; subject: string; priority: Priority; departmentId: number; assigneeId: number | null; homeStore: string | null }

export interface Addressed { rooms: string[]; notice: Notice }

/**
 * The notices a committed change deserves: a new ticket to its department, a member's reply to the
 * assignee, an assignment to the new assignee (unless they assigned it themselves).
 */
export function changeNotices(change: TicketChange, t: NoticeTicket, at: Date): Addressed[] {
  const base = { ticketId: t.id, number: t.number, subject: t.subject, priority: t.priority, departmentId: t.departmentId, at: at.toISOString() };
  const out: Addressed[] = [];
  const types = new Set(change.events.map((e) => e.type));
  if (types.has('ticket.created')) out.push({ rooms: ticketAudience(t), notice: { kind: 'ticket.created', ...base } });
  else if (types.has('message.received') && t.assigneeId !== null) out.push({ rooms: [agentRoom(t.assigneeId)], notice: { kind: 'member.replied', ...base } });
  for (const e of change.events) {
    const to = e.type === 'assignee.changed' ? e.data.to : null;
    if (typeof to === 'number' && !(change.actor.type === 'agent' && change.actor.id === to)) out.push({ rooms: [agentRoom(to)], notice: { kind: 'assigned', ...base } });
    // An unhappy member: the whole department (its supervisors among them) sees the follow-up it must do.
    if (e.type === 'followup.created' && e.data.reason === 'low_rating') out.push({ rooms: ticketAudience(t), notice: { kind: 'follow_up', ...base, rating: Number(e.data.rating) } });
    // A follow-up fell due: its assignee, else the department's queue (docs/follow-ups.md).
    if (e.type === 'followup.due') {
      const to = typeof e.data.assigneeId === 'number' ? [agentRoom(e.data.assigneeId)] : ticketAudience(t);
      out.push({ rooms: to, notice: { kind: 'follow_up_due', ...base, followUpId: Number(e.data.followUpId) } });
    }
  }
  return out;
}

/** An SLA alert: warnings and first breaches to the department, each escalation level to its contact, urgent tickets to the department. */
export function alertNotices(a: FiredAlert, t: NoticeTicket): Addressed[] {
  const base = { ticketId: t.id, number: t.number, subject: t.subject, priority: t.priority, departmentId: t.departmentId, at: a.firedAt.toISOString() };
  const contact = a.contactAgentId !== null ? [{ rooms: [agentRoom(a.contactAgentId)], notice: { kind: 'escalation' as const, ...base, metric: a.metric, level: a.level } }] : [];
  if (a.kind === 'urgent') return [{ rooms: ticketAudience(t), notice: { kind: 'urgent', ...base } }, ...contact];
  if (a.kind === 'warning') return [{ rooms: ticketAudience(t), notice: { kind: 'sla.warning', ...base, metric: a.metric } }];
  if (a.level <= 1) return [{ rooms: ticketAudience(t), notice: { kind: 'sla.breach', ...base, metric: a.metric, level: a.level } }, ...contact];
  return contact;
}
