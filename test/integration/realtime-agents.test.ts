import { expect } from 'chai';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';
import { connectAgent, refusal, type AgentClient } from '../helpers/agent-socket.js';

/**
 * The console's socket (/agents, docs/realtime.md) on a real server: who may connect, who hears what,
 * viewers and typing, presence. "Never receives" is checked against a later event the same socket
 * does receive, so the absence is not a matter of waiting long enough.
 */
for (const engine of ENGINES) {
  describe(`realtime /agents namespace (${engine.name})`, function () {
    let w: TestWorld;
    const open: AgentClient[] = [];
    const connect = async (token: string) => { const c = await connectAgent(w.baseUrl, token); open.push(c); return c; };
    let visitors = 0;
    const ingestInto = async (departmentId: number, text = 'my card was charged twice') => {
      const visitor = `rt-visitor-${++visitors}`;
      return { ...(await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: visitor }, departmentId, text }))), visitor };
    };

    before(async () => {
      w = await startWorld(engine, { realtime: { agents: { offlineGraceMs: 150, recheckMs: 100 } } });
    });
    afterEach(() => { while (open.length) open.pop()!.close(); });
    after(async () => { await w.stop(); });

    describe('handshake', () => {
      it('refuses a socket without a token, with a bad or revoked token, and an analyst', async () => {
        expect((await refusal(w.baseUrl, undefined)).code).to.equal('AUTH_REQUIRED');
        const bad = await refusal(w.baseUrl, 'v1.forged.token');
        expect(bad.code).to.equal('AUTH_INVALID');
        expect(bad.data).to.deep.include({ code: 'AUTH_INVALID' });
        const analyst = await w.services.agents.create({ name: 'Rt Analyst', email: `rt.analyst.${engine.name}@test.memberdesk`, password: TEST_PASSWORD, role: 'analyst' });
        expect((await refusal(w.baseUrl, w.services.signer.issue(analyst.id, 0, new Date()).token)).code).to.equal('FORBIDDEN');
        const leaver = await w.services.agents.create({ name: 'Rt Leaver', email: `rt.leaver.${engine.name}@test.memberdesk`, password: TEST_PASSWORD, role: 'agent', departmentIds: [w.deptA] });
        const token = w.services.signer.issue(leaver.id, 0, new Date()).token;
        const open = await connect(token);
        await w.services.agents.revokeTokens(leaver.id, w.admin.agentId);
        expect((await refusal(w.baseUrl, token)).code).to.equal('AUTH_INVALID');
        // The socket opened before the revocation is ended too, with the reason.
        expect(await open.next('session:ended')).to.include({ code: 'AUTH_INVALID' });
        await expectEventually(() => expect(open.socket.connected).to.equal(false));
      });

      it('greets an accepted agent with who they are and the server time', async () => {
        const a = await connect(w.agentA.token);
        const hello = await a.next('hello');
        expect(hello.agent).to.deep.include({ id: w.agentA.agentId, role: 'agent', departmentIds: [w.deptA] });
        expect(Date.parse(hello.serverTime)).to.be.a('number').and.not.NaN;
      });
    });

    describe('department isolation', () => {
      it('pushes a new ticket to its department and admins only, with a notice; the other department never hears of it', async () => {
        const [a, b, admin] = [await connect(w.agentA.token), await connect(w.agentB.token), await connect(w.admin.token)];
        const inA = await ingestInto(w.deptA);
        const upsert = await a.next('ticket:upsert', (p) => p.ticket.id === inA.ticketId);
        expect(upsert.cause).to.include('ticket.created');
        expect(upsert.ticket).to.include({ number: inA.ticketNumber, departmentId: w.deptA, channel: 'webchat' });
        expect(upsert.ticket).to.not.have.property('homeStore');
        await a.next('notice', (n) => n.kind === 'ticket.created' && n.ticketId === inA.ticketId);
        await admin.next('ticket:upsert', (p) => p.ticket.id === inA.ticketId);
        // B hears of its own department's ticket, created after A's: by then A's would have arrived too.
        const inB = await ingestInto(w.deptB);
        await b.next('ticket:upsert', (p) => p.ticket.id === inB.ticketId);
        expect(b.received.filter((r) => JSON.stringify(r.payload ?? null).includes(`"ticketId":${inA.ticketId}`) || r.payload?.ticket?.id === inA.ticketId)).to.deep.equal([]);
        expect(a.all('ticket:upsert').map((p) => p.ticket.id)).to.not.include(inB.ticketId);
      });

      it('sends a store-bound agent only the tickets of members of their stores', async () => {
        const bound = await w.services.agents.create({ name: 'Rt Store', email: `rt.store.${engine.name}@test.memberdesk`, password: TEST_PASSWORD, role: 'agent', departmentIds: [w.deptA], stores: ['SH-001'] });
        const s = await connect(w.services.signer.issue(bound.id, 0, new Date()).token);
        const a = await connect(w.agentA.token);
        await w.services.members.create({ name: 'Store Member', homeStore: 'SH-001', identities: { webchat: `rt-store-member-${engine.name}` } });
        const outside = await ingestInto(w.deptA);
        const inside = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: `rt-store-member-${engine.name}` }, departmentId: w.deptA }));
        await s.next('ticket:upsert', (p) => p.ticket.id === inside.ticketId);
        await a.next('ticket:upsert', (p) => p.ticket.id === outside.ticketId);
        expect(s.all('ticket:upsert').map((p) => p.ticket.id)).to.not.include(outside.ticketId);
        expect(s.all('notice').map((n) => n.ticketId)).to.not.include(outside.ticketId);
        expect((await s.call('ticket:view', { ticketId: outside.ticketId })).error.code).to.equal('NOT_FOUND');
      });

      it('refuses to let an agent view a ticket of another department, as if it did not exist', async () => {
        const inB = await ingestInto(w.deptB);
        const a = await connect(w.agentA.token);
        const answer = await a.call('ticket:view', { ticketId: inB.ticketId });
        expect(answer).to.deep.equal({ ok: false, error: { code: 'NOT_FOUND', message: 'ticket not found' } });
        expect((await a.call('ticket:view', { ticketId: 999_999 })).error.code).to.equal('NOT_FOUND');
      });

      it('tells the old department a transferred ticket left, and the new one that it arrived', async () => {
        const t = await ingestInto(w.deptA);
        const [a, b] = [await connect(w.agentA.token), await connect(w.agentB.token)];
        const res = await w.api('POST', `/api/tickets/${t.ticketId}/transfer`, { token: w.supervisorA.token, body: { departmentId: w.deptB } });
        expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 204]);
        await a.next('ticket:removed', (p) => p.ticketId === t.ticketId);
        const arrived = await b.next('ticket:upsert', (p) => p.ticket.id === t.ticketId);
        expect(arrived.cause).to.include('department.changed');
        expect(b.all('ticket:removed')).to.deep.equal([]);
      });
    });

    describe('a ticket being worked', () => {
      it('sends new messages, internal notes included, to the agents viewing the ticket, and the member\'s replies as a notice to the assignee', async () => {
        const t = await ingestInto(w.deptA);
        const [a, sup] = [await connect(w.agentA.token), await connect(w.supervisorA.token)];
        expect(await sup.call('ticket:view', { ticketId: t.ticketId })).to.include({ ok: true });
        const note = await w.api('POST', `/api/tickets/${t.ticketId}/messages`, { token: w.agentA.token, body: { text: 'checking the payment log', visibility: 'internal' } });
        expect(note.status).to.equal(201);
        const pushed = await sup.next('message:new', (p) => p.ticketId === t.ticketId && p.message.visibility === 'internal');
        expect(pushed.message).to.include({ text: 'checking the payment log', direction: 'outbound' });
        // Not viewing: the queue row changes, the thread is not pushed.
        await a.next('ticket:upsert', (p) => p.ticket.id === t.ticketId && p.cause.includes('note.added'));
        expect(a.all('message:new')).to.deep.equal([]);

        await w.api('POST', `/api/tickets/${t.ticketId}/assign`, { token: w.supervisorA.token, body: { assigneeId: w.agentA.agentId } });
        await a.next('notice', (n) => n.kind === 'assigned' && n.ticketId === t.ticketId);
        await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: t.visitor }, text: 'any news?' }));
        await a.next('notice', (n) => n.kind === 'member.replied' && n.ticketId === t.ticketId);
        await sup.next('message:new', (p) => p.ticketId === t.ticketId && p.message.text === 'any news?');
      });

      it('shows who is viewing and typing, to the ticket and its queue, and forgets a viewer who leaves or disconnects', async () => {
        const t = await ingestInto(w.deptA);
        const [a, sup] = [await connect(w.agentA.token), await connect(w.supervisorA.token)];
        const first = await a.call('ticket:view', { ticketId: t.ticketId });
        expect(first.viewers).to.deep.equal([{ agentId: w.agentA.agentId, name: 'Agent A', typing: false }]);
        const second = await sup.call('ticket:view', { ticketId: t.ticketId });
        expect(second.viewers.map((v: { agentId: number }) => v.agentId).sort()).to.deep.equal([w.agentA.agentId, w.supervisorA.agentId].sort());
        expect(await sup.call('ticket:typing', { ticketId: t.ticketId, typing: true })).to.deep.equal({ ok: true });
        await a.next('ticket:viewers', (p) => p.ticketId === t.ticketId && p.viewers.some((v: { agentId: number; typing: boolean }) => v.agentId === w.supervisorA.agentId && v.typing));
        sup.close();
        await a.next('ticket:viewers', (p) => p.ticketId === t.ticketId && p.viewers.length === 1 && p.viewers[0].agentId === w.agentA.agentId);
        // The queue of the department (not only the ticket's room) learns who looks at what.
        const queueOnly = await connect(w.supervisorA.token);
        await a.call('ticket:leave', { ticketId: t.ticketId });
        await queueOnly.next('ticket:viewers', (p) => p.ticketId === t.ticketId && p.viewers.length === 0);
      });

      it('refuses typing on a ticket not viewed, bad payloads and floods with a code', async () => {
        const t = await ingestInto(w.deptA);
        const a = await connect(w.agentA.token);
        expect((await a.call('ticket:typing', { ticketId: t.ticketId, typing: true })).error.code).to.equal('NOT_VIEWING');
        for (const bad of [{}, { ticketId: 'x' }, { ticketId: t.ticketId, extra: 1 }, null, 'text']) {
          const answer = await a.call('ticket:view', bad);
          expect(answer.ok, JSON.stringify(bad)).to.equal(false);
          expect(answer.error.code).to.equal('VALIDATION_FAILED');
        }
        const answers = await Promise.all(Array.from({ length: 40 }, () => a.call('ticket:leave', { ticketId: t.ticketId })));
        expect(answers.filter((x) => x.ok === false).map((x) => x.error.code)).to.include('RATE_LIMITED');
      });
    });

    describe('authorization matrix of client events', () => {
      // caller → [may view/type on a ticket of department A, of department B]
      const expected = { agent: [true, false], supervisor: [true, false], admin: [true, true] } as const;
      for (const [caller, [ownDept, otherDept]] of Object.entries(expected)) {
        it(`${caller}: ticket:view / ticket:typing / ticket:leave ${ownDept ? 'allowed' : 'refused'} in department A, ${otherDept ? 'allowed' : 'refused'} in department B; presence:set on themselves`, async () => {
          const token = { agent: w.agentA.token, supervisor: w.supervisorA.token, admin: w.admin.token }[caller as keyof typeof expected];
          const c = await connect(token);
          for (const [dept, allowed] of [[w.deptA, ownDept], [w.deptB, otherDept]] as const) {
            const t = await ingestInto(dept);
            const view = await c.call('ticket:view', { ticketId: t.ticketId });
            expect(view.ok, `${caller} view dept ${dept}`).to.equal(allowed);
            const typing = await c.call('ticket:typing', { ticketId: t.ticketId, typing: true });
            expect(typing.ok ? 'ok' : typing.error.code).to.equal(allowed ? 'ok' : 'NOT_VIEWING');
            expect((await c.call('ticket:leave', { ticketId: t.ticketId })).ok).to.equal(true);
          }
          expect(await c.call('presence:set', { presence: 'away' })).to.deep.include({ ok: true, presence: 'away' });
          expect((await c.call('presence:set', { presence: 'online', agentId: w.agentB.agentId })).error.code).to.equal('VALIDATION_FAILED');
        });
      }
      it('none and analyst: refused at the handshake (see above), so no event of theirs is ever handled', async () => {
        expect((await refusal(w.baseUrl, '')).code).to.equal('AUTH_REQUIRED');
      });
    });

    describe('presence', () => {
      it('puts an agent online with their first socket and offline when the last one is gone for the grace period', async () => {
        const agent = await w.services.agents.create({ name: 'Rt Presence', email: `rt.presence.${engine.name}@test.memberdesk`, password: TEST_PASSWORD, role: 'agent', departmentIds: [w.deptA] });
        const token = w.services.signer.issue(agent.id, 0, new Date()).token;
        const watcher = await connect(w.supervisorA.token);
        // A store-bound colleague sees presence too (it is about colleagues, not the tickets of other stores).
        const bound = await w.services.agents.create({ name: 'Rt Store Watcher', email: `rt.store.watch.${engine.name}@test.memberdesk`, password: TEST_PASSWORD, role: 'agent', departmentIds: [w.deptA], stores: ['SH-009'] });
        const boundWatcher = await connect(w.services.signer.issue(bound.id, 0, new Date()).token);
        const [one, two] = [await connect(token), await connect(token)];
        await expectEventually(async () => expect((await w.services.agents.get(agent.id)).presence).to.equal('online'));
        await watcher.next('agent:presence', (p) => p.agentId === agent.id && p.presence === 'online');
        await boundWatcher.next('agent:presence', (p) => p.agentId === agent.id && p.presence === 'online');
        one.close();
        expect(await two.call('presence:set', { presence: 'away' })).to.deep.include({ ok: true, presence: 'away' });
        two.close();
        await expectEventually(async () => expect((await w.services.agents.get(agent.id)).presence).to.equal('offline'));
        await watcher.next('agent:presence', (p) => p.agentId === agent.id && p.presence === 'offline');
      });
    });

    describe('SLA', () => {
      it('tells the department when a ticket becomes urgent', async () => {
        const t = await ingestInto(w.deptA);
        const a = await connect(w.agentA.token);
        await w.api('POST', `/api/tickets/${t.ticketId}/priority`, { token: w.agentA.token, body: { priority: 'urgent' } });
        const notice = await a.next('notice', (n) => n.kind === 'urgent' && n.ticketId === t.ticketId);
        expect(notice).to.include({ priority: 'urgent', departmentId: w.deptA });
      });
    });
  });
}
