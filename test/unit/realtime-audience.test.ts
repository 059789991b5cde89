import { expect } from 'chai';
import { alertNotices, changeNotices, principalRooms, ticketAudience, type NoticeTicket } from '../../server/realtime/audience.js';
import type { FiredAlert } from '../../sla/sla.service.js';
import { earliestClock, type Deadlines } from '../../sla/clocks.js';

const ticket: NoticeTicket = { id: 7, number: 'MD-000007', subject: 'Refund', priority: 'high', departmentId: 3, assigneeId: 21, homeStore: 'SH-001' };
const at = new Date('2026-11-23T08:00:00Z');
const alert = (over: Partial<FiredAlert>): FiredAlert => ({
  alertId: 1, ticketId: 7, metric: 'first_response', cycle: 0, kind: 'breach', level: 1, departmentId: 3, contactAgentId: 5, dueAt: at, firedAt: at, ...over,
});

describe('realtime audience (who hears what)', () => {
  it('puts an agent in their departments\' rooms, a store-bound one only in their stores\' rooms, an admin in the admins room, an analyst nowhere', () => {
    expect(principalRooms({ agentId: 1, role: 'agent', departmentIds: [3, 4] })).to.deep.equal(['dept:3', 'dept:4', 'staff:3', 'staff:4', 'agent:1']);
    expect(principalRooms({ agentId: 2, role: 'supervisor', departmentIds: [3], stores: ['SH-001', 'BJ-002'] })).to.deep.equal(['dept:3:store:SH-001', 'dept:3:store:BJ-002', 'staff:3', 'agent:2']);
    expect(principalRooms({ agentId: 3, role: 'admin', departmentIds: [], stores: ['SH-001'] })).to.deep.equal(['admins', 'agent:3']);
    expect(principalRooms({ agentId: 4, role: 'analyst', departmentIds: [3] })).to.deep.equal([]);
  });

  it('addresses a ticket to its department, its member\'s store within it, and admins; a member without a store reaches no store-bound agent', () => {
    expect(ticketAudience(ticket)).to.deep.equal(['admins', 'dept:3', 'dept:3:store:SH-001']);
    expect(ticketAudience({ departmentId: 3, homeStore: null })).to.deep.equal(['admins', 'dept:3']);
  });

  it('announces a new ticket to the department, a member\'s reply to the assignee, an assignment to the assignee unless they took it themselves', () => {
    const created = changeNotices({ ticketId: 7, actor: { type: 'member', id: 9 }, events: [{ type: 'ticket.created', data: {} }, { type: 'message.received', data: { messageId: 1 } }] }, ticket, at);
    expect(created.map((a) => [a.notice.kind, a.rooms])).to.deep.equal([['ticket.created', ['admins', 'dept:3', 'dept:3:store:SH-001']]]);
    const replied = changeNotices({ ticketId: 7, actor: { type: 'member', id: 9 }, events: [{ type: 'message.received', data: { messageId: 2 } }] }, ticket, at);
    expect(replied.map((a) => [a.notice.kind, a.rooms])).to.deep.equal([['member.replied', ['agent:21']]]);
    expect(changeNotices({ ticketId: 7, actor: { type: 'member', id: 9 }, events: [{ type: 'message.received', data: {} }] }, { ...ticket, assigneeId: null }, at)).to.deep.equal([]);
    const assigned = changeNotices({ ticketId: 7, actor: { type: 'agent', id: 1 }, events: [{ type: 'assignee.changed', data: { from: null, to: 21 } }] }, ticket, at);
    expect(assigned.map((a) => [a.notice.kind, a.rooms])).to.deep.equal([['assigned', ['agent:21']]]);
    expect(changeNotices({ ticketId: 7, actor: { type: 'agent', id: 21 }, events: [{ type: 'assignee.changed', data: { from: null, to: 21 } }] }, ticket, at)).to.deep.equal([]);
  });

  it('sends warnings and first-level breaches to the department, each escalation level to its contact, urgent tickets to both', () => {
    const kinds = (a: FiredAlert) => alertNotices(a, ticket).map((x) => [x.notice.kind, x.rooms, x.notice.level ?? null]);
    expect(kinds(alert({ kind: 'warning', level: 0, contactAgentId: null }))).to.deep.equal([['sla.warning', ['admins', 'dept:3', 'dept:3:store:SH-001'], null]]);
    expect(kinds(alert({}))).to.deep.equal([['sla.breach', ['admins', 'dept:3', 'dept:3:store:SH-001'], 1], ['escalation', ['agent:5'], 1]]);
    expect(kinds(alert({ level: 2, contactAgentId: 6 }))).to.deep.equal([['escalation', ['agent:6'], 2]]);
    expect(kinds(alert({ kind: 'urgent', metric: 'ticket' }))).to.deep.equal([['urgent', ['admins', 'dept:3', 'dept:3:store:SH-001'], null], ['escalation', ['agent:5'], 1]]);
  });
});

describe('earliestClock (the queue\'s deadline)', () => {
  const d = (iso: string | null) => ({ dueAt: iso ? new Date(iso) : null, warnAt: iso ? new Date(new Date(iso).getTime() - 60_000) : null, cycle: 0 });
  it('takes the running clock due first, a passed one included, and none when no clock runs', () => {
    const clocks: Deadlines = { first_response: d('2026-11-23T10:00:00Z'), next_response: d(null), resolution: d('2026-11-23T09:00:00Z') };
    expect(earliestClock(clocks)?.dueAt?.toISOString()).to.equal('2026-11-23T09:00:00.000Z');
    expect(earliestClock({ first_response: d(null), next_response: d(null), resolution: d(null) })).to.equal(null);
  });
});
