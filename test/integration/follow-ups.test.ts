import { expect } from 'chai';
import { FollowUp, Ticket, TicketEvent } from '../../server/db/entities/index.js';
import { addWorkingDays, type BusinessCalendar } from '../../sla/index.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, type TestWorld } from '../helpers/harness.js';

/** A clock the test moves; follow-ups fall due at the times it sets. */
function manualClock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => { now += ms; }, set: (iso: string) => { now = new Date(iso).getTime(); } };
}

const MINUTE = 60_000;
/** Monday to Friday, 09:00–18:00 Shanghai (no DST). 2026-06-05 is a Friday. */
const MON_FRI: BusinessCalendar = {
  timezone: 'Asia/Shanghai',
  weekly: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
};
const FRIDAY_10 = '2026-06-05T10:00:00+08:00';
/** Seven working days after Friday 5 June 10:00: Mon 8 … Fri 12, Mon 15, Tue 16 June, 10:00. */
const DUE = '2026-06-16T10:00:00+08:00';

for (const engine of ENGINES) {
  describe(`follow-ups (回访) [${engine.name}]`, function () {
    this.timeout(30_000);
    let w: TestWorld;
    const clock = manualClock(FRIDAY_10);
    let n = 0;

    before(async () => {
      w = await startWorld(engine, { clock, startSurveys: false });
      const calendar = await w.services.slaAdmin.saveCalendar(null, { name: 'Mon–Fri Shanghai', definition: MON_FRI });
      const res = await w.api('PATCH', `/api/departments/${w.deptA}`, { token: tok(w.admin.agentId), body: { calendarId: calendar.id } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    });
    after(async () => { await w.stop(); });

    /** Staff tokens expire on the service clock: a fresh one at the clock's current time. */
    const tok = (agentId: number) => w.services.signer.issue(agentId, 0, clock.now()).token;
    const eventsOf = async (ticketId: number, prefix: string) => (await w.services.db.read((m) => m.find(TicketEvent, { where: { ticketId }, order: { id: 'ASC' } })))
      .filter((e) => e.type.startsWith(prefix));
    const followUpsOf = (ticketId: number) => w.services.db.read((m) => m.find(FollowUp, { where: { ticketId }, order: { id: 'ASC' } }));
    /** A complaint of a member of `tier` in department A, assigned to agent A. */
    const complaint = async (tier: string) => {
      n++;
      const phone = `1370${engine.name === 'sqlite' ? 1 : 2}00${String(n).padStart(5, '0')}`;
      const member = await w.services.members.create({ name: `Member ${n}`, tier: tier as 'gold', identities: { phone } });
      const t = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: phone }, departmentId: w.deptA, text: `投诉 ${n}` }));
      const token = tok(w.agentA.agentId);
      expect((await w.api('POST', `/api/tickets/${t.ticketId}/triage`, { token, body: { type: 'complaint' } })).status).to.be.within(200, 204);
      expect((await w.api('POST', `/api/tickets/${t.ticketId}/assign`, { token, body: { assigneeId: w.agentA.agentId } })).status).to.be.within(200, 204);
      const open = await w.api('POST', `/api/tickets/${t.ticketId}/status`, { token, body: { status: 'open' } });
      expect(open.status, JSON.stringify(open.body)).to.be.within(200, 204);
      return { ticketId: t.ticketId, memberId: member.id };
    };
    const setStatus = async (ticketId: number, status: string) => {
      const res = await w.api('POST', `/api/tickets/${ticketId}/status`, { token: tok(w.agentA.agentId), body: { status } });
      expect(res.status, JSON.stringify(res.body)).to.be.within(200, 204);
    };
    const queue = async (query: string, agentId = w.agentA.agentId) => {
      const res = await w.api('GET', `/api/follow-ups?${query}`, { token: tok(agentId) });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.items as Array<{ id: number; ticketId: number; overdue: boolean; ticketNumber: string; subject: string; assigneeId: number | null }>;
    };

    it('a gold member\'s complaint solved on a Friday gets a call 7 working days later, in the queue from then on, announced once; a silver one gets none', async () => {
      clock.set(FRIDAY_10);
      const gold = await complaint('gold');
      const silver = await complaint('silver');
      await setStatus(gold.ticketId, 'solved');
      await setStatus(silver.ticketId, 'solved');

      expect(await followUpsOf(silver.ticketId)).to.deep.equal([]);
      const [f, more] = await followUpsOf(gold.ticketId);
      expect(more).to.equal(undefined);
      const rules = (await w.api('GET', '/api/follow-up-rules', { token: tok(w.admin.agentId) })).body.items as Array<{ id: number; name: string }>;
      const rule = rules.find((r) => r.name === 'Gold/diamond complaint: call 7 working days after solve')!;
      expect(f).to.include({ reason: 'rule', ruleId: rule.id, status: 'open', channel: 'call', assigneeId: w.agentA.agentId, departmentId: w.deptA, maxAttempts: 3, attempts: 0 });
      expect(f!.dueAt.toISOString()).to.equal(new Date(DUE).toISOString());
      const created = await eventsOf(gold.ticketId, 'followup.');
      expect(created.map((e) => [e.type, e.data])).to.deep.equal([['followup.created', { followUpId: f!.id, reason: 'rule', ruleId: rule.id, dueAt: new Date(DUE).toISOString() }]]);

      // Listed as open work, but not due yet: not in the live queue, and the worker has nothing to say.
      expect((await queue('status=open')).map((x) => x.id)).to.include(f!.id);
      expect((await queue('status=open&due=1')).map((x) => x.id)).to.not.include(f!.id);
      clock.set('2026-06-16T09:59:59.999+08:00');
      expect((await queue('status=open&due=1')).map((x) => x.id)).to.not.include(f!.id);
      await w.services.followUps.runDue();
      expect(await eventsOf(gold.ticketId, 'followup.due')).to.deep.equal([]);

      // At the due time: in the queue (mine, not the department's unassigned part), announced once.
      clock.set(DUE);
      const [item] = (await queue('status=open&due=1&assigneeId=me')).filter((x) => x.id === f!.id);
      expect(item).to.include({ ticketId: gold.ticketId, overdue: false, assigneeId: w.agentA.agentId });
      expect(item!.ticketNumber).to.match(/^MD-/);
      expect((await queue('status=open&due=1&assigneeId=none')).map((x) => x.id)).to.not.include(f!.id);
      expect((await queue(`status=open&due=1&assigneeId=${w.agentA.agentId}`)).map((x) => x.id)).to.include(f!.id);
      expect((await queue('status=open&due=1', w.agentB.agentId)).map((x) => x.id)).to.not.include(f!.id);
      const pass = await w.services.followUps.runDue();
      expect(pass.handled).to.equal(1);
      await w.services.followUps.runDue();
      const due = await eventsOf(gold.ticketId, 'followup.due');
      expect(due.map((e) => [e.type, e.actorType, e.data])).to.deep.equal([
        ['followup.due', 'system', { followUpId: f!.id, dueAt: new Date(DUE).toISOString(), assigneeId: w.agentA.agentId, departmentId: w.deptA, attempts: 0 }],
      ]);
      expect((await followUpsOf(gold.ticketId))[0]!.dueNotifiedAt!.toISOString()).to.equal(new Date(DUE).toISOString());

      clock.advance(MINUTE);
      expect((await queue('status=open&due=1')).find((x) => x.id === f!.id)).to.include({ overdue: true });
    });

    it('a reopen cancels the open rule follow-ups of the solve', async () => {
      clock.set(FRIDAY_10);
      const gold = await complaint('diamond');
      await setStatus(gold.ticketId, 'solved');
      const [f] = await followUpsOf(gold.ticketId);
      expect(f).to.include({ status: 'open', reason: 'rule' });
      await setStatus(gold.ticketId, 'open');
      expect((await followUpsOf(gold.ticketId))[0]).to.include({ status: 'cancelled' });
      expect((await eventsOf(gold.ticketId, 'followup.')).map((e) => [e.type, e.data])).to.deep.equal([
        ['followup.created', { followUpId: f!.id, reason: 'rule', ruleId: f!.ruleId, dueAt: new Date(DUE).toISOString() }],
        ['followup.cancelled', { followUpId: f!.id, reason: 'reopened' }],
      ]);
    });

    it('by hand: staff who see the ticket schedule one for the department or one of its agents', async () => {
      clock.set(FRIDAY_10);
      const t = await complaint('standard');
      const dueAt = '2026-06-08T15:00:00.000Z';
      expect((await w.api('POST', `/api/tickets/${t.ticketId}/follow-ups`, { token: tok(w.agentB.agentId), body: { dueAt, channel: 'call' } })).status).to.equal(404);
      const foreign = await w.api('POST', `/api/tickets/${t.ticketId}/follow-ups`, { token: tok(w.agentA.agentId), body: { dueAt, channel: 'call', assigneeId: w.agentB.agentId } });
      expect(foreign.status).to.equal(422);
      expect(foreign.body.error.code).to.equal('UNKNOWN_AGENT');
      expect((await w.api('POST', `/api/tickets/${t.ticketId}/follow-ups`, { token: tok(w.agentA.agentId), body: { dueAt: 'tomorrow', channel: 'call' } })).status).to.equal(400);
      const res = await w.api('POST', `/api/tickets/${t.ticketId}/follow-ups`, { token: tok(w.agentA.agentId), body: { dueAt, channel: 'wechat', script: '询问退款是否到账', assigneeId: w.agentA.agentId } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ ticketId: t.ticketId, reason: 'manual', status: 'open', channel: 'wechat', script: '询问退款是否到账', assigneeId: w.agentA.agentId, dueAt, createdBy: w.agentA.agentId, overdue: false, ruleId: null });
      expect((await eventsOf(t.ticketId, 'followup.')).map((e) => [e.type, e.actorType, e.actorId])).to.deep.equal([['followup.created', 'agent', w.agentA.agentId]]);
      const unassigned = await w.api('POST', `/api/tickets/${t.ticketId}/follow-ups`, { token: tok(w.supervisorA.agentId), body: { dueAt, channel: 'email' } });
      expect(unassigned.body).to.include({ assigneeId: null });
      expect((await queue('assigneeId=none')).map((x) => x.id)).to.include(unassigned.body.id);
    });

    it('open follow-ups go with their ticket: a transfer hands them to the new department, a merge to the ticket merged into', async () => {
      clock.set(FRIDAY_10);
      const schedule = async (ticketId: number, assigneeId?: number) => {
        const res = await w.api('POST', `/api/tickets/${ticketId}/follow-ups`, { token: tok(w.agentA.agentId), body: { dueAt: '2026-06-08T15:00:00.000Z', channel: 'call', ...(assigneeId ? { assigneeId } : {}) } });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body.id as number;
      };
      const t = await complaint('standard');
      const moving = await schedule(t.ticketId, w.agentA.agentId);
      // A done one stays where it was.
      const done = await schedule(t.ticketId);
      expect((await w.api('POST', `/api/follow-ups/${done}/done`, { token: tok(w.agentA.agentId), body: { outcome: 'satisfied' } })).status).to.equal(200);
      const transfer = await w.api('POST', `/api/tickets/${t.ticketId}/transfer`, { token: tok(w.supervisorA.agentId), body: { departmentId: w.deptB } });
      expect(transfer.status, JSON.stringify(transfer.body)).to.be.within(200, 204);
      const byId = new Map((await followUpsOf(t.ticketId)).map((f) => [f.id, f]));
      expect(byId.get(moving)).to.include({ departmentId: w.deptB, assigneeId: null, status: 'open' });
      expect(byId.get(done)).to.include({ departmentId: w.deptA, status: 'done' });
      expect((await queue('status=open', w.agentB.agentId)).map((x) => x.id)).to.include(moving);
      expect((await queue('status=open')).map((x) => x.id)).to.not.include(moving);

      // One member's two tickets (a call and a chat), the chat's follow-up follows it into the call's ticket.
      n++;
      const phone = `1371${engine.name === 'sqlite' ? 1 : 2}00${String(n).padStart(5, '0')}`;
      await w.services.members.create({ name: `Member ${n}`, identities: { phone, webchat: `merge-${engine.name}-${n}` } });
      const call = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: phone }, departmentId: w.deptA }));
      const chat = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: `merge-${engine.name}-${n}` }, departmentId: w.deptA }));
      const merging = await schedule(chat.ticketId);
      const merge = await w.api('POST', `/api/tickets/${chat.ticketId}/merge`, { token: tok(w.agentA.agentId), body: { targetTicketId: call.ticketId } });
      expect(merge.status, JSON.stringify(merge.body)).to.be.within(200, 204);
      expect((await w.services.db.read((m) => m.findOneByOrFail(FollowUp, { id: merging }))).ticketId).to.equal(call.ticketId);
    });

    it('outcomes: satisfied closes it; not satisfied reopens the solved ticket and resumes its resolution clock; unreachable retries until maxAttempts', async () => {
      clock.set(FRIDAY_10);
      await w.services.slaAdmin.savePolicy(null, { name: 'Resolution in a day', resolutionMinutes: 540 });
      const token = () => tok(w.agentA.agentId);
      const byHand = async (ticketId: number, maxAttempts = 3) => (await w.api('POST', `/api/tickets/${ticketId}/follow-ups`, {
        token: token(), body: { dueAt: clock.now().toISOString(), channel: 'call', maxAttempts },
      })).body as { id: number };

      // Satisfied.
      const a = await complaint('standard');
      await setStatus(a.ticketId, 'solved');
      const fa = await byHand(a.ticketId);
      expect((await w.api('POST', `/api/follow-ups/${fa.id}/done`, { token: token(), body: { outcome: 'satisfied', retryInDays: 2 } })).status).to.equal(422);
      const ok = await w.api('POST', `/api/follow-ups/${fa.id}/done`, { token: token(), body: { outcome: 'satisfied', note: '满意' } });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(ok.body).to.include({ status: 'done', outcome: 'satisfied', attempts: 1, doneBy: w.agentA.agentId, note: '满意' });
      expect(ok.body).to.not.have.property('reopened');
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: a.ticketId }))).status).to.equal('solved');
      expect((await w.api('POST', `/api/follow-ups/${fa.id}/done`, { token: token(), body: { outcome: 'other' } })).status).to.equal(409);

      // Not satisfied: the solved ticket reopens, its resolution clock runs again from where it stopped.
      const b = await complaint('standard');
      clock.advance(30 * MINUTE);
      await setStatus(b.ticketId, 'solved');
      const solved = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: b.ticketId }));
      expect(solved.resolutionRunningSince).to.equal(null);
      const elapsed = solved.resolutionElapsedSeconds;
      expect(elapsed).to.equal(30 * 60);
      clock.advance(60 * MINUTE);
      const fb = await byHand(b.ticketId);
      const reopen = await w.api('POST', `/api/follow-ups/${fb.id}/done`, { token: token(), body: { outcome: 'not_satisfied', note: '仍未解决' } });
      expect(reopen.status, JSON.stringify(reopen.body)).to.equal(200);
      expect(reopen.body).to.include({ status: 'done', outcome: 'not_satisfied', reopened: true });
      const reopened = await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: b.ticketId }));
      expect(reopened).to.include({ status: 'open', solvedAt: null, reopenCount: 1, resolutionElapsedSeconds: elapsed });
      expect(reopened.resolutionRunningSince!.toISOString()).to.equal(clock.now().toISOString());
      const changed = (await eventsOf(b.ticketId, 'status.changed')).at(-1)!;
      expect(changed.data).to.deep.equal({ from: 'solved', to: 'open', reason: 'follow_up_not_satisfied', followUpId: fb.id });
      // An unanswered survey of that solve is withdrawn, as on any reopen.
      expect((await eventsOf(b.ticketId, 'survey.cancelled')).map((e) => e.data.reason)).to.deep.equal(['reopened']);

      // Not satisfied on a closed ticket: recorded, nothing reopened.
      const c = await complaint('standard');
      await setStatus(c.ticketId, 'solved');
      await setStatus(c.ticketId, 'closed');
      const fc = await byHand(c.ticketId);
      const closed = await w.api('POST', `/api/follow-ups/${fc.id}/done`, { token: token(), body: { outcome: 'not_satisfied' } });
      expect(closed.body).to.include({ status: 'done', outcome: 'not_satisfied', reopened: false });
      expect((await w.services.db.read((m) => m.findOneByOrFail(Ticket, { id: c.ticketId }))).status).to.equal('closed');

      // Unreachable, at most 2 attempts: retried 2 working days later (Friday → Tuesday), then closed as unreachable.
      const d = await complaint('standard');
      await setStatus(d.ticketId, 'solved');
      const fd = await byHand(d.ticketId, 2);
      await w.services.followUps.runDue();
      expect((await followUpsOf(d.ticketId))[0]!.dueNotifiedAt).to.not.equal(null);
      const first = await w.api('POST', `/api/follow-ups/${fd.id}/done`, { token: token(), body: { outcome: 'unreachable', note: '无人接听', retryInDays: 2 } });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      const retryAt = addWorkingDays(MON_FRI, clock.now(), 2).toISOString();
      expect(retryAt).to.equal(new Date(clock.now().getTime() + 4 * 24 * 60 * MINUTE).toISOString());
      expect(first.body).to.include({ status: 'open', attempts: 1, maxAttempts: 2, outcome: 'unreachable', dueAt: retryAt, dueNotifiedAt: null, retried: true, overdue: false });
      expect((await eventsOf(d.ticketId, 'followup.retry')).map((e) => e.data)).to.deep.equal([{ followUpId: fd.id, attempt: 1, maxAttempts: 2, dueAt: retryAt, note: '无人接听' }]);
      expect((await queue('due=1')).map((x) => x.id)).to.not.include(fd.id);
      clock.set(retryAt);
      expect((await queue('due=1')).map((x) => x.id)).to.include(fd.id);
      await w.services.followUps.runDue();
      expect(await eventsOf(d.ticketId, 'followup.due')).to.have.length(2);
      const last = await w.api('POST', `/api/follow-ups/${fd.id}/done`, { token: token(), body: { outcome: 'unreachable' } });
      expect(last.body).to.include({ status: 'done', attempts: 2, outcome: 'unreachable' });
      expect(last.body).to.not.have.property('retried');
    });

    it('rules: admins create, change, order and delete them; supervisors read; no active low-rating rule means no follow-up', async () => {
      const admin = () => tok(w.admin.agentId);
      // Two processes starting together on an installation without rules: the defaults are installed once.
      await w.services.db.sqlTx(async (sql) => {
        await sql.run("DELETE FROM setting WHERE `key` = 'followups.defaults_installed'");
        await sql.run('DELETE FROM follow_up_rule');
      });
      const raced = await Promise.all([w.services.followUps.rules.ensureDefaults(), w.services.followUps.rules.ensureDefaults()]);
      expect(raced.filter(Boolean)).to.have.length(1);
      expect(await w.services.followUps.rules.list()).to.have.length(2);
      // Installed once: a second start adds nothing.
      const before = (await w.services.followUps.rules.list()).length;
      expect(await w.services.followUps.rules.ensureDefaults()).to.equal(false);
      expect(await w.services.followUps.rules.list()).to.have.length(before);
      expect((await w.api('GET', '/api/follow-up-rules', { token: tok(w.supervisorA.agentId) })).status).to.equal(200);
      expect((await w.api('GET', '/api/follow-up-rules', { token: tok(w.agentA.agentId) })).status).to.equal(403);
      const body = { name: 'Enquiries by WeChat', trigger: 'solved', conditions: { types: ['enquiry'], channels: ['wechat'] }, delayDays: 2, channel: 'wechat', assignTo: 'department', maxAttempts: 1 };
      expect((await w.api('POST', '/api/follow-up-rules', { token: tok(w.supervisorA.agentId), body })).status).to.equal(403);
      expect((await w.api('POST', '/api/follow-up-rules', { token: admin(), body: { ...body, trigger: 'later' } })).status).to.equal(400);
      expect((await w.api('POST', '/api/follow-up-rules', { token: admin(), body: { ...body, conditions: { departmentIds: [999_999] } } })).status).to.equal(422);
      const created = await w.api('POST', '/api/follow-up-rules', { token: admin(), body });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({ name: 'Enquiries by WeChat', active: true, trigger: 'solved', delayDays: 2, channel: 'wechat', assignTo: 'department', maxAttempts: 1, script: null });
      expect(created.body.conditions).to.deep.equal({ types: ['enquiry'], channels: ['wechat'] });
      const id = created.body.id as number;
      const patched = await w.api('PATCH', `/api/follow-up-rules/${id}`, { token: admin(), body: { active: false, script: '您好，回访一下' } });
      expect(patched.body).to.include({ active: false, script: '您好，回访一下', delayDays: 2 });
      const list = (await w.api('GET', '/api/follow-up-rules', { token: admin() })).body.items as Array<{ id: number }>;
      expect(list.at(-1)!.id).to.equal(id);
      expect((await w.api('PUT', '/api/follow-up-rules/order', { token: admin(), body: { ids: [id] } })).status).to.equal(422);
      const reordered = await w.api('PUT', '/api/follow-up-rules/order', { token: admin(), body: { ids: [id, ...list.filter((r) => r.id !== id).map((r) => r.id)] } });
      expect(reordered.status).to.equal(200);
      expect(reordered.body.items[0].id).to.equal(id);
      expect((await w.api('DELETE', `/api/follow-up-rules/${id}`, { token: admin() })).status).to.equal(204);
      expect((await w.api('GET', `/api/follow-up-rules/${id}`, { token: admin() })).status).to.equal(404);

      // The low-rating rule off: a low rating opens nothing.
      const low = list.find((r) => (r as unknown as { trigger: string }).trigger === 'low_rating')!;
      await w.api('PATCH', `/api/follow-up-rules/${low.id}`, { token: admin(), body: { active: false } });
      const t = await complaint('standard');
      const opened = await w.services.db.sqlTx((sql) => w.services.followUps.openForLowRating(sql, { ticketId: t.ticketId, surveyId: 987_654, rating: 1 }, clock.now()));
      expect(opened).to.equal(null);
      await w.api('PATCH', `/api/follow-up-rules/${low.id}`, { token: admin(), body: { active: true } });
      const again = await w.services.db.sqlTx((sql) => w.services.followUps.openForLowRating(sql, { ticketId: t.ticketId, surveyId: 987_654, rating: 1 }, clock.now()));
      expect(again).to.include({ ruleId: low.id });
      expect(again!.dueAt.toISOString()).to.equal(clock.now().toISOString());
    });

    it('reports follow-ups due, done, overdue and outcomes by department and agent, as JSON and CSV', async () => {
      // A department of its own, and hand-made rows: period [1 June, 8 June) UTC, read on 10 June.
      const dept = (await w.services.departments.create({ name: 'Report dept' })).id;
      const t = await w.services.tickets.ingest(inbound({ from: { kind: 'email', value: `report-${engine.name}@example.com` }, departmentId: dept, text: 'report' }));
      const A = w.agentA.agentId;
      const S = w.supervisorA.agentId;
      const rows: Array<[string, number | null, string, string | null, string, string | null, number | null]> = [
        // status, assigneeId, createdAt, outcome, dueAt, doneAt, doneBy
        ['done', A, '2026-06-01T01:00:00Z', 'satisfied', '2026-06-02T01:00:00Z', '2026-06-02T02:00:00Z', A], // created, due, done
        ['done', A, '2026-05-20T01:00:00Z', 'not_satisfied', '2026-05-30T01:00:00Z', '2026-06-03T02:00:00Z', S], // done (by S)
        ['done', null, '2026-06-02T01:00:00Z', 'unreachable', '2026-06-03T01:00:00Z', '2026-06-09T02:00:00Z', A], // created, due (done after the period)
        ['open', A, '2026-06-03T01:00:00Z', null, '2026-06-05T01:00:00Z', null, null], // created, due, overdue
        ['open', null, '2026-05-01T01:00:00Z', null, '2026-05-02T01:00:00Z', null, null], // overdue (due before the period)
        ['open', A, '2026-06-04T01:00:00Z', null, '2026-06-09T01:00:00Z', null, null], // created; due after `to`: not overdue
        ['cancelled', A, '2026-06-01T05:00:00Z', null, '2026-06-05T05:00:00Z', '2026-06-02T05:00:00Z', null], // created, cancelled (not due)
      ];
      await w.services.db.sqlTx(async (sql) => {
        for (const [status, assigneeId, createdAt, outcome, dueAt, doneAt, doneBy] of rows) {
          await sql.run('INSERT INTO follow_up (ticketId, departmentId, assigneeId, reason, status, dueAt, attempts, maxAttempts, outcome, createdAt, doneAt, doneBy) VALUES (?, ?, ?, ?, ?, ?, 1, 3, ?, ?, ?, ?)',
            [t.ticketId, dept, assigneeId, 'manual', status, new Date(dueAt), outcome, new Date(createdAt), doneAt ? new Date(doneAt) : null, doneBy]);
        }
      });
      clock.set('2026-06-10T00:00:00Z');
      const q = `from=2026-06-01&to=2026-06-08&departmentId=${dept}`;
      const outcomes = (s: number, ns: number, u: number) => ({ satisfied: s, not_satisfied: ns, unreachable: u, other: 0 });
      const byDept = await w.api('GET', `/api/reports/follow-ups?${q}`, { token: tok(w.admin.agentId) });
      expect(byDept.status, JSON.stringify(byDept.body)).to.equal(200);
      const totals = { created: 5, due: 3, done: 2, overdue: 2, cancelled: 1, outcomes: outcomes(1, 1, 0) };
      expect(byDept.body).to.deep.include({ by: 'department', overdueAsOf: '2026-06-08T00:00:00.000Z', totals });
      expect(byDept.body.period).to.deep.equal({ from: '2026-06-01T00:00:00.000Z', to: '2026-06-08T00:00:00.000Z', tz: 'UTC' });
      expect(byDept.body.rows).to.deep.equal([{ key: dept, label: 'Report dept', ...totals }]);

      const byAgent = await w.api('GET', `/api/reports/follow-ups?${q}&by=agent`, { token: tok(w.admin.agentId) });
      const names = Object.fromEntries((await w.api('GET', '/api/agents', { token: tok(w.admin.agentId) })).body.items.map((a: { id: number; name: string }) => [a.id, a.name]));
      expect(byAgent.body.rows).to.deep.equal([
        { key: A, label: names[A], created: 5, due: 3, done: 1, overdue: 1, cancelled: 1, outcomes: outcomes(1, 0, 0) },
        { key: S, label: names[S], created: 0, due: 0, done: 1, overdue: 0, cancelled: 0, outcomes: outcomes(0, 1, 0) },
        { key: null, label: 'Unassigned', created: 0, due: 0, done: 0, overdue: 1, cancelled: 0, outcomes: outcomes(0, 0, 0) },
      ].sort((x, y) => (x.key === null ? 1 : y.key === null ? -1 : x.key - y.key)));
      const onlyS = await w.api('GET', `/api/reports/follow-ups?${q}&by=agent&agentId=${S}`, { token: tok(w.admin.agentId) });
      expect(onlyS.body.totals).to.deep.equal({ created: 0, due: 0, done: 1, overdue: 0, cancelled: 0, outcomes: outcomes(0, 1, 0) });

      // Read mid-period: overdue counts up to now (5 June 12:00), not up to `to`.
      clock.set('2026-06-05T12:00:00Z');
      const mid = await w.api('GET', `/api/reports/follow-ups?${q}`, { token: tok(w.admin.agentId) });
      expect(mid.body.totals.overdue).to.equal(2);
      expect(mid.body.overdueAsOf).to.equal('2026-06-05T12:00:00.000Z');
      clock.set('2026-06-05T00:30:00Z');
      expect((await w.api('GET', `/api/reports/follow-ups?${q}`, { token: tok(w.admin.agentId) })).body.totals.overdue).to.equal(1);
      clock.set('2026-06-10T00:00:00Z');

      const csv = await w.api('GET', `/api/reports/follow-ups?${q}&format=csv`, { token: tok(w.admin.agentId) });
      expect(csv.status).to.equal(200);
      expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).to.equal('attachment; filename="memberdesk-follow-ups-department_2026-06-01_2026-06-08.csv"');
      const text = typeof csv.body === 'string' ? csv.body : String(csv.body);
      expect(text.replace(/^\uFEFF/, '').split('\r\n')).to.deep.equal([
        'key,label,created,due,done,overdue,cancelled,satisfied,not_satisfied,unreachable,other',
        `${dept},Report dept,5,3,2,2,1,1,1,0,0`,
        'total,Total,5,3,2,2,1,1,1,0,0',
        '',
      ]);

      // Supervisors: their departments only; agents: not at all.
      expect((await w.api('GET', `/api/reports/follow-ups?${q}`, { token: tok(w.supervisorA.agentId) })).status).to.equal(403);
      expect((await w.api('GET', '/api/reports/follow-ups', { token: tok(w.agentA.agentId) })).status).to.equal(403);
      expect((await w.api('GET', '/api/reports/follow-ups?from=2026-06-08&to=2026-06-01', { token: tok(w.admin.agentId) })).status).to.equal(422);
    });
  });
}
