import { expect } from 'chai';
import { AuditEntry, Member, Message, Ticket } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';

for (const engine of ENGINES) {
  describe(`member data protection [${engine.name}]`, () => {
    let w: TestWorld;
    let now = new Date();
    const clock = { now: () => now };
    let storeAgent: { agentId: number; token: string };
    let analyst: { agentId: number; token: string };

    before(async () => {
      w = await startWorld(engine, { clock });
      const login = async (email: string) => (await w.api('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } })).body.token as string;
      const sa = await w.services.agents.create({ name: 'Store Agent', email: 'store.agent@test.memberdesk', password: TEST_PASSWORD, departmentIds: [w.deptA], stores: ['SH-001'] });
      storeAgent = { agentId: sa.id, token: await login('store.agent@test.memberdesk') };
      const an = await w.services.agents.create({ name: 'Analyst', email: 'analyst@test.memberdesk', password: TEST_PASSWORD, role: 'analyst' });
      analyst = { agentId: an.id, token: await login('analyst@test.memberdesk') };
    });
    after(async () => { await w.stop(); });

    /** A member of `store` with a phone, and a ticket of department A from them. */
    const memberWithTicket = async (store: string | null, phone: string) => {
      const member = await w.services.members.create({ name: `Member ${phone.slice(-2)}`, homeStore: store, identities: { phone, email: `${phone}@example.com` } });
      const t = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: phone }, departmentId: w.deptA }));
      return { memberId: member.id, ticketId: t.ticketId };
    };
    const auditOf = (action: string) => w.services.db.read((m) => m.find(AuditEntry, { where: { action }, order: { id: 'ASC' } }));

    it('limits a store-bound agent to their stores\' members and those members\' tickets', async () => {
      const own = await memberWithTicket('SH-001', '13811110001');
      const other = await memberWithTicket('SH-002', '13811110002');
      expect((await w.api('GET', `/api/tickets/${own.ticketId}`, { token: storeAgent.token })).status).to.equal(200);
      const hidden = await w.api('GET', `/api/tickets/${other.ticketId}`, { token: storeAgent.token });
      expect(hidden.status).to.equal(404);
      expect((await w.api('GET', `/api/tickets/${other.ticketId}`, { token: w.agentA.token })).status, 'not store-bound').to.equal(200);
      const list = (await w.api('GET', '/api/tickets?limit=100', { token: storeAgent.token })).body.items.map((t: { id: number }) => t.id);
      expect(list).to.include(own.ticketId).and.not.include(other.ticketId);
      expect((await w.api('GET', `/api/members/${other.memberId}`, { token: storeAgent.token })).status).to.equal(404);
      const members = (await w.api('GET', '/api/members?limit=100', { token: storeAgent.token })).body.items;
      expect(members.every((m: { homeStore: string }) => m.homeStore === 'SH-001')).to.equal(true);
      const outside = await w.api('POST', '/api/members', { token: storeAgent.token, body: { name: 'Elsewhere', homeStore: 'SH-009' } });
      expect(outside.body.error.code).to.equal('STORE_OUT_OF_SCOPE');
      expect((await w.api('POST', `/api/tickets/${other.ticketId}/priority`, { token: storeAgent.token, body: { priority: 'high' } })).status).to.equal(404);
    });

    it('gives analysts no member identities and no message bodies', async () => {
      const { ticketId, memberId } = await memberWithTicket('SH-001', '13811110003');
      for (const path of ['/api/tickets', `/api/tickets/${ticketId}`, `/api/tickets/${ticketId}/events`, '/api/members', `/api/members/${memberId}`, `/api/members/${memberId}/export`]) {
        const res = await w.api('GET', path, { token: analyst.token });
        expect(res.status, path).to.equal(403);
        expect(JSON.stringify(res.body)).not.to.contain('138');
      }
      expect((await w.api('GET', '/api/auth/me', { token: analyst.token })).body.role).to.equal('analyst');
    });

    it('reveals contact data only with pii:read and a reason, and audits every reveal', async () => {
      const { memberId, ticketId } = await memberWithTicket('SH-001', '13811110004');
      const masked = await w.api('GET', `/api/members/${memberId}`, { token: w.supervisorA.token });
      expect(JSON.stringify(masked.body)).not.to.contain('13811110004');
      const noReason = await w.api('GET', `/api/members/${memberId}?reveal=phone`, { token: w.supervisorA.token });
      expect(noReason.body.error.code).to.equal('REASON_REQUIRED');
      const denied = await w.api('GET', `/api/members/${memberId}?reveal=phone&reason=call%20back`, { token: w.agentA.token });
      expect(denied.status).to.equal(403);
      expect(denied.body.error.code).to.equal('PII_FORBIDDEN');
      const before = (await auditOf('pii.reveal')).length;
      const ok = await w.api('GET', `/api/members/${memberId}?reveal=phone,email&reason=member%20asked%20for%20a%20call%20back`, { token: w.supervisorA.token });
      expect(ok.body.revealed).to.deep.equal({ phone: '+8613811110004', email: '13811110004@example.com' });
      const viaTicket = await w.api('GET', `/api/tickets/${ticketId}?reveal=phone&reason=follow-up%20call`, { token: w.admin.token });
      expect(viaTicket.body.member.revealed).to.deep.equal({ phone: '+8613811110004' });
      const entries = (await auditOf('pii.reveal')).slice(before);
      expect(entries).to.have.length(2);
      expect(entries[0]).to.include({ actorId: w.supervisorA.agentId, targetType: 'member', targetId: String(memberId), reason: 'member asked for a call back' });
      expect(entries[0]!.data).to.deep.equal({ fields: ['phone', 'email'] });
      expect(entries[0]!.ip).to.be.a('string');
    });

    it('lets a supervisor grant an agent time-boxed access that lapses by itself', async () => {
      const { memberId } = await memberWithTicket('SH-001', '13811110005');
      const url = `/api/members/${memberId}?reveal=phone&reason=${encodeURIComponent('回访 call-back')}`;
      expect((await w.api('GET', url, { token: w.agentA.token })).status).to.equal(403);
      const expiresAt = new Date(now.getTime() + 10 * 60_000).toISOString();
      const grant = await w.api('POST', '/api/grants', { token: w.supervisorA.token, body: { agentId: w.agentA.agentId, memberIds: [memberId], expiresAt, reason: '回访 call-backs this morning' } });
      expect(grant.status).to.equal(201);
      expect(grant.body.items[0]).to.include({ agentId: w.agentA.agentId, memberId, active: true });
      expect((await w.api('GET', url, { token: w.agentA.token })).body.revealed).to.deep.equal({ phone: '+8613811110005' });
      const toOtherDept = await w.api('POST', '/api/grants', { token: w.supervisorA.token, body: { agentId: w.agentB.agentId, memberIds: [memberId], expiresAt, reason: 'x' } });
      expect(toOtherDept.status).to.equal(403);
      const tooLong = await w.api('POST', '/api/grants', { token: w.supervisorA.token, body: { agentId: w.agentA.agentId, memberIds: [memberId], expiresAt: new Date(now.getTime() + 40 * 86_400_000).toISOString(), reason: 'x' } });
      expect(tooLong.body.error.code).to.equal('GRANT_EXPIRY_INVALID');

      now = new Date(now.getTime() + 11 * 60_000); // nobody revokes anything
      const lapsed = await w.api('GET', url, { token: w.agentA.token });
      expect(lapsed.status).to.equal(403);
      const mine = await w.api('GET', '/api/grants', { token: w.agentA.token });
      expect(mine.body.items.find((g: { memberId: number }) => g.memberId === memberId).active).to.equal(false);
      expect((await auditOf('grant.create')).at(-1)).to.include({ actorId: w.supervisorA.agentId, targetId: String(w.agentA.agentId) });
    });

    it('exports everything held about a member, audited, only with pii:read', async () => {
      const { memberId, ticketId } = await memberWithTicket('SH-001', '13811110006');
      expect((await w.api('GET', `/api/members/${memberId}/export`, { token: w.agentA.token })).status).to.equal(403);
      const res = await w.api('GET', `/api/members/${memberId}/export`, { token: w.admin.token });
      expect(res.status).to.equal(200);
      expect(res.body.member.contacts).to.deep.equal({ phone: '+8613811110006', email: '13811110006@example.com' });
      expect(res.body.tickets.map((t: { id: number }) => t.id)).to.deep.equal([ticketId]);
      expect(res.body.tickets[0].messages).to.have.length(1);
      expect((await auditOf('member.export')).at(-1)).to.include({ actorId: w.admin.agentId, targetId: String(memberId) });
    });

    it('erases a member by destroying their key; their tickets stay anonymised; a new message creates a new member', async () => {
      const { memberId, ticketId } = await memberWithTicket('SH-001', '13811110007');
      const del = await w.api('DELETE', `/api/members/${memberId}?reason=member%20request`, { token: w.admin.token });
      expect(del.status).to.equal(204);
      const member = await w.services.db.read((m) => m.findOneByOrFail(Member, { id: memberId }));
      expect(member).to.include({ name: null, wrappedKey: 'erased' });
      const ticket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: ticketId }));
      expect(ticket.subject).to.equal('[erased]');
      const texts = await w.services.db.read((m) => m.findBy(Message, { ticketId }));
      expect(texts.every((t) => t.text === '[erased]')).to.equal(true);
      expect((await auditOf('member.erase')).at(-1)).to.include({ actorId: w.admin.agentId, reason: 'member request', targetId: String(memberId) });

      const again = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: '138 1111 0007' } }));
      const newTicket = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: again.ticketId }));
      expect(newTicket.memberId).not.to.equal(memberId);
      expect(again.ticketId).not.to.equal(ticketId);
    });

    describe('closes the holes a security review found', () => {
      // Nested suites run after the parent's tests, whose clock has moved on: fresh tokens at that time.
      before(() => { storeAgent.token = w.services.signer.issue(storeAgent.agentId, 0, now).token; });

      it('refuses to log a call for another store\'s member, and files new callers under the agent\'s store', async () => {
        const other = await memberWithTicket('SH-002', '13822220001');
        for (const direction of ['inbound', 'outbound']) {
          const res = await w.api('POST', '/api/calls', { token: storeAgent.token, body: { direction, phone: '138 2222 0001', summary: 'hello', durationSeconds: 5 } });
          expect(res.status, direction).to.equal(403);
          expect(res.body.error.code).to.equal('MEMBER_OUT_OF_SCOPE');
          expect(JSON.stringify(res.body)).not.to.contain(String(other.ticketId));
        }
        const fresh = await w.api('POST', '/api/calls', { token: storeAgent.token, body: { direction: 'inbound', phone: '13822220002', summary: 'new caller', durationSeconds: 5 } });
        expect(fresh.status).to.equal(201);
        const ticket = await w.api('GET', `/api/tickets/${fresh.body.ticketId}`, { token: storeAgent.token });
        expect(ticket.body.member.homeStore).to.equal('SH-001');
        const wrongDept = await w.api('POST', '/api/calls', { token: storeAgent.token, body: { direction: 'inbound', phone: '13822220002', summary: 'x', durationSeconds: 5, departmentId: w.deptB } });
        expect(wrongDept.body.error.code).to.equal('DEPARTMENT_OUT_OF_SCOPE');
        const own = await memberWithTicket('SH-001', '13822220003');
        const mismatch = await w.api('POST', '/api/calls', { token: storeAgent.token, body: { direction: 'outbound', phone: '13822220002', summary: 'x', durationSeconds: 5, ticketId: own.ticketId } });
        expect(mismatch.body.error.code).to.equal('PHONE_NOT_TICKET_MEMBER');
      });

      it('lets a grant read a member but not take them over', async () => {
        const { memberId } = await memberWithTicket('SH-002', '13822220004');
        await w.services.privacy.grant(w.admin, { agentId: storeAgent.agentId, memberIds: [memberId], expiresAt: new Date(now.getTime() + 600_000).toISOString(), reason: 'call-back' }, null);
        expect((await w.api('GET', `/api/members/${memberId}`, { token: storeAgent.token })).status).to.equal(200);
        const takeover = await w.api('PATCH', `/api/members/${memberId}`, { token: storeAgent.token, body: { homeStore: 'SH-001' } });
        expect(takeover.status).to.equal(403);
        const member = await w.services.db.read((m) => m.findOneByOrFail(Member, { id: memberId }));
        expect(member.homeStore).to.equal('SH-002');
      });

      it('keeps a store-bound importer inside their stores and names no other member', async () => {
        const sup = await w.services.agents.create({ name: 'Store Sup', email: 'store.sup@test.memberdesk', password: TEST_PASSWORD, role: 'supervisor', departmentIds: [w.deptA], stores: ['SH-001'] });
        const token = w.services.signer.issue(sup.id, 0, now).token;
        await memberWithTicket('SH-002', '13822220005');
        const csv = 'name,store,phone\nElsewhere,SH-009,13822220006\nTaken,SH-001,13822220005\n';
        const res = await w.api('POST', '/api/members/import', { token, raw: csv, contentType: 'text/csv' });
        expect(res.status).to.equal(400);
        expect(res.body.error.details.rows).to.deep.include({ row: 2, field: 'store', message: 'must be one of your stores: SH-001' });
        expect(res.body.error.details.rows).to.deep.include({ row: 3, field: 'phone', message: 'already belongs to another member' });
      });

      it('reads no body before knowing who is calling', async () => {
        const big = 'name\n' + 'x'.repeat(3 * 1024 * 1024);
        const res = await w.api('POST', '/api/members/import', { raw: big, contentType: 'text/csv' });
        expect(res.status).to.equal(401);
      });
    });

    it('masks names too where configured, revealing them only on an audited request', async () => {
      const { MemberService } = await import('../../server/members/member.service.js');
      const masking = new MemberService(w.services.db, w.services.vault, { maskNames: true });
      const created = await masking.create({ name: '张伟伟', homeStore: 'SH-001', identities: { email: 'names@example.com' } });
      expect(created.name).to.equal('张**');
      expect((await masking.get(created.id)).name).to.equal('张**');
      const revealed = await w.services.privacy.reveal(w.supervisorA, created.id, ['name', 'email'], 'confirming identity on a call', '127.0.0.1');
      expect(revealed).to.deep.equal({ name: '张伟伟', email: 'names@example.com' });
      expect((await auditOf('pii.reveal')).at(-1)!.data).to.deep.equal({ fields: ['name', 'email'] });
    });

    it('erases members inactive beyond the retention period, and only those', async () => {
      const idle = await memberWithTicket('SH-001', '13811110008');
      const later = new Date(now.getTime() + 400 * 86_400_000);
      now = later;
      const active = await w.services.tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'still.here@example.com' }, receivedAt: later }));
      const activeMember = (await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: active.ticketId }))).memberId;
      await w.services.db.tx((m) => m.update(Member, { id: activeMember }, { createdAt: new Date(later.getTime() - 500 * 86_400_000) }));
      const erased = await w.services.privacy.eraseInactive(12);
      expect(erased).to.be.greaterThan(0);
      const rows = await w.services.db.read((m) => m.findBy(Member, { id: idle.memberId }));
      expect(rows[0]!.wrappedKey).to.equal('erased');
      expect((await w.services.db.read((m) => m.findOneByOrFail(Member, { id: activeMember }))).wrappedKey).not.to.equal('erased');
      expect(await w.services.privacy.eraseInactive(12)).to.equal(0);
    });
  });
}
