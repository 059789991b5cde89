import { expect } from 'chai';
import { ChannelRegistry } from '../../channels/channel.js';
import { EmailAdapter } from '../../channels/email/email.adapter.js';
import type { Principal } from '../../server/agents/principal.js';
import { Notification, SlaAlert, SuggestionDecision, Survey, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import { alertEmail } from '../../server/notify/alert-email.js';
import type { NotificationPayload, Notifier, OutgoingNotification } from '../../server/notify/notification.js';
import { DEFAULT_DIGEST_SCHEDULE } from '../../server/suggestions/digest.js';
import { SuggestionService, SUGGESTION_POLICY_NAME, SUGGESTION_RESOLUTION_MINUTES } from '../../server/suggestions/suggestion.service.js';
import { ENGINES } from '../helpers/engines.js';
import { expectEventually } from '../helpers/expect-eventually.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';
import { slaTick } from '../helpers/sla.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { startMockBot } from '../helpers/wechat-mock.js';

/** A clock the test moves (SLA deadlines, the weekly digest). */
function manualClock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), set: (iso: string | Date) => { now = new Date(iso).getTime(); } };
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Staff notifications are written only for channels with a sender: an email one that records. */
class StaffMail implements Notifier {
  readonly channel = 'email' as const;
  sent: OutgoingNotification[] = [];
  async send(n: OutgoingNotification) { this.sent.push(n); return { providerRef: null }; }
}

for (const engine of ENGINES) {
  describe(`suggestions [${engine.name}]`, function () {
    this.timeout(60_000);
    let w: TestWorld;
    let smtp: SmtpCapture;
    let email: EmailAdapter;
    const staffMail = new StaffMail();
    const clock = manualClock(new Date().toISOString());

    before(async () => {
      smtp = await startSmtpCapture();
      email = new EmailAdapter({
        transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true },
        from: { address: 'support@helpdesk.test', name: 'MemberDesk' }, secret: 'suggestion-test-threading', domain: 'helpdesk.test',
      });
      w = await startWorld(engine, { clock, startSurveys: false, notifiers: [staffMail], channels: new ChannelRegistry().register(email) });
      expect(await w.services.suggestions.ensureDefaults()).to.equal(true);
      // Once per installation, however often the server starts.
      expect(await w.services.suggestions.ensureDefaults()).to.equal(false);
      // A process that claimed the install and died before it: a fresh claim waits, a minute-old one is taken over.
      const policies = async () => (await w.services.slaAdmin.policies()).filter((p) => p.name.startsWith('Suggestions'));
      expect(await policies()).to.have.length(1);
      await w.services.db.sqlTx((sql) => sql.run("UPDATE setting SET value = ? WHERE `key` = 'suggestions.slaPolicy'", [`pending:${Date.now()}`]));
      expect(await w.services.suggestions.ensureDefaults()).to.equal(false);
      const [installed] = await policies();
      await w.services.db.sqlTx(async (sql) => {
        await sql.run('DELETE FROM sla_policy WHERE id = ?', [installed!.id]);
        await sql.run("UPDATE setting SET value = ? WHERE `key` = 'suggestions.slaPolicy'", [`pending:${Date.now() - 120_000}`]);
      });
      expect(await w.services.suggestions.ensureDefaults()).to.equal(true);
      expect(await policies()).to.have.length(1);
    });
    afterEach(() => { clock.set(new Date()); });
    after(async () => {
      await w.stop();
      email.close();
      await smtp.close();
    });

    /** A staff token valid on the service clock (which the SLA and digest tests move). */
    const tokenOf = (agentId: number) => w.services.signer.issue(agentId, 0, clock.now()).token;
    const mailsTo = (address: string) => smtp.received.filter((m) => !Array.isArray(m.to) && m.to?.value.some((a) => a.address === address));
    const ticketOf = (id: number) => w.services.db.read((m) => m.findOneByOrFail(Ticket, { id }));
    const eventsOf = (ticketId: number) => w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId }, order: { id: 'ASC' } }));
    const decisions = () => w.services.db.read((m) => m.count(SuggestionDecision));
    /** A member's emailed suggestion in department A (or `departmentId`). */
    const suggestion = async (address: string, text = '建议在会员App里增加积分到期提醒功能，方便我们及时使用积分。', departmentId = w.deptA) => {
      const t = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: address }, departmentId, subject: '一个建议', text, receivedAt: clock.now() }));
      expect((await ticketOf(t.ticketId)).type).to.equal('suggestion');
      return t.ticketId;
    };
    const decide = (token: string, body: Record<string, unknown>) => w.api('POST', '/api/suggestions/decisions', { token, body });

    it('installs the decision SLA policy first, for suggestions only; a suggestion waits in the queue with its deadline', async () => {
      const policies = await w.services.slaAdmin.policies();
      expect(policies[0]).to.include({ name: SUGGESTION_POLICY_NAME, resolutionMinutes: SUGGESTION_RESOLUTION_MINUTES, firstResponseMinutes: null, position: 1 });
      expect(policies[0]!.conditions).to.deep.equal({ types: ['suggestion'] });
      const id = await suggestion('queue@example.com');
      const t = await ticketOf(id);
      expect(t.slaPolicyId).to.equal(policies[0]!.id);
      // Department A has no calendar: 24×7, so 4800 working minutes are 80 hours.
      expect(t.resolutionDueAt!.getTime() - t.createdAt.getTime()).to.be.closeTo(SUGGESTION_RESOLUTION_MINUTES * MINUTE, 2_000);
      const list = await w.api('GET', '/api/suggestions?state=awaiting', { token: tokenOf(w.agentA.agentId) });
      expect(list.status).to.equal(200);
      const item = list.body.items.find((i: { ticketId: number }) => i.ticketId === id);
      expect(item).to.include({ departmentId: w.deptA, memberTier: 'standard', channel: 'email', resolutionBreached: false, decision: null });
      expect(item.excerpt).to.contain('积分到期提醒');
      expect(item.resolutionDueAt).to.equal(t.resolutionDueAt!.toISOString());
      // Not department B's business; search by words of the subject.
      expect((await w.api('GET', '/api/suggestions', { token: tokenOf(w.agentB.agentId) })).body.items.map((i: { ticketId: number }) => i.ticketId)).to.not.include(id);
      expect((await w.api('GET', `/api/suggestions?q=${encodeURIComponent('一个建议')}`, { token: tokenOf(w.agentA.agentId) })).body.items.length).to.be.greaterThan(0);
      expect((await w.api('GET', '/api/suggestions?q=nothing-like-this', { token: tokenOf(w.agentA.agentId) })).body.items).to.deep.equal([]);
      // Keyset pages: one at a time, oldest first, each suggestion once.
      await suggestion('queue2@example.com');
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ ticketId: number }>; nextCursor: string | null } } = await w.api('GET', `/api/suggestions?state=all&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: tokenOf(w.agentA.agentId) });
        expect(page.body.items.length).to.be.at.most(1);
        seen.push(...page.body.items.map((i) => i.ticketId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).to.have.length(2);
      expect(seen[0]).to.equal(id);
    });

    it('adopt: the member gets the decision by email in their language; the ticket is solved without a survey', async () => {
      const address = 'adopt@example.com';
      const id = await suggestion(address);
      const res = await decide(tokenOf(w.supervisorA.agentId), { ticketIds: [id], outcome: 'adopted', summary: '我们将在 App 中增加积分到期提醒', effectiveOn: '2027-01-15' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ outcome: 'adopted', effectiveOn: '2027-01-15', departmentId: w.deptA, decidedBy: w.supervisorA.agentId });
      expect(res.body.tickets.map((t: { ticketId: number }) => t.ticketId)).to.deep.equal([id]);
      const t = await ticketOf(id);
      expect(t).to.include({ status: 'solved', suggestionDecisionId: res.body.id });
      const events = await eventsOf(id);
      expect(events.find((e) => e.type === 'suggestion.decided')!.data).to.include({ decisionId: res.body.id, outcome: 'adopted', channel: 'email' });
      expect(events.find((e) => e.type === 'status.changed')!.data).to.deep.equal({ from: 'new', to: 'solved', reason: 'suggestion_decided' });
      expect(await w.services.db.read((m) => m.count(Survey, { where: { ticketId: id } }))).to.equal(0);
      const [mail] = await expectEventually(() => { const got = mailsTo(address); expect(got).to.have.length(1); return got; }, 10_000);
      expect(mail!.text).to.contain('感谢您提出的宝贵建议');
      expect(mail!.text).to.contain('已被采纳：我们将在 App 中增加积分到期提醒。');
      expect(mail!.text).to.contain('2027-01-15');
      expect(mail!.text).to.contain(t.number!);
      // Decided: no longer awaiting; listed as decided with its decision.
      const awaiting = await w.api('GET', '/api/suggestions', { token: tokenOf(w.agentA.agentId) });
      expect(awaiting.body.items.map((i: { ticketId: number }) => i.ticketId)).to.not.include(id);
      const done = await w.api('GET', '/api/suggestions?state=decided', { token: tokenOf(w.agentA.agentId) });
      expect(done.body.items.find((i: { ticketId: number }) => i.ticketId === id).decision).to.include({ id: res.body.id, outcome: 'adopted', effectiveOn: '2027-01-15' });
    });

    it('decline on WeChat (wechaty mock puppet): the member reads the reason in the chat', async () => {
      const { bot, me, member, said } = await startMockBot(w.services);
      try {
        member.say('建议你们门店周末延长营业到晚上十点').to(me);
        const ticket = await expectEventually(async () => {
          const t = await w.services.db.read((m) => m.findOne(Ticket, { where: { channel: 'wechat' }, order: { id: 'DESC' } }));
          expect(t).to.not.equal(null);
          return t!;
        });
        expect(ticket.type).to.equal('suggestion');
        await w.services.db.sqlTx((sql) => sql.run('UPDATE ticket SET departmentId = ? WHERE id = ?', [w.deptA, ticket.id]));
        const res = await decide(tokenOf(w.agentA.agentId), { ticketIds: [ticket.id], outcome: 'declined', summary: '门店营业时间受商场统一管理，暂时无法调整' });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        await expectEventually(() => expect(said.some((t) => t.includes('暂时无法采纳') && t.includes('门店营业时间受商场统一管理，暂时无法调整。'))).to.equal(true), 10_000);
        expect((await ticketOf(ticket.id)).status).to.equal('solved');
      } finally {
        await bot.stop();
      }
    });

    it('groups alike suggestions under one decision: each member is told, and one added later too', async () => {
      const addresses = ['group1@example.com', 'group2@example.com', 'group3@example.com'];
      const ids = [];
      for (const a of addresses) ids.push(await suggestion(a, '建议增加自助积分兑换机，排队太久了。'));
      const res = await decide(tokenOf(w.supervisorA.agentId), { ticketIds: ids, outcome: 'planned', summary: '我们计划在各门店增设自助积分兑换机', effectiveOn: '2027-06-01' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.tickets.map((t: { ticketId: number }) => t.ticketId)).to.deep.equal(ids);
      for (const a of addresses) {
        await expectEventually(() => expect(mailsTo(a)).to.have.length(1), 10_000);
        expect(mailsTo(a)[0]!.text).to.contain('纳入后续改进计划：我们计划在各门店增设自助积分兑换机。');
      }
      const late = await suggestion('group4@example.com', '能不能增加自助兑换机？建议考虑。');
      const added = await w.api('POST', `/api/suggestions/decisions/${res.body.id}/tickets`, { token: tokenOf(w.agentA.agentId), body: { ticketIds: [late] } });
      expect(added.status, JSON.stringify(added.body)).to.equal(200);
      expect(added.body.tickets.map((t: { ticketId: number }) => t.ticketId)).to.deep.equal([...ids, late]);
      await expectEventually(() => expect(mailsTo('group4@example.com')).to.have.length(1), 10_000);
      expect(mailsTo('group4@example.com')[0]!.text).to.contain('2027-06-01');
      expect((await ticketOf(late)).suggestionDecisionId).to.equal(res.body.id);
      const got = await w.api('GET', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.agentA.agentId) });
      expect(got.status).to.equal(200);
      expect(got.body).to.include({ id: res.body.id, outcome: 'planned' });
      expect(got.body.tickets).to.have.length(4);
      // Department B cannot see it: as if missing.
      expect((await w.api('GET', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.agentB.agentId) })).status).to.equal(404);

      // A correction of the record: every ticket notes it, no member is written to again.
      const mailsBefore = smtp.received.length;
      const patched = await w.api('PATCH', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.supervisorA.agentId), body: { effectiveOn: '2027-07-01' } });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      expect(patched.body).to.include({ effectiveOn: '2027-07-01', summary: '我们计划在各门店增设自助积分兑换机', outcome: 'planned' });
      for (const t of [...ids, late]) {
        const noted = (await eventsOf(t)).filter((e) => e.type === 'suggestion.decision_updated');
        expect(noted.map((e) => e.data)).to.deep.equal([{ decisionId: res.body.id, changes: { effectiveOn: { from: '2027-06-01', to: '2027-07-01' } } }]);
      }
      expect((await w.api('PATCH', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.agentB.agentId), body: { summary: 'x' } })).status).to.equal(404);
      expect((await w.api('PATCH', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.supervisorA.agentId), body: {} })).status).to.equal(400);
      expect((await w.api('PATCH', `/api/suggestions/decisions/${res.body.id}`, { token: tokenOf(w.supervisorA.agentId), body: { outcome: 'declined' } })).status).to.equal(400);
      expect(smtp.received.length).to.equal(mailsBefore);
    });

    it('a phone suggestion is answered by email when the member has an address, else recorded without a written message', async () => {
      await w.services.members.create({ name: 'Phone Mail', identities: { phone: '13700001111', email: 'phone.mail@example.com' } });
      const call = (phone: string) => w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: phone }, departmentId: w.deptA, text: '电话里会员建议：停车场增加充电桩。', receivedAt: clock.now() }));
      const a = (await call('13700001111')).ticketId;
      const b = (await call('13700002222')).ticketId;
      expect((await ticketOf(a)).type).to.equal('suggestion');
      const res = await decide(tokenOf(w.agentA.agentId), { ticketIds: [a, b], outcome: 'planned', summary: '明年一季度增设充电桩' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      await expectEventually(() => expect(mailsTo('phone.mail@example.com')).to.have.length(1), 10_000);
      const decidedB = (await eventsOf(b)).find((e) => e.type === 'suggestion.decided')!;
      expect(decidedB.data).to.include({ messageId: null, channel: null });
      expect((await ticketOf(b)).status).to.equal('solved');
    });

    it('refuses what is not an open suggestion of one visible department, writing nothing', async () => {
      const before = await decisions();
      const enquiry = (await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: 'ask@example.com' }, departmentId: w.deptA, text: '请问积分怎么查询？', receivedAt: clock.now() }))).ticketId;
      expect((await ticketOf(enquiry)).type).to.not.equal('suggestion');
      const open = await suggestion('refuse1@example.com');
      const other = await suggestion('refuse2@example.com', '建议增加英文菜单。', w.deptB);
      const sup = tokenOf(w.supervisorA.agentId);
      const body = (ticketIds: number[]) => ({ ticketIds, outcome: 'declined', summary: '暂不考虑' });

      const notSuggestion = await decide(sup, body([open, enquiry]));
      expect(notSuggestion.status).to.equal(422);
      expect(notSuggestion.body.error.code).to.equal('SUGGESTION_NOT_A_SUGGESTION');
      const hidden = await decide(sup, body([open, other]));
      expect(hidden.status).to.equal(404);
      expect(hidden.body.error.code).to.equal('NOT_FOUND');
      const mixed = await decide(tokenOf(w.admin.agentId), body([open, other]));
      expect(mixed.status).to.equal(422);
      expect(mixed.body.error.code).to.equal('SUGGESTION_DEPARTMENT_MISMATCH');
      expect(await decisions()).to.equal(before);
      expect((await ticketOf(open)).status).to.equal('new');

      expect((await decide(sup, body([open]))).status).to.equal(201);
      const again = await decide(sup, body([open]));
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('SUGGESTION_ALREADY_DECIDED');
      const fresh = await suggestion('refuse3@example.com');
      const partly = await decide(sup, body([fresh, open]));
      expect(partly.body.error.code).to.equal('SUGGESTION_ALREADY_DECIDED');
      expect((await ticketOf(fresh)).suggestionDecisionId).to.equal(null);
      expect(await decisions()).to.equal(before + 1);
      // Agent B cannot add department B's suggestion to A's decision, nor see A's.
      const decisionId = (await ticketOf(open)).suggestionDecisionId!;
      expect((await w.api('POST', `/api/suggestions/decisions/${decisionId}/tickets`, { token: tokenOf(w.agentB.agentId), body: { ticketIds: [other] } })).status).to.equal(404);
      const wrongDept = await w.api('POST', `/api/suggestions/decisions/${decisionId}/tickets`, { token: tokenOf(w.admin.agentId), body: { ticketIds: [other] } });
      expect(wrongDept.body.error.code).to.equal('SUGGESTION_DEPARTMENT_MISMATCH');
      // Schema: at least one ticket, a summary, a real outcome.
      expect((await decide(sup, { ticketIds: [], outcome: 'declined', summary: 'x' })).status).to.equal(400);
      expect((await decide(sup, { ticketIds: [fresh], outcome: 'maybe', summary: 'x' })).status).to.equal(400);
    });

    it('templates: a department edits its wording (known placeholders only) and its members get it; deleting falls back', async () => {
      const sup = tokenOf(w.supervisorA.agentId);
      const path = `/api/suggestions/templates/${w.deptA}/suggestion.declined/zh-Hans`;
      const custom = '亲爱的会员：{department}认真研究了您的建议（{ticketNumber}），本次暂不采纳。原因：{summary}谢谢！';
      const bad = await w.api('PUT', path, { token: sup, body: { body: '您好 {name}，{summary}' } });
      expect(bad.status).to.equal(422);
      expect(bad.body.error.code).to.equal('TEMPLATE_UNKNOWN_PLACEHOLDER');
      expect((await w.api('PUT', path, { token: tokenOf(w.agentA.agentId), body: { body: custom } })).status).to.equal(403);
      const badKey = await w.api('PUT', `/api/suggestions/templates/${w.deptA}/survey.prompt/fr`, { token: sup, body: { body: custom } });
      expect(badKey.status).to.equal(400);
      expect(badKey.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['path.key', 'path.language']);
      expect((await w.api('PUT', '/api/suggestions/templates/0/suggestion.declined/zh-Hans', { token: sup, body: { body: custom } })).status).to.equal(403);
      expect((await w.api('PUT', `/api/suggestions/templates/${w.deptB}/suggestion.declined/zh-Hans`, { token: sup, body: { body: custom } })).status).to.equal(403);
      const saved = await w.api('PUT', path, { token: sup, body: { body: custom } });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
      expect(saved.body).to.include({ source: 'department', body: custom });
      const listed = await w.api('GET', `/api/suggestions/templates?departmentId=${w.deptA}`, { token: tokenOf(w.agentA.agentId) });
      expect(listed.body.items).to.have.length(9);
      expect(listed.body.items.find((i: { key: string; language: string }) => i.key === 'suggestion.declined' && i.language === 'zh-Hans')).to.include({ source: 'department', body: custom });
      expect(listed.body.items.find((i: { key: string; language: string }) => i.key === 'suggestion.adopted' && i.language === 'en')).to.include({ source: 'builtin' });

      const id = await suggestion('template@example.com');
      expect((await decide(sup, { ticketIds: [id], outcome: 'declined', summary: '该功能与现有积分规则冲突' })).status).to.equal(201);
      await expectEventually(() => expect(mailsTo('template@example.com')).to.have.length(1), 10_000);
      const number = (await ticketOf(id)).number!;
      expect(mailsTo('template@example.com')[0]!.text).to.contain(`亲爱的会员：Dept A认真研究了您的建议（${number}），本次暂不采纳。原因：该功能与现有积分规则冲突。谢谢！`);

      expect((await w.api('DELETE', path, { token: sup })).status).to.equal(204);
      const after = await w.api('GET', `/api/suggestions/templates?departmentId=${w.deptA}`, { token: sup });
      expect(after.body.items.find((i: { key: string; language: string }) => i.key === 'suggestion.declined' && i.language === 'zh-Hans')).to.include({ source: 'builtin' });
    });

    it('an overdue suggestion breaches its decision deadline and escalates like any other clock', async () => {
      expect((await w.api('PATCH', `/api/departments/${w.deptA}`, { token: tokenOf(w.admin.agentId), body: { headAgentId: w.supervisorA.agentId } })).status).to.equal(200);
      const id = await suggestion('overdue@example.com', '建议增加会员生日月双倍积分活动。');
      const t = await ticketOf(id);
      const policyId = (await w.services.slaAdmin.policies())[0]!.id;
      expect(t.slaPolicyId).to.equal(policyId);
      clock.set(new Date(t.resolutionDueAt!.getTime() + MINUTE));
      await slaTick(w.services, clock.now());
      const breach = await w.services.db.read((m) => m.findOneBy(SlaAlert, { ticketId: id, kind: 'breach', metric: 'resolution', level: 1 }));
      expect(breach, 'resolution breach').to.not.equal(null);
      expect((await ticketOf(id)).resolutionBreached).to.equal(true);
      // The department head is told, as for any breach.
      const told = await w.services.db.read((m) => m.find(Notification, { where: { alertId: breach!.id } }));
      expect(told.map((n) => [n.channel, n.agentId])).to.deep.include(['email', w.supervisorA.agentId]);
      expect((told[0]!.payload as unknown as NotificationPayload)).to.include({ kind: 'sla.breached', metric: 'resolution' });
      const list = await w.api('GET', '/api/suggestions', { token: tokenOf(w.agentA.agentId) });
      expect(list.body.items.find((i: { ticketId: number }) => i.ticketId === id)).to.include({ resolutionBreached: true });
    });

    it('the weekly digest: exact counts on a constructed dataset, sent once per department and week even with two workers; the report agrees', async () => {
      // A department of its own, whose head reads Chinese; the week closes Monday 2027-03-01 09:00 Asia/Shanghai.
      const dept = (await w.services.departments.create({ name: '会员体验部' })).id;
      const head = await w.services.agents.create({ name: '王经理', email: 'head.digest@test.memberdesk', password: TEST_PASSWORD, role: 'supervisor', departmentIds: [dept], locale: 'zh-CN' });
      await w.services.departments.update(dept, { headAgentId: head.id });
      const closes = new Date('2027-03-01T01:00:00.000Z');
      const at = (days: number) => new Date(closes.getTime() - days * DAY);
      const admin: Principal = { agentId: w.admin.agentId, role: 'admin', departmentIds: [] };
      const make = async (days: number, n: string) => { clock.set(at(days)); return suggestion(`digest-${n}@example.com`, `建议${n}：希望增加更多会员活动。`, dept); };
      const old = await make(12, 'old');           // decided in the week (planned): decided, not new
      const stale = await make(10, 'stale');       // before the week, still waiting, past due: awaiting, overdue
      const s1 = await make(6, 's1');              // new, waiting, past due by the close: overdue
      const s2 = await make(5, 's2');              // new, adopted
      const s3 = await make(5, 's3');              // new, declined
      const s4 = await make(5, 's4');              // new, waiting, past due: overdue
      const s5 = await make(1, 's5');              // new, waiting, not yet due
      clock.set(at(4));
      await w.services.suggestions.decide(admin, { ticketIds: [s2], outcome: 'adopted', summary: '已采纳' });
      await w.services.suggestions.decide(admin, { ticketIds: [s3], outcome: 'declined', summary: '暂不采纳' });
      clock.set(at(3));
      await w.services.suggestions.decide(admin, { ticketIds: [old], outcome: 'planned', summary: '已纳入计划' });
      // `old` was decided in the week (planned): decided, though not new.
      const expected = { new: 5, decided: { adopted: 1, planned: 1, declined: 1 }, awaiting: 4, overdue: 3 };
      const digestRows = async (closing: Date) => (await w.services.db.read((m) => m.find(Notification, { where: { agentId: head.id } })))
        .filter((r) => { const p = r.payload as unknown as NotificationPayload; return p.kind === 'suggestion.digest' && p.digest?.period.to === closing.toISOString(); });

      // A minute before the close, the week before is the latest closed one: its digest (two new then) is all that goes.
      clock.set(new Date(closes.getTime() - MINUTE));
      await w.services.suggestions.runDigests();
      const earlier = await digestRows(at(7));
      expect(earlier).to.have.length(1);
      expect((earlier[0]!.payload as unknown as NotificationPayload).digest!.counts.new).to.equal(2);
      expect(await digestRows(closes)).to.have.length(0);

      clock.set(new Date(closes.getTime() + MINUTE));
      const second = new SuggestionService({
        db: w.services.db, clock, log: w.services.log, tickets: w.services.tickets, slaAdmin: w.services.slaAdmin, recomputeSla: () => {},
        notifyChannels: () => ({ email: true, slack: false }), onNotificationsWritten: () => {}, queueUrl: 'http://localhost/#/suggestions', digest: DEFAULT_DIGEST_SCHEDULE,
      });
      const runs = await Promise.all([w.services.suggestions.runDigests(), second.runDigests(), w.services.suggestions.runDigests()]);
      expect(runs[0]!.nextInMs).to.equal(7 * DAY - MINUTE);
      const rows = await digestRows(closes);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ channel: 'email', target: 'head.digest@test.memberdesk', ticketId: 0 });
      const payload = rows[0]!.payload as unknown as NotificationPayload;
      expect(payload.digest!.counts).to.deep.equal(expected);
      expect(payload.digest!.period).to.deep.equal({ from: at(7).toISOString(), to: closes.toISOString() });
      expect(payload.digest!.overdue.map((o) => o.number)).to.have.length(3);
      // Sent once: a later pass in the same week writes nothing more.
      clock.set(new Date(closes.getTime() + 2 * DAY));
      await w.services.suggestions.runDigests();
      expect(await digestRows(closes)).to.have.length(1);

      // What the head reads (the notification worker renders the same payload).
      await w.services.notifications.runOnce();
      const sent = staffMail.sent.find((n) => n.payload.kind === 'suggestion.digest' && n.payload.contact.agentId === head.id && n.payload.digest?.period.to === closes.toISOString())!;
      const mail = alertEmail(sent.payload);
      expect(mail.subject).to.contain('本周会员建议：会员体验部：新 5，已决定 3，超期 3');
      expect(mail.text).to.contain('新建议 / New suggestions: 5');
      expect(mail.text).to.contain('已决定 / Decided: 3');
      expect(mail.text).to.contain('采纳 / adopted: 1');
      expect(mail.text).to.contain('计划中 / planned: 1');
      expect(mail.text).to.contain('暂不采纳 / declined: 1');
      expect(mail.text).to.contain('待决定 / Awaiting a decision: 4');
      expect(mail.text).to.contain('已超期 / Overdue: 3');
      expect(mail.text.indexOf('王经理，您好')).to.be.lessThan(mail.text.indexOf('Hello 王经理'));

      // The same figures as a report, as JSON and CSV (the clock still reads two days after the close).
      const q = `from=${encodeURIComponent(at(7).toISOString())}&to=${encodeURIComponent(closes.toISOString())}&departmentId=${dept}`;
      const report = await w.api('GET', `/api/reports/suggestions?${q}`, { token: tokenOf(w.admin.agentId) });
      expect(report.status, JSON.stringify(report.body)).to.equal(200);
      const { rows: reportRows, period, ...counts } = report.body;
      expect(counts).to.deep.equal(expected);
      expect(period).to.deep.equal({ from: at(7).toISOString(), to: closes.toISOString() });
      expect(reportRows).to.have.length(7);
      expect(reportRows.filter((r: { overdue: boolean }) => r.overdue).map((r: { ticketId: number }) => r.ticketId).sort()).to.deep.equal([stale, s1, s4].sort());
      expect(reportRows.find((r: { ticketId: number }) => r.ticketId === s2)).to.include({ state: 'decided', outcome: 'adopted' });
      const csv = await w.api('GET', `/api/reports/suggestions?${q}&format=csv`, { token: tokenOf(w.admin.agentId) });
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-type')).to.contain('text/csv');
      const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).to.equal('ticketId,number,subject,departmentId,createdAt,state,outcome,decidedAt,dueAt,overdue');
      expect(lines).to.have.length(8);
      // A supervisor of another department is refused; an agent is not a report reader.
      expect((await w.api('GET', `/api/reports/suggestions?${q}`, { token: tokenOf(w.supervisorA.agentId) })).status).to.equal(403);
      expect((await w.api('GET', `/api/reports/suggestions?${q}`, { token: tokenOf(w.agentA.agentId) })).status).to.equal(403);
    });
  });
}
