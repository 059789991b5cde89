import { expect } from 'chai';
import { Ticket, TicketEvent } from '../../server/db/entities/index.js';
import type { AssignmentStrategyName } from '../../server/domain.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

/**
 * Who gets a new ticket (ARCHITECTURE §2 step 5): the department's strategy among online agents,
 * a member's dedicated agent, capacity held under concurrent ingests, and tickets handed back when
 * an agent goes offline.
 */
for (const engine of ENGINES) {
  describe(`assignment [${engine.name}]`, () => {
    let w: TestWorld;
    let seq = 0;
    const ticket = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Ticket, { id }));

    /** A department of its own with `n` agents, all online unless told otherwise. */
    async function team(strategy: AssignmentStrategyName, n: number, o: { capacity?: number | null; reassignOnOffline?: boolean; extraDepartment?: number } = {}) {
      seq++;
      const dept = await w.services.departments.create({ name: `Team ${engine.name} ${seq}`, assignmentStrategy: strategy, reassignOnOffline: o.reassignOnOffline ?? false });
      const agents: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = await w.services.agents.create({
          name: `Team ${seq} agent ${i}`, email: `team${seq}.agent${i}.${engine.name}@test.memberdesk`, password: TEST_PASSWORD,
          departmentIds: o.extraDepartment ? [dept.id, o.extraDepartment] : [dept.id], capacity: o.capacity ?? null,
        });
        await w.services.presence.set(a.id, 'online');
        agents.push(a.id);
      }
      return { dept: dept.id, agents };
    }
    const arrive = (departmentId: number, over: Parameters<typeof inbound>[0] = {}) =>
      w.services.tickets.ingest(inbound({ departmentId, text: 'Hello, a question about my order.', ...over }));
    const assignees = async (ids: number[]) => Promise.all(ids.map(async (id) => (await ticket(id)).assigneeId));

    before(async () => { w = await startWorld(engine); });
    after(async () => { await w.stop(); });

    it('leaves tickets of a manual department in the shared queue', async () => {
      const { dept } = await team('manual', 2);
      const t = await arrive(dept);
      expect((await ticket(t.ticketId)).assigneeId).to.equal(null);
    });

    it('rotates round robin among online agents, skipping one who went offline', async () => {
      const { dept, agents: [a, b, c] } = await team('round_robin', 3);
      const first: number[] = [];
      for (let i = 0; i < 6; i++) first.push((await arrive(dept)).ticketId);
      expect(await assignees(first)).to.deep.equal([a, b, c, a, b, c]);
      await w.services.presence.set(b!, 'offline');
      const next: number[] = [];
      for (let i = 0; i < 4; i++) next.push((await arrive(dept)).ticketId);
      expect(await assignees(next)).to.deep.equal([a, c, a, c]);
      const [event] = await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId: next[0], type: 'assignee.changed' } }));
      expect(event!.data).to.include({ from: null, to: a, reason: 'round_robin' });
    });

    it('gives least-loaded tickets within capacity, counting only tickets whose clock runs', async () => {
      const { dept, agents: [a, b] } = await team('least_loaded', 2, { capacity: 2 });
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await arrive(dept)).ticketId);
      const got = await assignees(ids);
      expect(got.filter((x) => x === a)).to.have.length(2);
      expect(got.filter((x) => x === b)).to.have.length(2);
      expect(got[4], 'everyone is full: the shared queue').to.equal(null);
      // Waiting on the member pauses the clock: that ticket no longer counts against its agent.
      const paused = ids[got.indexOf(a!)]!;
      await w.services.tickets.setStatus({ agentId: a!, role: 'agent', departmentIds: [dept] }, paused, 'pending');
      const freed = await arrive(dept);
      expect((await ticket(freed.ticketId)).assigneeId).to.equal(a);
    });

    it('sends a member with a dedicated agent to that agent while online, otherwise by the strategy', async () => {
      const { dept, agents: [a, b] } = await team('round_robin', 2);
      const vip = await w.services.members.create({ name: 'VIP', tier: 'diamond', dedicatedAgentId: b!, identities: { email: `vip-${engine.name}@example.com` } });
      const one = await arrive(dept, { from: { kind: 'email', value: `vip-${engine.name}@example.com` }, continueOpenTicket: false });
      const two = await arrive(dept, { from: { kind: 'email', value: `vip-${engine.name}@example.com` }, continueOpenTicket: false });
      expect(await assignees([one.ticketId, two.ticketId])).to.deep.equal([b, b]);
      const [e] = await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId: one.ticketId, type: 'assignee.changed' } }));
      expect(e!.data.reason).to.equal('dedicated_agent');
      await w.services.presence.set(b!, 'away');
      const three = await arrive(dept, { from: { kind: 'email', value: `vip-${engine.name}@example.com` }, continueOpenTicket: false });
      expect((await ticket(three.ticketId)).assigneeId).to.equal(a);
      expect((await w.api('PATCH', `/api/members/${vip.id}`, { token: w.admin.token, body: { dedicatedAgentId: 999999 } })).body.error.code).to.equal('UNKNOWN_AGENT');
    });

    it('never pushes an agent past capacity under concurrent ingests, also across two departments', async () => {
      const other = await w.services.departments.create({ name: `Overflow ${engine.name}`, assignmentStrategy: 'least_loaded' });
      const { dept, agents } = await team('least_loaded', 3, { capacity: 4, extraDepartment: other.id });
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => arrive(i % 2 ? dept : other.id)));
      const got = await assignees(results.map((r) => r.ticketId));
      for (const a of agents) expect(got.filter((x) => x === a).length, `agent ${a}`).to.equal(4);
      expect(got.filter((x) => x === null)).to.have.length(18);
    });

    it('hands an offline agent\'s unanswered tickets back where the department asks for it, keeping answered ones', async () => {
      const { dept, agents: [a, b] } = await team('round_robin', 2, { reassignOnOffline: true });
      const t1 = await arrive(dept); // a
      await arrive(dept); // b
      const phone = `1381234${engine.name === 'mysql' ? '0001' : '0002'}`;
      const t3 = await arrive(dept, { channel: 'phone', from: { kind: 'phone', value: phone } }); // a
      expect(await assignees([t1.ticketId, t3.ticketId])).to.deep.equal([a, a]);
      // Answered (an outbound call is a response) and the member has not written since: it stays.
      await w.services.tickets.logCall({ agentId: a!, role: 'agent', departmentIds: [dept] }, { direction: 'outbound', phone, summary: 'Called back.', durationSeconds: 60, ticketId: t3.ticketId });
      const res = await w.api('PUT', '/api/agents/me/presence', { token: w.services.signer.issue(a!, 0, new Date()).token, body: { presence: 'offline' } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ presence: 'offline', reassigned: 1 });
      expect(await assignees([t1.ticketId, t3.ticketId])).to.deep.equal([b, a]);
      const [e] = await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId: t1.ticketId, type: 'assignee.changed' }, order: { id: 'DESC' } }));
      expect(e!.data).to.include({ from: a, to: b, reason: 'agent_offline' });
    });

    it('assigns a logged inbound call to the agent who took it', async () => {
      const { dept, agents: [, b] } = await team('round_robin', 2);
      const call = await w.services.tickets.logCall({ agentId: b!, role: 'agent', departmentIds: [dept] },
        { direction: 'inbound', phone: '13912340000', summary: 'Asked about opening hours.', durationSeconds: 40, departmentId: dept });
      expect((await ticket(call.ticketId)).assigneeId).to.equal(b);
    });

    it('shows presence and capacity on the agent, and refuses an unknown presence', async () => {
      const { agents: [a] } = await team('manual', 1, { capacity: 7 });
      const view = await w.api('GET', `/api/agents/${a}`, { token: w.admin.token });
      expect(view.body).to.include({ presence: 'online', capacity: 7 });
      const bad = await w.api('PUT', '/api/agents/me/presence', { token: w.agentA.token, body: { presence: 'busy' } });
      expect(bad.status).to.equal(400);
    });
  });
}
