import { expect } from 'chai';
import { AuditEntry, Ticket } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/** A contact nobody knew (a WeChat contact that never bound itself) linked to its member by a supervisor. */
for (const engine of ENGINES) {
  describe(`linking a first-contact record to its member (${engine.name})`, function () {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine); });
    after(async () => { await w.stop(); });

    it('moves the contact and its tickets on that channel to the member, audited; the next message threads to the member', async () => {
      const first = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: { kind: 'wechat', value: 'wx:link-contact-1' }, departmentId: w.deptA, text: '我的积分呢' }));
      const placeholder = (await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).memberId;
      const member = await w.services.members.create({ name: '张伟', memberNumber: 'M-778899', tier: 'gold' });

      const asAgent = await w.api('POST', `/api/tickets/${first.ticketId}/link-member`, { token: w.agentA.token, body: { memberId: member.id } });
      expect(asAgent.status).to.equal(403);
      const otherDept = await w.api('POST', `/api/tickets/${first.ticketId}/link-member`, { token: w.agentB.token, body: { memberId: member.id } });
      expect(otherDept.status).to.equal(403);

      const res = await w.api('POST', `/api/tickets/${first.ticketId}/link-member`, { token: w.supervisorA.token, body: { memberId: member.id } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.equal({ tickets: 1, memberId: member.id });
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: first.ticketId }))).memberId).to.equal(member.id);
      expect((await w.services.members.findByIdentity('wechat', 'wx:link-contact-1'))!.id).to.equal(member.id);
      expect((await w.services.members.get(member.id)).identities.map((i) => i.kind)).to.deep.equal(['wechat']);
      expect((await w.services.members.get(placeholder)).identities).to.deep.equal([]);

      const next = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: { kind: 'wechat', value: 'wx:link-contact-1' }, text: '还在吗' }));
      expect(next.ticketId).to.equal(first.ticketId);
      const audit = await w.services.db.read((m) => m.findBy(AuditEntry, { action: 'member.link' }));
      expect(audit.map((a) => a.data)).to.deep.include({ fromMemberId: placeholder, kind: 'wechat', ticketId: first.ticketId, tickets: 1 });

      // Done once: the record the ticket now points at has the contact already.
      const again = await w.api('POST', `/api/tickets/${first.ticketId}/link-member`, { token: w.supervisorA.token, body: { memberId: member.id } });
      expect(again.status).to.equal(422);
      expect(again.body.error.code).to.equal('SAME_MEMBER');
    });

    it('refuses to overwrite a member\'s own contact of that kind', async () => {
      const t = await w.services.tickets.ingest(inbound({ channel: 'wechat', from: { kind: 'wechat', value: 'wx:link-contact-2' }, departmentId: w.deptA }));
      const member = await w.services.members.create({ name: 'Li Lei', identities: { wechat: 'wx:already-bound' } });
      const res = await w.api('POST', `/api/tickets/${t.ticketId}/link-member`, { token: w.supervisorA.token, body: { memberId: member.id } });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('CONTACT_EXISTS');
      // Nothing moved.
      expect((await w.services.members.findByIdentity('wechat', 'wx:link-contact-2'))!.id).to.not.equal(member.id);
    });
  });
}
