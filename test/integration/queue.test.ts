import { expect } from 'chai';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/** The console's queue through GET /api/tickets: next SLA deadline first, the member's tier, unread marks. */
for (const engine of ENGINES) {
  describe(`queue: SLA order, tier filter, unread marks (${engine.name})`, function () {
    let w: TestWorld;
    const chat = (visitor: string, text = 'when do my points arrive?') =>
      w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: visitor }, departmentId: w.deptA, text }));

    before(async () => {
      w = await startWorld(engine);
      const admin = { token: w.admin.token };
      expect((await w.api('POST', '/api/sla-policies', { ...admin, body: { name: 'Standard', firstResponseMinutes: 60 } })).status).to.equal(201);
      expect((await w.api('POST', '/api/sla-policies', { ...admin, body: { name: 'Urgent', position: 1, conditions: { priorities: ['urgent'] }, firstResponseMinutes: 15 } })).status).to.equal(201);
    });
    after(async () => { await w.stop(); });

    it('lists the earliest running deadline first, tickets without one last, and pages through both groups', async () => {
      const standard = await chat('q-standard');
      const urgent = await chat('q-urgent');
      await w.api('POST', `/api/tickets/${urgent.ticketId}/priority`, { token: w.agentA.token, body: { priority: 'urgent' } });
      const solved = await chat('q-solved');
      expect((await w.api('POST', `/api/tickets/${solved.ticketId}/status`, { token: w.agentA.token, body: { status: 'solved' } })).status).to.be.oneOf([200, 204]);

      const all = await w.api('GET', '/api/tickets?sort=sla&limit=50', { token: w.agentA.token });
      expect(all.status).to.equal(200);
      const ids = all.body.items.map((t: { id: number }) => t.id);
      expect(ids.indexOf(urgent.ticketId)).to.be.lessThan(ids.indexOf(standard.ticketId));
      expect(ids.indexOf(standard.ticketId)).to.be.lessThan(ids.indexOf(solved.ticketId));
      const byId = new Map(all.body.items.map((t: { id: number }) => [t.id, t]));
      const u = byId.get(urgent.ticketId) as { sla: { dueAt: string; warnAt: string; breached: boolean } };
      const s = byId.get(standard.ticketId) as { sla: { dueAt: string }; createdAt: string };
      expect(Date.parse(u.sla.dueAt) - Date.parse(u.sla.warnAt)).to.be.closeTo(0.25 * 15 * 60_000, 2_000);
      expect(u.sla.breached).to.equal(false);
      expect(Date.parse(s.sla.dueAt) - Date.parse(s.createdAt)).to.be.closeTo(60 * 60_000, 2_000);
      expect((byId.get(solved.ticketId) as { sla: unknown }).sla).to.equal(null);

      // One at a time, the cursor crosses from the tickets with a deadline to those without.
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await w.api('GET', `/api/tickets?sort=sla&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: w.agentA.token });
        paged.push(...page.body.items.map((t) => t.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).to.deep.equal(ids);

      // The ticket view carries the same summary beside every clock.
      const one = await w.api('GET', `/api/tickets/${urgent.ticketId}`, { token: w.agentA.token });
      expect(one.body.sla).to.include({ dueAt: u.sla.dueAt, warnAt: u.sla.warnAt, breached: false });
      expect(one.body.sla.firstResponse.dueAt).to.equal(u.sla.dueAt);
    });

    it('filters by the member\'s tier', async () => {
      await w.services.members.create({ name: 'Gold Member', tier: 'gold', identities: { webchat: 'q-gold' } });
      const gold = await chat('q-gold');
      const plain = await chat('q-plain');
      const res = await w.api('GET', '/api/tickets?tier=gold', { token: w.agentA.token });
      const ids = res.body.items.map((t: { id: number }) => t.id);
      expect(ids).to.include(gold.ticketId);
      expect(ids).to.not.include(plain.ticketId);
      expect((await w.api('GET', '/api/tickets?tier=platinum', { token: w.agentA.token })).body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('marks a ticket unread for each agent until they open it, and again when the member writes', async () => {
      const t = await chat('q-unread', 'first message');
      const item = async (token: string) => (await w.api('GET', '/api/tickets?limit=100', { token })).body.items.find((x: { id: number }) => x.id === t.ticketId);
      expect(await item(w.agentA.token)).to.include({ unread: true, readAt: null });
      const read = await w.api('POST', `/api/tickets/${t.ticketId}/read`, { token: w.agentA.token });
      expect(read.status).to.equal(200);
      expect(await item(w.agentA.token)).to.include({ unread: false, readAt: read.body.readAt });
      // Another agent's marks are their own.
      expect(await item(w.supervisorA.token)).to.include({ unread: true });
      // Reading again never moves the mark back.
      await w.api('POST', `/api/tickets/${t.ticketId}/read`, { token: w.agentA.token });
      await expectEventually(async () => {
        await chat('q-unread', 'second message');
        expect(await item(w.agentA.token)).to.include({ unread: true });
      });
      expect((await w.api('POST', `/api/tickets/${t.ticketId}/read`, { token: w.agentB.token })).status).to.equal(404);
    });
  });
}
