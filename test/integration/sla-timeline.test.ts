import { expect } from 'chai';
import { ChannelRegistry } from '../../channels/channel.js';
import { SlaAlert, TicketEvent } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { slaTick } from '../helpers/sla.js';


/**
 * SLA as explicit timelines (ARCHITECTURE §5) on a real database: the clock is injected and the
 * scheduler is driven by hand, so every minute below is exact.
 */
for (const engine of ENGINES) {
  describe(`SLA timeline [${engine.name}]`, () => {
    let w: TestWorld;
    let now: Date;
    const clock = { now: () => now };
    const at = (iso: string) => { now = new Date(iso); };
    const token = (agentId: number) => w.services.signer.issue(agentId, 0, now).token;
    const admin = () => token(w.admin.agentId);
    const tick = () => slaTick(w.services, now);
    const events = async (ticketId: number, type: string) =>
      w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId, type }, order: { id: 'ASC' } }));
    const sla = async (ticketId: number) => (await w.api('GET', `/api/tickets/${ticketId}`, { token: admin() })).body.sla;

    before(async () => {
      at('2026-03-02T08:00:00.000Z');
      w = await startWorld(engine, { clock, channels: new ChannelRegistry().register(new RecordingAdapter()), startDelivery: false });
      const policy = await w.api('POST', '/api/sla-policies', { token: admin(), body: {
        name: 'Standard', firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480,
      } });
      expect(policy.status).to.equal(201);
      const urgent = await w.api('POST', '/api/sla-policies', { token: admin(), body: {
        name: 'Urgent', position: 1, conditions: { priorities: ['urgent'] }, firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 240,
      } });
      expect(urgent.body.position).to.equal(1);
      const dept = await w.api('PATCH', `/api/departments/${w.deptA}`, { token: admin(), body: {
        headAgentId: w.supervisorA.agentId,
        escalationChain: [{ agentId: w.supervisorA.agentId, delayMinutes: 30 }, { agentId: w.admin.agentId, delayMinutes: 60 }],
      } });
      expect(dept.status).to.equal(200);
    });
    after(async () => { await w.stop(); });

    it('first response: warning at 75 %, breach at the target, level 2 after level 1\'s delay, then acknowledge stops the chain', async () => {
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'm-fr-1' }, receivedAt: now, departmentId: w.deptA }));
      let view = await sla(ticketId);
      expect(view.policy.name).to.equal('Standard');
      expect(view.firstResponse.dueAt).to.equal('2026-03-02T09:00:00.000Z');
      expect(view.resolution.dueAt).to.equal('2026-03-02T16:00:00.000Z');
      expect(view.firstResponse.remainingMinutes).to.equal(60);

      at('2026-03-02T08:44:59.000Z');
      await tick();
      expect(await events(ticketId, 'sla.warning')).to.have.length(0);
      at('2026-03-02T08:45:00.000Z');
      await tick();
      const warnings = await events(ticketId, 'sla.warning');
      expect(warnings.map((e) => e.data.metric)).to.deep.equal(['first_response']);

      at('2026-03-02T09:00:00.000Z');
      await tick();
      await tick(); // a second pass fires nothing more
      const breaches = await events(ticketId, 'sla.breached');
      expect(breaches).to.have.length(1);
      expect(breaches[0]!.data).to.include({ metric: 'first_response', level: 1, contactAgentId: w.supervisorA.agentId });
      view = await sla(ticketId);
      expect(view.firstResponse.breached).to.equal(true);
      expect(view.escalation).to.include({ level: 1, nextLevelAt: '2026-03-02T09:30:00.000Z' });

      at('2026-03-02T09:29:00.000Z');
      await tick();
      expect(await events(ticketId, 'sla.escalated')).to.have.length(0);
      at('2026-03-02T09:30:00.000Z');
      await tick();
      const escalated = await events(ticketId, 'sla.escalated');
      expect(escalated).to.have.length(1);
      expect(escalated[0]!.data).to.include({ level: 2, contactAgentId: w.admin.agentId, metric: 'first_response' });

      at('2026-03-02T09:35:00.000Z');
      const ack = await w.api('POST', `/api/tickets/${ticketId}/sla/acknowledge`, { token: token(w.supervisorA.agentId) });
      expect(ack.status).to.equal(200);
      expect(ack.body).to.deep.equal({ acknowledged: 2, alreadyAcknowledged: false });
      const again = await w.api('POST', `/api/tickets/${ticketId}/sla/acknowledge`, { token: token(w.supervisorA.agentId) });
      expect(again.body.alreadyAcknowledged).to.equal(true);
      const acked = await events(ticketId, 'sla.acknowledged');
      expect(acked).to.have.length(1);
      expect(acked[0]!.actorId).to.equal(w.supervisorA.agentId);
      expect((await sla(ticketId)).escalation).to.equal(null);
      at('2026-03-02T12:00:00.000Z');
      await tick();
      expect(await w.services.db.read((m) => m.countBy(SlaAlert, { ticketId, kind: 'breach' }))).to.equal(2);

      // The late first response is recorded as statistics: 4 h of working time (24×7), breached.
      const reply = await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'Sorry for the wait' } });
      expect(reply.status).to.equal(201);
      view = await sla(ticketId);
      expect(view.firstResponse).to.include({ achievedAt: '2026-03-02T12:00:00.000Z', workingMinutes: 240, breached: true, dueAt: null });
    });

    it('an internal note does not stop first response; a public reply does, and next response runs from the oldest unanswered member message', async () => {
      at('2026-03-03T08:00:00.000Z');
      const member = { kind: 'webchat' as const, value: 'm-nr-1' };
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: member, receivedAt: now, departmentId: w.deptA }));
      at('2026-03-03T08:10:00.000Z');
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'checking', visibility: 'internal' } });
      expect((await sla(ticketId)).firstResponse.dueAt).to.equal('2026-03-03T09:00:00.000Z');
      at('2026-03-03T08:20:00.000Z');
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'Hello!' } });
      let view = await sla(ticketId);
      expect(view.firstResponse).to.include({ dueAt: null, workingMinutes: 20, breached: false });
      expect(view.nextResponse.dueAt).to.equal(null);

      at('2026-03-03T08:30:00.000Z');
      await w.services.tickets.ingest(inbound({ channel: 'webchat', from: member, receivedAt: now }));
      at('2026-03-03T08:40:00.000Z');
      await w.services.tickets.ingest(inbound({ channel: 'webchat', from: member, receivedAt: now }));
      view = await sla(ticketId);
      expect(view.nextResponse).to.include({ waitingSince: '2026-03-03T08:30:00.000Z', dueAt: '2026-03-03T10:30:00.000Z' });
      at('2026-03-03T09:00:00.000Z');
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'Done' } });
      expect((await sla(ticketId)).nextResponse.dueAt).to.equal(null);
    });

    it('resolution pauses while pending, resumes (not restarts) on the member\'s reply and on reopen; a priority change recomputes', async () => {
      at('2026-03-04T08:00:00.000Z');
      const member = { kind: 'webchat' as const, value: 'm-res-1' };
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: member, receivedAt: now, departmentId: w.deptA }));
      at('2026-03-04T08:50:00.000Z');
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'Need your card number', status: 'pending' } });
      let view = await sla(ticketId);
      expect(view.resolution).to.include({ dueAt: null, paused: true, usedMinutes: 50 });

      at('2026-03-04T13:00:00.000Z');
      await tick();
      expect(await events(ticketId, 'sla.breached')).to.have.length(0);
      await w.services.tickets.ingest(inbound({ channel: 'webchat', from: member, receivedAt: now }));
      view = await sla(ticketId);
      // 480 − 50 used = 430 minutes left from 13:00.
      expect(view.resolution).to.include({ dueAt: '2026-03-04T20:10:00.000Z', paused: false });

      at('2026-03-04T13:30:00.000Z');
      expect((await w.api('POST', `/api/tickets/${ticketId}/priority`, { token: token(w.agentA.agentId), body: { priority: 'urgent' } })).status).to.be.oneOf([200, 204]);
      view = await sla(ticketId);
      expect(view.policy.name).to.equal('Urgent');
      // Urgent: 240 − (50 + 30) used = 160 minutes from 13:30.
      expect(view.resolution.dueAt).to.equal('2026-03-04T16:10:00.000Z');
      const urgentAlerts = await w.services.db.read((m) => m.findBy(SlaAlert, { ticketId, kind: 'urgent' }));
      expect(urgentAlerts).to.have.length(1);
      expect(urgentAlerts[0]!.contactAgentId).to.equal(w.supervisorA.agentId);

      at('2026-03-04T14:00:00.000Z');
      await w.api('POST', `/api/tickets/${ticketId}/messages`, { token: token(w.agentA.agentId), body: { text: 'Fixed', status: 'solved' } });
      view = await sla(ticketId);
      expect(view.resolution).to.include({ dueAt: null, workingMinutes: 110 });
      at('2026-03-04T15:00:00.000Z');
      expect((await w.api('POST', `/api/tickets/${ticketId}/status`, { token: token(w.agentA.agentId), body: { status: 'open' } })).status).to.be.oneOf([200, 204]);
      view = await sla(ticketId);
      // Reopened: 240 − 110 = 130 minutes from 15:00, not a fresh 240.
      expect(view.resolution.dueAt).to.equal('2026-03-04T17:10:00.000Z');
      expect(view.resolution.workingMinutes).to.equal(null);
    });

    it('a member\'s new tier recomputes their live tickets under the policy for that tier', async () => {
      at('2026-03-06T08:00:00.000Z');
      expect((await w.api('POST', '/api/sla-policies', { token: admin(), body: { name: 'Diamond', position: 1, conditions: { tiers: ['diamond'] }, firstResponseMinutes: 5 } })).status).to.equal(201);
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'm-tier-1' }, receivedAt: now, departmentId: w.deptA }));
      expect((await sla(ticketId)).firstResponse.dueAt).to.equal('2026-03-06T09:00:00.000Z');
      const ticket = (await w.api('GET', `/api/tickets/${ticketId}`, { token: admin() })).body;
      expect((await w.api('PATCH', `/api/members/${ticket.member.id}`, { token: admin(), body: { tier: 'diamond' } })).status).to.equal(200);
      const view = await sla(ticketId);
      expect(view.policy.name).to.equal('Diamond');
      expect(view.firstResponse.dueAt).to.equal('2026-03-06T08:05:00.000Z');
      await w.api('DELETE', `/api/sla-policies/${view.policy.id}`, { token: admin() });
    });

    it('a second breach while the chain runs does not restart it: level 2 still comes on time', async () => {
      at('2026-03-07T08:00:00.000Z');
      const fast = await w.api('POST', '/api/sla-policies', { token: admin(), body: { name: 'Phone', position: 1, conditions: { channels: ['phone'] }, firstResponseMinutes: 10, resolutionMinutes: 20 } });
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: '13900139000' }, receivedAt: now, departmentId: w.deptA }));
      at('2026-03-07T08:10:00.000Z');
      await tick();
      at('2026-03-07T08:20:00.000Z');
      await tick();
      expect((await events(ticketId, 'sla.breached')).map((e) => e.data.metric)).to.deep.equal(['first_response', 'resolution']);
      expect((await sla(ticketId)).escalation.nextLevelAt).to.equal('2026-03-07T08:40:00.000Z');
      at('2026-03-07T08:40:00.000Z');
      await tick();
      expect((await events(ticketId, 'sla.escalated')).map((e) => e.data.level)).to.deep.equal([2]);
      await w.api('DELETE', `/api/sla-policies/${fast.body.id}`, { token: admin() });
    });

    it('a department\'s new calendar moves the deadlines of its live tickets', async () => {
      at('2026-03-09T07:00:00.000Z'); // Monday 15:00 in Shanghai
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'm-cal-1' }, receivedAt: now, departmentId: w.deptB }));
      expect((await sla(ticketId)).firstResponse.dueAt).to.equal('2026-03-09T08:00:00.000Z');
      const cal = await w.api('POST', '/api/calendars', { token: admin(), body: { name: 'Shanghai office', definition: {
        timezone: 'Asia/Shanghai', weekly: { mon: [['09:00', '12:00'], ['13:00', '15:30']], tue: [['09:00', '18:00']] } } } });
      expect(cal.status).to.equal(201);
      expect((await w.api('PATCH', `/api/departments/${w.deptB}`, { token: admin(), body: { calendarId: cal.body.id } })).status).to.equal(200);
      // 30 working minutes left on Monday (15:00–15:30), the other 30 on Tuesday from 09:00 Shanghai.
      expect((await sla(ticketId)).firstResponse.dueAt).to.equal('2026-03-10T01:30:00.000Z');
      await w.api('PATCH', `/api/departments/${w.deptB}`, { token: admin(), body: { calendarId: null } });
    });

    it('a ticket from before the SLA engine gets its clocks from its creation at the first pass', async () => {
      at('2026-03-11T08:00:00.000Z');
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'm-old-1' }, receivedAt: now, departmentId: w.deptA }));
      // What the SLA migration left such a ticket with, and what the follow-up migration sets.
      await w.services.db.tx((m) => m.query('UPDATE ticket SET slaPolicyId = NULL, firstResponseDueAt = NULL, resolutionDueAt = NULL, resolutionRunningSince = NULL, nextSlaCheckAt = createdAt WHERE id = ?', [ticketId]));
      at('2026-03-11T08:30:00.000Z');
      await tick();
      const view = await sla(ticketId);
      expect(view.policy.name).to.equal('Standard');
      expect(view.firstResponse.dueAt).to.equal('2026-03-11T09:00:00.000Z');
      expect(view.resolution.dueAt).to.equal('2026-03-11T16:00:00.000Z');
    });

    it('deadlines that passed while nothing ran fire once at the next pass', async () => {
      at('2026-03-05T08:00:00.000Z');
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: `m-down-${i}` }, receivedAt: now, departmentId: w.deptB }))).ticketId);
      at('2026-03-05T20:00:00.000Z');
      await tick();
      await tick();
      for (const id of ids) {
        const kinds = (await w.services.db.read((m) => m.findBy(SlaAlert, { ticketId: id }))).map((a) => `${a.metric}:${a.kind}`).sort();
        expect(kinds).to.deep.equal(['first_response:breach', 'resolution:breach']);
      }
    });
  });
}
