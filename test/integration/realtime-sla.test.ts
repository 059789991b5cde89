import { expect } from 'chai';
import { ChannelRegistry } from '../../channels/channel.js';
import { connectAgent, type AgentClient } from '../helpers/agent-socket.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { slaTick } from '../helpers/sla.js';

/**
 * SLA on the console, as an explicit timeline (injected clock): the scheduler's warning and breach
 * reach the department's consoles as notices and as a queue row that turns red; the escalation
 * reaches its contact by name.
 */
for (const engine of ENGINES) {
  describe(`realtime SLA notices [${engine.name}]`, () => {
    let w: TestWorld;
    let now: Date;
    const clock = { now: () => now };
    const at = (iso: string) => { now = new Date(iso); };
    const sockets: AgentClient[] = [];

    before(async () => {
      at('2026-03-02T08:00:00.000Z');
      w = await startWorld(engine, { clock, channels: new ChannelRegistry().register(new RecordingAdapter()), startDelivery: false, realtime: true });
      const admin = w.services.signer.issue(w.admin.agentId, 0, now).token;
      expect((await w.api('POST', '/api/sla-policies', { token: admin, body: { name: 'Chat', firstResponseMinutes: 60 } })).status).to.equal(201);
      expect((await w.api('PATCH', `/api/departments/${w.deptA}`, { token: admin, body: { headAgentId: w.supervisorA.agentId } })).status).to.equal(200);
    });
    after(async () => { for (const s of sockets) s.close(); await w.stop(); });

    it('08:00 ticket, 08:45 warning to the department, 09:00 breach to the department and escalation to the head; the queue row turns breached', async () => {
      const agent = await connectAgent(w.baseUrl, w.services.signer.issue(w.agentA.agentId, 0, now).token);
      const head = await connectAgent(w.baseUrl, w.services.signer.issue(w.supervisorA.agentId, 0, now).token);
      const other = await connectAgent(w.baseUrl, w.services.signer.issue(w.agentB.agentId, 0, now).token);
      sockets.push(agent, head, other);
      const { ticketId } = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: 'rt-sla-1' }, receivedAt: now, departmentId: w.deptA }));
      const created = await agent.next('ticket:upsert', (p) => p.ticket.id === ticketId);
      expect(created.ticket.sla).to.deep.equal({ dueAt: '2026-03-02T09:00:00.000Z', warnAt: '2026-03-02T08:45:00.000Z', breached: false });

      at('2026-03-02T08:45:00.000Z');
      await slaTick(w.services, now);
      const warning = await agent.next('notice', (n) => n.kind === 'sla.warning' && n.ticketId === ticketId);
      expect(warning).to.include({ metric: 'first_response', at: '2026-03-02T08:45:00.000Z' });

      at('2026-03-02T09:00:00.000Z');
      await slaTick(w.services, now);
      await agent.next('notice', (n) => n.kind === 'sla.breach' && n.ticketId === ticketId && n.metric === 'first_response');
      const escalation = await head.next('notice', (n) => n.kind === 'escalation' && n.ticketId === ticketId);
      expect(escalation.level).to.equal(1);
      const red = await agent.next('ticket:upsert', (p) => p.ticket.id === ticketId && p.cause.includes('sla.breach'));
      expect(red.ticket.sla.breached).to.equal(true);
      // Only the head was escalated to; the other department heard nothing of this ticket.
      expect(agent.all('notice').filter((n) => n.kind === 'escalation')).to.deep.equal([]);
      expect(other.received.filter((r) => r.payload?.ticketId === ticketId || r.payload?.ticket?.id === ticketId)).to.deep.equal([]);
    });
  });
}
