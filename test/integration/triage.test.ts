import { expect } from 'chai';
import { SlaAlert, Ticket, TicketEvent, TriageExample } from '../../server/db/entities/index.js';
import { silentLogger } from '../../server/logger.js';
import { TriageService } from '../../server/triage/triage.service.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/**
 * Triage on the ingest path (ARCHITECTURE §2 step 4–5): labels with reasons stored on the ticket,
 * urgency, category → department routing, re-triage of unconfirmed tickets, and agents' corrections
 * that the shared model learns from.
 */
for (const engine of ENGINES) {
  describe(`triage and routing on ingest [${engine.name}]`, () => {
    let w: TestWorld;
    let member = 0;
    const from = () => ({ kind: 'email' as const, value: `triage-${engine.name}-${++member}@example.com` });
    const ticket = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Ticket, { id }));
    const eventsOf = (ticketId: number, type: string) => w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId, type }, order: { id: 'ASC' } }));
    const ingest = (text: string, over: Parameters<typeof inbound>[0] = {}) => w.services.tickets.ingest(inbound({ subject: '', text, from: from(), ...over }));

    before(async () => {
      w = await startWorld(engine);
      expect(await w.services.triageAdmin.ensureDefaults()).to.equal(true);
      expect(await w.services.triageAdmin.ensureDefaults(), 'installed once').to.equal(false);
    });
    after(async () => { await w.stop(); });

    it('labels the same refund complaint alike in Simplified, Traditional Chinese and English, with the rule as the reason', async () => {
      const texts = {
        'zh-Hans': '我上周买的咖啡机坏了，申请退款一直没有处理，太让人失望了。',
        'zh-Hant': '我上週買的咖啡機壞了，申請退款一直沒有處理，太讓人失望了。',
        en: 'The coffee machine I bought last week broke and my refund request has not been processed. Very disappointing.',
      };
      for (const [language, text] of Object.entries(texts)) {
        const t = await ticket((await ingest(text)).ticketId);
        expect(t.language, text).to.equal(language);
        expect(t.category, text).to.equal('transaction_dispute');
        expect(t.type, text).to.equal('complaint');
        const category = t.triage!.category as { confidence: number; reasons: Array<{ source: string; ruleId?: number }> };
        expect(category.confidence).to.equal(1);
        expect(category.reasons[0]!.source).to.equal('rule');
        expect(category.reasons[0]!.ruleId).to.be.a('number');
        expect(t.triage!.sentiment).to.have.property('value');
      }
    });

    it('makes a food-safety report urgent at once, and the history says why', async () => {
      const { ticketId } = await ingest('昨天在你们门店吃了午餐，全家食物中毒住院了！');
      const t = await ticket(ticketId);
      expect(t.priority).to.equal('urgent');
      const reasons = (t.triage!.priority as { reasons: Array<{ code: string; words?: string[] }> }).reasons;
      expect(reasons.map((r) => r.code)).to.include('urgency.safety');
      const [created] = await eventsOf(ticketId, 'ticket.created');
      expect(created!.data.priority).to.equal('urgent');
    });

    it('raises the priority of a member who writes again within the repeat-contact window', async () => {
      const who = from();
      const first = await ingest('How do I change my delivery address?', { from: who });
      await w.services.tickets.setStatus(w.admin, first.ticketId, 'solved');
      const second = await w.services.tickets.ingest(inbound({ subject: '', text: 'Another question about my delivery address.', from: who, continueOpenTicket: false }));
      expect(second.created).to.equal(true);
      const t = await ticket(second.ticketId);
      expect(['high', 'urgent']).to.include(t.priority);
      expect((t.triage!.priority as { reasons: Array<{ code: string }> }).reasons.map((r) => r.code)).to.include('urgency.repeat_contact');
    });

    it('routes by the category → department map, and a rule department before it', async () => {
      await w.services.triageAdmin.updateCategory('delivery_logistics', { departmentId: w.deptB });
      const routed = await ticket((await ingest('我的快递三天了还没有配送，物流信息也不更新。', { departmentId: w.deptA })).ticketId);
      expect(routed.category).to.equal('delivery_logistics');
      expect(routed.departmentId).to.equal(w.deptB);
      const [created] = await eventsOf(routed.id, 'ticket.created');
      expect(created!.data.routedBy).to.equal('category');

      const rule = await w.services.triageAdmin.createRule({ name: 'VIP lounge to A', match: { keywords: ['贵宾室', 'vip lounge'] }, actions: { departmentId: w.deptA } });
      const byRule = await ticket((await ingest('The VIP lounge parcel delivery was late again.')).ticketId);
      expect(byRule.departmentId).to.equal(w.deptA);
      expect((byRule.triage!.route as { reason: string }).reason).to.equal('rule');
      await w.services.triageAdmin.deleteRule(rule.id);
      await w.services.triageAdmin.updateCategory('delivery_logistics', { departmentId: null });

      // Nothing in triage routes it: the channel's department, else the default one — and the ticket says which.
      const byChannel = await ticket((await ingest('Hello, a question.', { departmentId: w.deptB })).ticketId);
      expect(byChannel.departmentId).to.equal(w.deptB);
      expect(byChannel.triage!.route).to.deep.equal({ departmentId: w.deptB, reason: 'channel' });
      const byDefault = await ticket((await ingest('Hello, another question.')).ticketId);
      expect(byDefault.triage!.route).to.deep.equal({ departmentId: w.deptA, reason: 'default' });
      expect((await eventsOf(byDefault.id, 'ticket.created'))[0]!.data.routedBy).to.equal('default');
    });

    it('keeps the fallback category: "other" cannot be retired', async () => {
      const res = await w.api('PATCH', '/api/categories/other', { token: w.admin.token, body: { active: false } });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('CATEGORY_REQUIRED');
      const repeated = await w.api('POST', '/api/triage/rules', { token: w.admin.token, body: { name: 'slow', match: { regex: '(a|aa)*b' }, actions: { tags: ['x'] } } });
      expect(repeated.status).to.equal(422);
      expect(repeated.body.error).to.deep.include({ code: 'INVALID_RULE', details: { field: 'match.regex' } });
      expect(repeated.body.error.message).to.contain('rule "slow"');
    });

    it('re-triages an unconfirmed ticket when the member writes again, raising priority and never lowering it', async () => {
      const who = { kind: 'webchat' as const, value: `chat-${engine.name}-retriage` };
      const first = await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: '你好，在吗？', from: who }));
      expect((await ticket(first.ticketId)).priority).to.equal('normal');
      const again = await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: '我孩子吃了你们的蛋糕过敏了，脸都肿了！', from: who }));
      expect(again.ticketId).to.equal(first.ticketId);
      const t = await ticket(first.ticketId);
      expect(t.priority).to.equal('urgent');
      const [raised] = await eventsOf(t.id, 'priority.changed');
      expect(raised!.data).to.include({ from: 'normal', to: 'urgent', reason: 'triage' });
      await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: '好的谢谢', from: who }));
      expect((await ticket(first.ticketId)).priority, 'never lowered by triage').to.equal('urgent');
      // An agent lowers it; the same signals (the subject still names the allergy) do not overrule them.
      await w.services.tickets.setPriority(w.admin, first.ticketId, 'normal');
      await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: '好的，等你们消息', from: who }));
      expect((await ticket(first.ticketId)).priority, 'the agent\'s choice stands').to.equal('normal');
    });

    it('leaves labels an agent confirmed alone when the member writes again', async () => {
      const who = { kind: 'webchat' as const, value: `chat-${engine.name}-confirmed` };
      const first = await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: 'Hello there', from: who }));
      await w.services.tickets.correctTriage(w.admin, first.ticketId, { type: 'suggestion', category: 'other' });
      await w.services.tickets.ingest(inbound({ channel: 'webchat', subject: '', text: 'I want a refund, I was charged twice and the food gave my son food poisoning!', from: who }));
      const t = await ticket(first.ticketId);
      expect(t.labelsConfirmed).to.equal(true);
      expect(t.type).to.equal('suggestion');
      expect(t.category).to.equal('other');
      expect(await eventsOf(t.id, 'triage.updated')).to.have.length(0);
      expect(t.priority, 'urgency still rises on a confirmed ticket').to.equal('urgent');
    });

    it('learns from a correction through the API: the next similar text gets the corrected category', async () => {
      const created = await w.api('POST', '/api/categories', { token: w.admin.token, body: { key: 'store_facilities', labelZh: '门店设施', labelEn: 'Store facilities' } });
      expect(created.status).to.equal(201);
      const text = '门店的自助寄存柜坏了，柜门打不开，东西取不出来。';
      const similar = '你们门店的自助寄存柜又坏了，柜门打不开，包取不出来！';
      const before = await w.api('POST', '/api/triage/classify', { token: w.admin.token, body: { text: similar } });
      expect(before.status).to.equal(200);
      expect(before.body.category.value).to.not.equal('store_facilities');

      const { ticketId } = await ingest(text);
      const corrected = await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.admin.token, body: { category: 'store_facilities', type: 'complaint' } });
      expect(corrected.status).to.equal(200);
      expect(corrected.body).to.include({ category: 'store_facilities', type: 'complaint', labelsConfirmed: true });
      expect(corrected.body.triage.category.reasons[0].source).to.equal('agent');
      const [event] = await eventsOf(ticketId, 'triage.corrected');
      expect(event!.data.to).to.include({ category: 'store_facilities' });
      expect(await w.services.db.read((m) => m.countBy(TriageExample, { ticketId }))).to.equal(1);

      const after = await w.api('POST', '/api/triage/classify', { token: w.admin.token, body: { text: similar } });
      expect(after.body.category.value).to.equal('store_facilities');
      expect(after.body.category.reasons[0].source).to.equal('model');
      const next = await ticket((await ingest(similar)).ticketId);
      expect(next.category).to.equal('store_facilities');
      // Another server process trains its model from the same table and classifies the same way.
      const otherProcess = new TriageService({ db: w.services.db, log: silentLogger });
      expect((await otherProcess.preview({ text: similar })).category.value).to.equal('store_facilities');

      // Correcting again replaces the ticket's example instead of adding a second one.
      await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.admin.token, body: { category: 'store_facilities', type: 'suggestion' } });
      expect(await w.services.db.read((m) => m.countBy(TriageExample, { ticketId }))).to.equal(1);
      // The other process notices the replaced row (same count, new id) and retrains rather than double-counting:
      // it ends up with what a process starting now learns from the table.
      await otherProcess.syncModel(true);
      const startedNow = new TriageService({ db: w.services.db, log: silentLogger });
      await startedNow.syncModel(true);
      expect(otherProcess.modelStats()).to.deep.equal(startedNow.modelStats());
      expect(otherProcess.modelStats().examples).to.equal(await w.services.db.read((m) => m.count(TriageExample)));
    });

    it('keeps a logged call in the department of the agent who took it, whatever the category map says', async () => {
      await w.services.triageAdmin.updateCategory('delivery_logistics', { departmentId: w.deptB });
      const res = await w.api('POST', '/api/calls', { token: w.agentA.token, body: { direction: 'inbound', phone: '13811112222', summary: '快递三天了还没到，物流也不更新', durationSeconds: 60, departmentId: w.deptA } });
      expect(res.status).to.equal(201);
      const t = await ticket(res.body.ticketId);
      expect(t.category).to.equal('delivery_logistics');
      expect(t.departmentId).to.equal(w.deptA);
      expect(t.assigneeId).to.equal(w.agentA.agentId);
      await w.services.triageAdmin.updateCategory('delivery_logistics', { departmentId: null });
    });

    it('refuses an unknown category in a correction, and a correction of a ticket the agent cannot see', async () => {
      const { ticketId } = await ingest('Where is my parcel?', { departmentId: w.deptA });
      const unknown = await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.agentA.token, body: { category: 'no_such_thing' } });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.error.code).to.equal('UNKNOWN_CATEGORY');
      const hidden = await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.agentB.token, body: { category: 'other' } });
      expect(hidden.status).to.equal(404);
      // No body at all confirms the labels as they are.
      const confirmed = await w.api('POST', `/api/tickets/${ticketId}/triage`, { token: w.agentA.token });
      expect(confirmed.status).to.equal(200);
      expect(confirmed.body.labelsConfirmed).to.equal(true);
    });

    it('tests rules without creating anything, and refuses a rule that cannot work', async () => {
      const tickets = await w.services.db.read((m) => m.count(Ticket));
      const res = await w.api('POST', '/api/triage/classify', { token: w.admin.token, body: { text: '我要去12315投诉你们！退款拖了一个月', channel: 'wechat', memberTier: 'gold' } });
      expect(res.status).to.equal(200);
      expect(res.body.priority.value).to.equal('urgent');
      expect(res.body.priority.reasons.map((r: { code: string }) => r.code)).to.include('urgency.legal');
      expect(res.body.language.value).to.equal('zh-Hans');
      expect(res.body).to.have.property('sentiment');
      expect(res.body).to.have.property('route');
      expect(await w.services.db.read((m) => m.count(Ticket))).to.equal(tickets);

      const bad = await w.api('POST', '/api/triage/rules', { token: w.admin.token, body: { name: 'broken', match: { regex: '(a+)+$' }, actions: { priority: 'high' } } });
      expect(bad.status).to.equal(422);
      expect(bad.body.error.code).to.equal('INVALID_RULE');
      const empty = await w.api('POST', '/api/triage/rules', { token: w.admin.token, body: { name: 'no match', match: {}, actions: { priority: 'high' } } });
      expect(empty.status).to.equal(422);
      const noCategory = await w.api('POST', '/api/triage/rules', { token: w.admin.token, body: { name: 'x', match: { keywords: ['x'] }, actions: { category: 'nope' } } });
      expect(noCategory.body.error.code).to.equal('UNKNOWN_CATEGORY');
      const agent = await w.api('POST', '/api/triage/classify', { token: w.agentA.token, body: { text: 'hi' } });
      expect(agent.status).to.equal(403);
    });

    it('lets admins edit, disable, reorder and delete rules, and applies edits to the next ticket at once', async () => {
      const a = (await w.api('POST', '/api/triage/rules', { token: w.admin.token, body: { name: 'Gift card', match: { keywords: ['礼品卡', 'gift card'] }, actions: { category: 'points_membership', tags: ['gift-card'] } } })).body;
      const t1 = await ticket((await ingest('My gift card balance disappeared')).ticketId);
      expect(t1.tags).to.include('gift-card');
      expect(t1.category).to.equal('points_membership');
      const off = await w.api('PATCH', `/api/triage/rules/${a.id}`, { token: w.admin.token, body: { enabled: false } });
      expect(off.body.enabled).to.equal(false);
      const t2 = await ticket((await ingest('My gift card balance disappeared again')).ticketId);
      expect(t2.tags).to.not.include('gift-card');
      const rules = (await w.api('GET', '/api/triage/rules', { token: w.admin.token })).body.items as Array<{ id: number }>;
      const reversed = rules.map((r) => r.id).reverse();
      const ordered = await w.api('PUT', '/api/triage/rules/order', { token: w.admin.token, body: { ids: reversed } });
      expect(ordered.body.items.map((r: { id: number }) => r.id)).to.deep.equal(reversed);
      const partial = await w.api('PUT', '/api/triage/rules/order', { token: w.admin.token, body: { ids: reversed.slice(1) } });
      expect(partial.body.error.code).to.equal('RULE_ORDER_MISMATCH');
      expect((await w.api('DELETE', `/api/triage/rules/${a.id}`, { token: w.admin.token })).status).to.equal(204);
      expect((await w.api('GET', `/api/triage/rules/${a.id}`, { token: w.admin.token })).status).to.equal(404);
    });

    it('changes urgency signals through settings', async () => {
      const patched = await w.api('PATCH', '/api/triage/settings', { token: w.admin.token, body: { tierBoost: { gold: 2 } } });
      expect(patched.status).to.equal(200);
      expect(patched.body.tierBoost).to.deep.equal({ gold: 2 });
      const res = await w.api('POST', '/api/triage/classify', { token: w.admin.token, body: { text: 'How do I update my address?', memberTier: 'gold' } });
      expect(res.body.priority.value).to.equal('urgent');
      await w.api('PATCH', '/api/triage/settings', { token: w.admin.token, body: { tierBoost: { diamond: 1 } } });
    });

    it('notifies the department of an urgent ticket as it arrives', async () => {
      const { ticketId } = await ingest('The staff member injured my child, I will call my lawyer and sue.', { departmentId: w.deptA });
      expect((await ticket(ticketId)).priority).to.equal('urgent');
      const alerts = await w.services.db.read((m) => m.findBy(SlaAlert, { ticketId }));
      expect(alerts.map((a) => a.metric)).to.include('ticket');
    });

    it('forgets what it learned from a member who is erased', async () => {
      const who = from();
      const { ticketId } = await ingest('积分兑换的优惠券在门店用不了', { from: who });
      await w.services.tickets.correctTriage(w.admin, ticketId, { category: 'points_membership' });
      const memberId = (await ticket(ticketId)).memberId;
      await w.services.privacy.erase({ type: 'agent', id: w.admin.agentId }, memberId, 'member asked', null);
      expect(await w.services.db.read((m) => m.countBy(TriageExample, { ticketId }))).to.equal(0);
      expect((await ticket(ticketId)).triage).to.equal(null);
    });
  });
}
