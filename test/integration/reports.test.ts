import { expect } from 'chai';
import type { Principal } from '../../server/agents/principal.js';
import { BusinessCalendarRow, SlaAlert, SlaPolicy, Survey, Ticket } from '../../server/db/entities/index.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';
import { slaTick } from '../helpers/sla.js';

/**
 * The reports (docs/reports.md) on a constructed week, every figure checked against values worked out
 * by hand below. Tickets go through the real service paths (ingest, calls, replies, solves, a reopen,
 * a merge, triage corrections) under an injected clock, a business calendar that makes working minutes
 * differ from wall minutes, and SLA scheduler passes at chosen instants; surveys are inserted as rows.
 *
 * Department A: calendar Mon–Fri 09:00–12:00 and 13:00–18:00 UTC; escalation chain supervisor A (30 min)
 * then the admin. Department B: no calendar (24×7). Policies, first match wins: "Phone" (phone tickets, no
 * targets); "Complaints" (first response 30, resolution 240); "Standard" (first response 60, next
 * response 120, resolution 480). Period under test: [Mon 2026-03-02, Mon 2026-03-09).
 *
 *   ticket  dept chan    member   type/category          assignee  created        first response        solved (last)         wall vs working
 *   T0      A    webchat standard enquiry/other          A         Fri 02-27 10:00 Fri 10:30 (30, before) Mon 09:50  res 470    wall 4310 min
 *   T1      A    webchat gold     enquiry/points         A         Mon 08:00      Mon 09:50  fr 50       Mon 14:00  res 240     fr wall 110
 *   T2      A    webchat standard complaint/quality      A2        Mon 11:00      Mon 13:30  fr 90 ✗    Tue 09:30  res 390 ✗   breaches: FR Mon 11:30 (L2 12:00), RES Mon 16:00
 *   T3      A    webchat diamond  enquiry/points         A         Tue 17:00      Wed 09:20  fr 80 ✗    Fri 10:00  res 630 ✗   FR breach at the reply (L2 Wed 10:00);
 *                                                                                                                                pending Wed 10–Thu 09; solved Thu 11:00,
 *                                                                                                                                reopened Thu 11:30; RES breach at the solve
 *   T4      B    phone    standard enquiry/points         B         Wed 14:00      Wed 14:30  fr 30 (no target) Wed 15:00 res 60 (no target)
 *   T5      A    email    standard enquiry/other          —         Thu 10:00      —                      Thu 10:30  res 30
 *   T6      A    webchat gold     enquiry/points         A         Fri 11:00      Fri 11:10  fr 10       open (backlog)         NR breach Fri 14:30 (member wrote 11:20)
 *   T7      B    webchat silver   suggestion/other       —         Fri 16:00      —                      new (backlog)
 *   T8      A    email    gold     (merged into T6 Fri 11:40)      Fri 11:30      —                      —                      never counted
 *   T9      A    webchat standard enquiry/other          —         Sun 03-08 10:00 Mon 03-09 09:30 (after) Mon 03-09 10:00 (after) backlog at the period's end
 *
 * Surveys (solvedAt = the solve; inserted as rows in place of those the survey service scheduled): T0 sent; T1 answered 5; T2 answered 2; T3 at Thu 11:00 cancelled, at Fri
 * 10:00 answered 4; T4 answered 3; T5 expired; plus one answered 1 for a solve on Fri 02-27 (outside).
 */
const PERIOD = 'from=2026-03-02&to=2026-03-09';

for (const engine of ENGINES) {
  describe(`reports [${engine.name}]`, function () {
    this.timeout(120_000);
    let w: TestWorld;
    let now = new Date('2026-02-27T09:00:00.000Z');
    const clock = { now: () => now };
    const at = (iso: string) => { now = new Date(iso); };
    const token = (agentId: number) => w.services.signer.issue(agentId, 0, now).token;
    const get = (path: string, agentId = w.admin.agentId) => w.api('GET', path, { token: token(agentId) });
    let agentA2: Principal;
    let analystId: number;
    const t: Record<string, number> = {};

    before(async () => {
      w = await startWorld(engine, { clock, startDelivery: false, startSurveys: false });
      const tx = w.services.db;
      agentA2 = { agentId: (await w.services.agents.create({ name: 'Agent A2', email: 'agent.a2@test.memberdesk', password: TEST_PASSWORD, departmentIds: [w.deptA] })).id, role: 'agent', departmentIds: [w.deptA] };
      analystId = (await w.services.agents.create({ name: 'Report Analyst', email: 'analyst@test.memberdesk', password: TEST_PASSWORD, role: 'analyst' })).id;
      // Calendar and policies as rows (the admin API would also start a delayed background recompute at whatever the clock says then).
      const calendarId = await tx.tx(async (m) => (await m.save(m.create(BusinessCalendarRow, {
        name: 'Office', definition: { timezone: 'UTC', weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '12:00'], ['13:00', '18:00']]])) },
      }))).id);
      await tx.tx(async (m) => {
        const policy = (name: string, position: number, conditions: Record<string, unknown>, fr: number | null, nr: number | null, res: number | null) =>
          m.save(m.create(SlaPolicy, { name, position, conditions, firstResponseMinutes: fr, nextResponseMinutes: nr, resolutionMinutes: res, warningPercent: 75, calendarId: null, active: true }));
        await policy('Phone', 1, { channels: ['phone'] }, null, null, null);
        await policy('Complaints', 2, { types: ['complaint'] }, 30, null, 240);
        await policy('Standard', 3, {}, 60, 120, 480);
      });
      w.services.slaConfig.invalidate();
      const dept = await w.api('PATCH', `/api/departments/${w.deptA}`, { token: token(w.admin.agentId), body: {
        calendarId, headAgentId: w.supervisorA.agentId,
        escalationChain: [{ agentId: w.supervisorA.agentId, delayMinutes: 30 }, { agentId: w.admin.agentId, delayMinutes: 60 }],
      } });
      expect(dept.status).to.equal(200);
      for (const [key, zh, en] of [['points_membership', '积分与会员', 'Points and membership'], ['product_quality', '产品质量', 'Product quality'], ['other', '其他', 'Other']]) {
        await w.services.triageAdmin.createCategory(key!, { labelZh: zh!, labelEn: en! });
      }
      await w.services.members.create({ name: 'Gold', tier: 'gold', identities: { webchat: 'v-gold', email: 'gold@example.com' } });
      await w.services.members.create({ name: 'Standard', tier: 'standard', identities: { webchat: 'v-std' } });
      await w.services.members.create({ name: 'Diamond', tier: 'diamond', identities: { webchat: 'v-dia' } });
      await w.services.members.create({ name: 'Silver', tier: 'silver', identities: { webchat: 'v-silver' } });
      await w.services.members.create({ name: 'Weekend', tier: 'standard', identities: { webchat: 'v-weekend' } });

      const tickets = w.services.tickets;
      const chat = async (visitor: string, departmentId: number) =>
        (await tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: visitor }, departmentId, receivedAt: now }))).ticketId;
      const reply = (p: Principal, id: number) => tickets.addMessage(p, id, { text: 'Here is the answer.', visibility: 'public' });
      const status = (p: Principal, id: number, s: 'solved' | 'open' | 'pending') => tickets.setStatus(p, id, s);
      const label = (p: Principal, id: number, type: 'complaint' | 'enquiry' | 'suggestion', category: string) => tickets.correctTriage(p, id, { type, category });
      const tick = () => slaTick(w.services, now);
      const A = w.agentA;

      at('2026-02-27T10:00:00.000Z'); t.T0 = await chat('v-std', w.deptA); await label(A, t.T0, 'enquiry', 'other'); await tickets.assign(A, t.T0, A.agentId);
      at('2026-02-27T10:30:00.000Z'); await reply(A, t.T0);
      at('2026-03-02T08:00:00.000Z'); t.T1 = await chat('v-gold', w.deptA); await label(A, t.T1, 'enquiry', 'points_membership'); await tickets.assign(A, t.T1, A.agentId);
      at('2026-03-02T09:50:00.000Z'); await reply(A, t.T1); await status(A, t.T0, 'solved');
      at('2026-03-02T11:00:00.000Z'); t.T2 = await chat('v-std', w.deptA); await label(A, t.T2, 'complaint', 'product_quality'); await tickets.assign(A, t.T2, agentA2.agentId);
      at('2026-03-02T11:30:00.000Z'); await tick(); // T2 first response breached: level 1
      at('2026-03-02T12:00:00.000Z'); await tick(); // … unacknowledged 30 min: level 2
      at('2026-03-02T13:30:00.000Z'); await reply(agentA2, t.T2);
      at('2026-03-02T14:00:00.000Z'); await status(A, t.T1, 'solved');
      at('2026-03-02T16:00:00.000Z'); await tick(); // T2 resolution breached: level 1 of a new chain
      at('2026-03-03T09:30:00.000Z'); await status(agentA2, t.T2, 'solved'); // before anyone ticks at 16:30: that chain ends here
      at('2026-03-03T17:00:00.000Z'); t.T3 = await chat('v-dia', w.deptA); await label(A, t.T3, 'enquiry', 'points_membership'); await tickets.assign(A, t.T3, A.agentId);
      at('2026-03-04T09:20:00.000Z'); await reply(A, t.T3); // past Tue 18:00: the breach fires with the reply
      at('2026-03-04T10:00:00.000Z'); await tick(); await status(A, t.T3, 'pending'); // level 2; then the resolution clock pauses
      at('2026-03-04T14:00:00.000Z');
      t.T4 = (await tickets.logCall(w.agentB, { direction: 'inbound', phone: '+86 139 0000 0001', summary: '问积分什么时候到账', durationSeconds: 60 })).ticketId;
      await label(w.agentB, t.T4, 'enquiry', 'points_membership');
      at('2026-03-04T14:30:00.000Z'); await tickets.logCall(w.agentB, { direction: 'outbound', phone: '+86 139 0000 0001', summary: '回电说明', durationSeconds: 120, ticketId: t.T4 });
      at('2026-03-04T15:00:00.000Z'); await status(w.agentB, t.T4, 'solved');
      at('2026-03-05T09:00:00.000Z'); await status(A, t.T3, 'open');
      at('2026-03-05T10:00:00.000Z');
      t.T5 = (await tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'new.member@example.com' }, departmentId: w.deptA, receivedAt: now }))).ticketId;
      await label(A, t.T5, 'enquiry', 'other');
      at('2026-03-05T10:30:00.000Z'); await status(A, t.T5, 'solved');
      at('2026-03-05T11:00:00.000Z'); await status(A, t.T3, 'solved');
      at('2026-03-05T11:30:00.000Z'); await status(A, t.T3, 'open'); // reopened: the resolution clock resumes with 240 minutes used
      at('2026-03-06T10:00:00.000Z'); await status(A, t.T3, 'solved'); // past Thu 16:30: the breach fires with the solve
      at('2026-03-06T11:00:00.000Z'); t.T6 = await chat('v-gold', w.deptA); await label(A, t.T6, 'enquiry', 'points_membership'); await tickets.assign(A, t.T6, A.agentId);
      at('2026-03-06T11:10:00.000Z'); await reply(A, t.T6);
      at('2026-03-06T11:20:00.000Z'); await chat('v-gold', w.deptA); // continues T6: the next-response clock starts
      at('2026-03-06T11:30:00.000Z');
      t.T8 = (await tickets.ingest(inbound({ channel: 'email', from: { kind: 'email', value: 'gold@example.com' }, departmentId: w.deptA, receivedAt: now }))).ticketId;
      at('2026-03-06T11:40:00.000Z'); await tickets.merge(A, t.T8, t.T6);
      at('2026-03-06T14:30:00.000Z'); await tick(); // T6 next response breached (due 14:20)
      at('2026-03-06T14:40:00.000Z'); await reply(A, t.T6);
      at('2026-03-06T16:00:00.000Z'); t.T7 = await chat('v-silver', w.deptB); await label(w.agentB, t.T7, 'suggestion', 'other');
      at('2026-03-08T10:00:00.000Z'); t.T9 = await chat('v-weekend', w.deptA); await label(A, t.T9, 'enquiry', 'other');
      at('2026-03-09T09:30:00.000Z'); await reply(A, t.T9);
      at('2026-03-09T10:00:00.000Z'); await status(A, t.T9, 'solved');
      at('2026-03-09T12:00:00.000Z');

      // Surveys as constructed rows (attribution copied at the solve, as the survey service does): the ones it
      // scheduled at each solve make way, so that every status and rating below is the test's own.
      const rows = await tx.read((m) => m.findBy(Ticket, {}));
      const byId = new Map(rows.map((r) => [r.id, r]));
      const tiers: Record<string, string> = { T0: 'standard', T1: 'gold', T2: 'standard', T3: 'diamond', T4: 'standard', T5: 'standard' };
      const survey = (name: string, status: string, rating: number | null, solvedAt?: string) => {
        const ticket = byId.get(t[name]!)!;
        const solved = solvedAt ? new Date(solvedAt) : ticket.solvedAt!;
        return {
          ticketId: ticket.id, memberId: ticket.memberId, channel: ticket.channel === 'phone' ? 'call' : ticket.channel, status, solvedAt: solved,
          agentId: ticket.assigneeId, departmentId: ticket.departmentId, category: ticket.category, type: ticket.type, ticketChannel: ticket.channel,
          tier: tiers[name]!, language: null, sendAt: solved, sentAt: status === 'cancelled' ? null : solved, nonce: `n-${name}-${status}`,
          rating, answeredAt: rating === null ? null : solved, answeredVia: rating === null ? null : 'link', createdAt: solved,
        } as Partial<Survey>;
      };
      await tx.tx(async (m) => {
        await m.query('DELETE FROM survey');
        for (const s of [
          survey('T0', 'sent', null), survey('T1', 'answered', 5), survey('T2', 'answered', 2),
          survey('T3', 'cancelled', null, '2026-03-05T11:00:00.000Z'), survey('T3', 'answered', 4), survey('T4', 'answered', 3),
          survey('T5', 'expired', null), survey('T0', 'answered', 1, '2026-02-27T12:00:00.000Z'),
        ]) await m.insert(Survey, s as Survey);
      });
    });
    after(async () => { await w?.stop(); });

    it('builds the week as planned: each ticket\'s statistics in working minutes, breach flags and alerts', async () => {
      const rows = new Map((await w.services.db.read((m) => m.findBy(Ticket, {}))).map((r) => [r.id, r]));
      const stats = (name: string) => {
        const r = rows.get(t[name]!)!;
        return { status: r.status, dept: r.departmentId === w.deptA ? 'A' : 'B', fr: r.firstResponseMinutes, res: r.resolutionMinutes, frB: Boolean(r.firstResponseBreached),
          nrB: Boolean(r.nextResponseBreached), resB: Boolean(r.resolutionBreached), reopens: r.reopenCount, type: r.type, category: r.category };
      };
      expect(stats('T0')).to.deep.equal({ status: 'solved', dept: 'A', fr: 30, res: 470, frB: false, nrB: false, resB: false, reopens: 0, type: 'enquiry', category: 'other' });
      expect(stats('T1')).to.deep.equal({ status: 'solved', dept: 'A', fr: 50, res: 240, frB: false, nrB: false, resB: false, reopens: 0, type: 'enquiry', category: 'points_membership' });
      expect(stats('T2')).to.deep.equal({ status: 'solved', dept: 'A', fr: 90, res: 390, frB: true, nrB: false, resB: true, reopens: 0, type: 'complaint', category: 'product_quality' });
      expect(stats('T3')).to.deep.equal({ status: 'solved', dept: 'A', fr: 80, res: 630, frB: true, nrB: false, resB: true, reopens: 1, type: 'enquiry', category: 'points_membership' });
      expect(stats('T4')).to.deep.equal({ status: 'solved', dept: 'B', fr: 30, res: 60, frB: false, nrB: false, resB: false, reopens: 0, type: 'enquiry', category: 'points_membership' });
      expect(stats('T5')).to.deep.equal({ status: 'solved', dept: 'A', fr: null, res: 30, frB: false, nrB: false, resB: false, reopens: 0, type: 'enquiry', category: 'other' });
      expect(stats('T6')).to.deep.include({ status: 'open', fr: 10, res: null, frB: false, nrB: true, resB: false });
      expect(stats('T7')).to.deep.include({ status: 'new', dept: 'B', fr: null, type: 'suggestion' });
      expect(stats('T8')).to.deep.include({ status: 'merged' });
      expect(stats('T9')).to.deep.include({ status: 'solved', fr: 30, res: 60 });
      expect(rows.get(t.T4!)!.assigneeId).to.equal(w.agentB.agentId);
      // What a ticket shows is what the reports read.
      const view = await get(`/api/tickets/${t.T3}`);
      expect(view.body.sla.firstResponse.workingMinutes).to.equal(80);
      expect(view.body.sla.resolution.workingMinutes).to.equal(630);

      const alerts = await w.services.db.read((m) => m.find(SlaAlert, { where: { kind: 'breach' }, order: { firedAt: 'ASC', level: 'ASC' } }));
      const name = (id: number) => Object.keys(t).find((k) => t[k] === id);
      expect(alerts.map((a) => `${name(a.ticketId)} ${a.metric} L${a.level} ${a.firedAt.toISOString().slice(5, 16)}`)).to.deep.equal([
        'T2 first_response L1 03-02T11:30', 'T2 first_response L2 03-02T12:00', 'T2 resolution L1 03-02T16:00',
        'T3 first_response L1 03-04T09:20', 'T3 first_response L2 03-04T10:00', 'T3 resolution L1 03-06T10:00',
        'T6 next_response L1 03-06T14:30',
      ]);
    });

    it('summarises the period: every figure equals the hand-computed value', async () => {
      const res = await get(`/api/reports/summary?${PERIOD}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        period: { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', tz: 'UTC' },
        created: 8, // T1 T2 T3 T4 T5 T6 T7 T9 (T0 earlier, T8 merged)
        solved: 6, // T0 T1 T2 T4 T5 T3 (T3 once, at its last solve; T9 after)
        backlog: 3, backlogAsOf: 'period_end', // T6 T7 open; T9 solved only after the end
        firstResponseMinutes: { mean: 52, median: 50, p90: 90, count: 5 }, // 10 30 50 80 90
        resolutionMinutes: { mean: 303.3, median: 240, p90: 630, count: 6 }, // 30 60 240 390 470 630
        slaCompliance: { firstResponse: 0.5, resolution: 0.6 }, // T1 T6 met, T2 T3 missed (T4 no target); T0 T1 T5 met, T2 T3 missed
        breaches: { firstResponse: 2, nextResponse: 1, resolution: 2 },
        escalations: 2,
        csat: { average: 3.5, responseRate: 0.6667, responses: 4, sent: 6 }, // 5 2 4 3 of T0 T1 T2 T3 T4 T5
        resolutionRate: 0.75, // 6 / 8
        onTimeComplaintRate: 0, // T2 missed its resolution target
        reopenRate: 0.1667, // T3 of 6
      });
    });

    it('filters by department, agent, category, channel, tier and type, combined', async () => {
      const a = (await get(`/api/reports/summary?${PERIOD}&departmentId=${w.deptA}`)).body;
      expect(a).to.deep.include({ created: 6, solved: 5, backlog: 2, resolutionRate: 0.8333, reopenRate: 0.2, onTimeComplaintRate: 0 });
      expect(a.firstResponseMinutes).to.deep.equal({ mean: 57.5, median: 50, p90: 90, count: 4 });
      expect(a.resolutionMinutes).to.deep.equal({ mean: 352, median: 390, p90: 630, count: 5 });
      expect(a.slaCompliance).to.deep.equal({ firstResponse: 0.5, resolution: 0.6 });
      expect(a.csat).to.deep.equal({ average: 3.67, responseRate: 0.6, responses: 3, sent: 5 });

      const b = (await get(`/api/reports/summary?${PERIOD}&departmentId=${w.deptB}`)).body;
      expect(b).to.deep.include({ created: 2, solved: 1, backlog: 1, escalations: 0 });
      expect(b.slaCompliance).to.deep.equal({ firstResponse: null, resolution: null }); // T4 had no targets
      expect(b.breaches).to.deep.equal({ firstResponse: 0, nextResponse: 0, resolution: 0 });

      const mine = (await get(`/api/reports/summary?${PERIOD}&agentId=${w.agentA.agentId}`)).body;
      expect(mine).to.deep.include({ created: 3, solved: 3, backlog: 1, escalations: 1 });
      expect(mine.breaches).to.deep.equal({ firstResponse: 1, nextResponse: 1, resolution: 1 }); // T3, T6, T3
      expect(mine.csat).to.deep.equal({ average: 4.5, responseRate: 0.6667, responses: 2, sent: 3 });

      const gold = (await get(`/api/reports/summary?${PERIOD}&tier=gold`)).body;
      expect(gold).to.deep.include({ created: 2, solved: 1, backlog: 1 });
      expect(gold.firstResponseMinutes).to.deep.equal({ mean: 30, median: 10, p90: 50, count: 2 });

      const complaints = (await get(`/api/reports/summary?${PERIOD}&type=complaint`)).body;
      expect(complaints).to.deep.include({ created: 1, solved: 1, onTimeComplaintRate: 0, escalations: 1 });
      expect(complaints.breaches).to.deep.equal({ firstResponse: 1, nextResponse: 0, resolution: 1 });

      const phone = (await get(`/api/reports/summary?${PERIOD}&channel=phone`)).body;
      expect(phone).to.deep.include({ created: 1, solved: 1, backlog: 0 });
      expect(phone.firstResponseMinutes).to.deep.equal({ mean: 30, median: 30, p90: 30, count: 1 });

      const combined = (await get(`/api/reports/summary?${PERIOD}&departmentId=${w.deptA}&channel=webchat&category=points_membership&agentId=${w.agentA.agentId}`)).body;
      expect(combined).to.deep.include({ created: 3, solved: 2, backlog: 1 }); // T1 T3 T6; solved T1 T3
      expect(combined.resolutionMinutes).to.deep.equal({ mean: 435, median: 240, p90: 630, count: 2 });

      const none = (await get(`/api/reports/summary?${PERIOD}&category=nothing_here`)).body;
      expect(none).to.deep.include({ created: 0, solved: 0, backlog: 0, resolutionRate: null, reopenRate: null, onTimeComplaintRate: null });
      expect(none.firstResponseMinutes).to.deep.equal({ mean: null, median: null, p90: null, count: 0 });
      expect(none.csat).to.deep.equal({ average: null, responseRate: null, responses: 0, sent: 0 });
    });

    it('counts the live backlog when the period reaches now (default: the last 30 days)', async () => {
      const res = await get('/api/reports/summary');
      expect(res.body.period).to.deep.equal({ from: '2026-02-08T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z', tz: 'UTC' });
      expect(res.body).to.deep.include({ backlog: 2, backlogAsOf: 'now', created: 9, solved: 7 }); // T6 T7 live; created T0…T9 but T8; T9 solved too
    });

    it('draws the trend by day, every day present, and by week in a time zone', async () => {
      const res = await get(`/api/reports/trend?${PERIOD}&interval=day`);
      expect(res.status).to.equal(200);
      expect(res.body.interval).to.equal('day');
      const row = (start: string, created: number, solved: number, frm: number | null, resm: number | null, fr: number | null, rs: number | null, csat: number | null, responses: number) =>
        ({ start: `2026-03-0${start}T00:00:00.000Z`, end: `2026-03-0${Number(start) + 1}T00:00:00.000Z`, created, solved, firstResponseMedian: frm, resolutionMedian: resm,
          slaCompliance: { firstResponse: fr, resolution: rs }, csatAverage: csat, csatResponses: responses });
      expect(res.body.buckets).to.deep.equal([
        row('2', 2, 2, 50, 240, 0.5, 1, 5, 1), // T1 T2 created; T0 T1 solved; fr 50 90; res 470 240; T0 sent, T1 5
        row('3', 1, 1, null, 390, null, 0, 2, 1), // T3 created; T2 solved
        row('4', 1, 1, 30, 60, 0, null, 3, 1), // T4; fr T3 80 ✗, T4 30 (no target); T4 res 60 (no target)
        row('5', 1, 1, null, 30, null, 1, null, 0), // T5; T3's cancelled survey and T5's expired one
        row('6', 2, 1, 10, 630, 1, 0, 4, 1), // T6 T7 (T8 merged); T3 solved
        row('7', 0, 0, null, null, null, null, null, 0),
        row('8', 1, 0, null, null, null, null, null, 0), // T9
      ]);

      // Shanghai's days start at 16:00 UTC the day before: T3 (Tue 17:00 UTC) is created on Wednesday there, T7 (Fri 16:00 UTC) on Saturday.
      const shanghai = await get(`/api/reports/trend?${PERIOD}&interval=day&tz=Asia/Shanghai`);
      expect(shanghai.body.period).to.deep.equal({ from: '2026-03-01T16:00:00.000Z', to: '2026-03-08T16:00:00.000Z', tz: 'Asia/Shanghai' });
      expect(shanghai.body.buckets.map((b: { start: string; created: number }) => [b.start.slice(5, 13), b.created])).to.deep.equal([
        ['03-01T16', 2], ['03-02T16', 0], ['03-03T16', 2], ['03-04T16', 1], ['03-05T16', 1], ['03-06T16', 1], ['03-07T16', 1],
      ]);
      const week = await get(`/api/reports/trend?${PERIOD}&interval=week&tz=Asia/Shanghai`);
      expect(week.body.buckets).to.have.length(1);
      expect(week.body.buckets[0]).to.deep.equal({
        start: '2026-03-01T16:00:00.000Z', end: '2026-03-08T16:00:00.000Z', created: 8, solved: 6, firstResponseMedian: 50, resolutionMedian: 240,
        slaCompliance: { firstResponse: 0.5, resolution: 0.6 }, csatAverage: 3.5, csatResponses: 4,
      });

      const month = await get('/api/reports/trend?from=2026-02-15&to=2026-03-15&interval=month');
      expect(month.body.buckets.map((b: { start: string; created: number }) => [b.start, b.created])).to.deep.equal([
        ['2026-02-01T00:00:00.000Z', 1], ['2026-03-01T00:00:00.000Z', 8], // T0; the rest but T8
      ]);
    });

    it('breaks the period down by agent, category and tier, with labels', async () => {
      const cmp = (fr: number | null, res: number | null) => ({ firstResponse: fr, resolution: res });
      const byAgent = (await get(`/api/reports/breakdown?${PERIOD}&by=agent`)).body;
      expect(byAgent.by).to.equal('agent');
      expect(byAgent.rows).to.deep.equal([
        { key: w.agentA.agentId, label: 'Agent A', created: 3, solved: 3, backlog: 1, firstResponseMedian: 50, resolutionMedian: 470, slaCompliance: cmp(0.6667, 0.6667), csatAverage: 4.5, csatResponses: 2, reopenRate: 0.3333 },
        { key: null, label: null, created: 3, solved: 1, backlog: 2, firstResponseMedian: null, resolutionMedian: 30, slaCompliance: cmp(null, 1), csatAverage: null, csatResponses: 0, reopenRate: 0 },
        { key: agentA2.agentId, label: 'Agent A2', created: 1, solved: 1, backlog: 0, firstResponseMedian: 90, resolutionMedian: 390, slaCompliance: cmp(0, 0), csatAverage: 2, csatResponses: 1, reopenRate: 0 },
        { key: w.agentB.agentId, label: 'Agent B', created: 1, solved: 1, backlog: 0, firstResponseMedian: 30, resolutionMedian: 60, slaCompliance: cmp(null, null), csatAverage: 3, csatResponses: 1, reopenRate: 0 },
      ]);

      const byCategory = (await get(`/api/reports/breakdown?${PERIOD}&by=category&lang=en`)).body;
      expect(byCategory.rows).to.deep.equal([
        { key: 'points_membership', label: 'Points and membership', labelZh: '积分与会员', labelEn: 'Points and membership', created: 4, solved: 3, backlog: 1,
          firstResponseMedian: 30, resolutionMedian: 240, slaCompliance: cmp(0.6667, 0.5), csatAverage: 4, csatResponses: 3, reopenRate: 0.3333 },
        { key: 'other', label: 'Other', labelZh: '其他', labelEn: 'Other', created: 3, solved: 2, backlog: 2,
          firstResponseMedian: null, resolutionMedian: 30, slaCompliance: cmp(null, 1), csatAverage: null, csatResponses: 0, reopenRate: 0 },
        { key: 'product_quality', label: 'Product quality', labelZh: '产品质量', labelEn: 'Product quality', created: 1, solved: 1, backlog: 0,
          firstResponseMedian: 90, resolutionMedian: 390, slaCompliance: cmp(0, 0), csatAverage: 2, csatResponses: 1, reopenRate: 0 },
      ]);
      const zh = (await w.api('GET', `/api/reports/breakdown?${PERIOD}&by=category`, { token: token(w.admin.agentId), headers: { 'accept-language': 'zh-CN,zh;q=0.9' } })).body;
      expect(zh.rows.map((r: { label: string }) => r.label)).to.deep.equal(['积分与会员', '其他', '产品质量']);

      const byTier = (await get(`/api/reports/breakdown?${PERIOD}&by=tier`)).body;
      expect(byTier.rows.map((r: { key: string; created: number; solved: number; backlog: number; firstResponseMedian: number | null; resolutionMedian: number | null; csatAverage: number | null; slaCompliance: unknown }) =>
        [r.key, r.created, r.solved, r.backlog, r.firstResponseMedian, r.resolutionMedian, r.csatAverage, r.slaCompliance])).to.deep.equal([
        ['standard', 4, 4, 1, 30, 60, 2.5, cmp(0, 0.6667)], // T2 T4 T5 T9; solved T0 T2 T4 T5
        ['gold', 2, 1, 1, 10, 240, 5, cmp(1, 1)], // T1 T6
        ['diamond', 1, 1, 0, 80, 630, 4, cmp(0, 0)], // T3
        ['silver', 1, 0, 1, null, null, null, cmp(null, null)], // T7
      ]);

      const byDepartment = (await get(`/api/reports/breakdown?${PERIOD}&by=department`)).body;
      expect(byDepartment.rows.map((r: { key: number; label: string; created: number; backlog: number }) => [r.key, r.label, r.created, r.backlog]))
        .to.deep.equal([[w.deptA, 'Dept A', 6, 2], [w.deptB, 'Dept B', 2, 1]]);
      const byType = (await get(`/api/reports/breakdown?${PERIOD}&by=type`)).body;
      expect(byType.rows.map((r: { key: string; created: number }) => [r.key, r.created])).to.deep.equal([['enquiry', 6], ['complaint', 1], ['suggestion', 1]]);
      const byChannel = (await get(`/api/reports/breakdown?${PERIOD}&by=channel&departmentId=${w.deptA}`)).body;
      expect(byChannel.rows.map((r: { key: string; created: number; solved: number }) => [r.key, r.created, r.solved])).to.deep.equal([['webchat', 5, 4], ['email', 1, 1]]);
    });

    it('exports every report as CSV: BOM, header row, attachment name', async () => {
      const summary = await get(`/api/reports/summary?${PERIOD}&format=csv`);
      expect(summary.status).to.equal(200);
      expect(summary.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
      expect(summary.headers.get('content-disposition')).to.equal('attachment; filename="memberdesk-summary_2026-03-02_2026-03-09.csv"');
      // fetch's text() drops a byte-order mark: look at the bytes.
      const raw = new Uint8Array(await (await fetch(`${w.baseUrl}/api/reports/summary?${PERIOD}&format=csv`, { headers: { authorization: `Bearer ${token(w.admin.agentId)}` } })).arrayBuffer());
      expect([...raw.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const csv = (body: unknown) => String(body).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      const lines = csv(summary.body);
      expect(lines[0]).to.equal('metric,value');
      expect(lines).to.include.members(['created,8', 'solved,6', 'backlog,3', 'firstResponseMinutes.median,50', 'resolutionMinutes.mean,303.3',
        'slaCompliance.firstResponse,0.5', 'breaches.nextResponse,1', 'escalations,2', 'csat.responseRate,0.6667', 'reopenRate,0.1667']);

      const trend = await get(`/api/reports/trend?${PERIOD}&interval=day&format=csv`);
      expect(trend.headers.get('content-disposition')).to.equal('attachment; filename="memberdesk-trend-day_2026-03-02_2026-03-09.csv"');
      const trendLines = csv(trend.body);
      expect(trendLines[0]).to.equal('start,end,created,solved,firstResponseMedian,resolutionMedian,slaCompliance.firstResponse,slaCompliance.resolution,csatAverage,csatResponses');
      expect(trendLines).to.have.length(8);
      expect(trendLines[1]).to.equal('2026-03-02T00:00:00.000Z,2026-03-03T00:00:00.000Z,2,2,50,240,0.5,1,5,1');
      expect(trendLines[6]).to.equal('2026-03-07T00:00:00.000Z,2026-03-08T00:00:00.000Z,0,0,,,,,,0');

      const agents = await get(`/api/reports/breakdown?${PERIOD}&by=agent&format=csv`);
      const agentLines = csv(agents.body);
      expect(agentLines[0]).to.equal('key,label,created,solved,backlog,firstResponseMedian,resolutionMedian,slaCompliance.firstResponse,slaCompliance.resolution,csatAverage,csatResponses,reopenRate');
      expect(agentLines[1]).to.equal(`${w.agentA.agentId},Agent A,3,3,1,50,470,0.6667,0.6667,4.5,2,0.3333`);
      expect(agentLines[2]).to.equal(',,3,1,2,,30,,1,,0,0');
    });

    it('scopes supervisors to their departments; analysts and admins see all; agents none', async () => {
      const sup = await get(`/api/reports/summary?${PERIOD}`, w.supervisorA.agentId);
      expect(sup.status).to.equal(200);
      expect(sup.body).to.deep.include({ created: 6, solved: 5, backlog: 2 }); // department A only
      const supByDept = await get(`/api/reports/breakdown?${PERIOD}&by=department`, w.supervisorA.agentId);
      expect(supByDept.body.rows.map((r: { key: number }) => r.key)).to.deep.equal([w.deptA]);
      const other = await get(`/api/reports/summary?${PERIOD}&departmentId=${w.deptB}`, w.supervisorA.agentId);
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal('FORBIDDEN');
      const analyst = await get(`/api/reports/summary?${PERIOD}`, analystId);
      expect(analyst.status).to.equal(200);
      expect(analyst.body.created).to.equal(8);
      for (const path of ['/api/reports/summary', '/api/reports/trend', '/api/reports/breakdown?by=agent']) {
        const agent = await get(path, w.agentA.agentId);
        expect(agent.status, path).to.equal(403);
      }
      const unknown = await get(`/api/reports/summary?${PERIOD}&departmentId=99999`);
      expect(unknown.status).to.equal(404);
    });

    it('refuses bad periods and parameters with stable codes', async () => {
      const reversed = await get('/api/reports/summary?from=2026-03-09&to=2026-03-02');
      expect(reversed.status).to.equal(422);
      expect(reversed.body.error.code).to.equal('REPORT_PERIOD_REVERSED');
      const empty = await get('/api/reports/trend?from=2026-03-02&to=2026-03-02');
      expect(empty.body.error.code).to.equal('REPORT_PERIOD_REVERSED');
      const long = await get('/api/reports/breakdown?from=2025-01-01&to=2026-03-01&by=agent');
      expect(long.status).to.equal(422);
      expect(long.body.error.code).to.equal('REPORT_PERIOD_TOO_LONG');
      for (const [path, field] of [
        ['/api/reports/summary?from=2026-02-30', 'query.from'],
        ['/api/reports/summary?from=yesterday', 'query.from'],
        ['/api/reports/summary?tz=Mars/Olympus', 'query.tz'],
        ['/api/reports/trend?interval=hour', 'query.interval'],
        ['/api/reports/breakdown', 'query.by'],
        ['/api/reports/breakdown?by=store', 'query.by'],
        ['/api/reports/summary?channel=fax', 'query.channel'],
        ['/api/reports/summary?format=xlsx', 'query.format'],
        ['/api/reports/summary?color=red', 'query.color'],
      ] as const) {
        const res = await get(path);
        expect(res.status, path).to.equal(400);
        expect(res.body.error.code, path).to.equal('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: { field: string }) => d.field), path).to.include(field);
      }
    });
  });
}
