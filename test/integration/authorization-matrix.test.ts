import { expect } from 'chai';
import { STAFF_ROLES } from '../../server/agents/principal.js';
import { Agent } from '../../server/db/entities/index.js';
import type { Role } from '../../server/domain.js';
import { routeSpecs, type RouteSpec } from '../../server/http/api.js';
import { ENGINES } from '../helpers/engines.js';
import { inbound, startWorld, TEST_PASSWORD, type TestWorld } from '../helpers/harness.js';
import { wechatSignature } from '../../channels/wechat/official/crypto.js';
import { officialAccounts } from '../../server/wechat/official-account.service.js';

/**
 * Every route × every caller (agent bound to department A and store SH-001, supervisor of A, analyst,
 * admin, no token) × scope (own: department A and store SH-001; otherStore: department A, store
 * SH-002; otherDept: department B, store SH-001), generated from the route table: a route without a
 * case here fails the first test, so new routes cannot skip the matrix. The two "other" scopes differ
 * from "own" in one dimension each, so a missing store check cannot hide behind a department check.
 *
 * Expected outcome: 401 without a token (unless public); 403 for a role the route does not allow;
 * 404 for a resource outside the caller's scope (no existence leak); otherwise "allowed", i.e. not
 * 401/403/404 — or, where listed in `deny`, a documented business refusal (e.g. PII_FORBIDDEN).
 */
type Caller = Exclude<Role, never> | 'none';
type Scope = 'own' | 'otherStore' | 'otherDept';

interface Fixture { survey: number; followUp: number; message: number; mailbox: number; mailboxAddress: string; officialAccount: number; ticket: number; member: number; agent: number; department: number; grant: number; mergeTarget: number; freshDepartment: number; calendar: number; policy: number; rule: number; category: string; n: number }
interface Case {
  /** The resource in the path: tickets and members are scoped by store and department; the rest by department; none → unscoped. */
  scoped: 'ticket' | 'member' | 'department' | 'grant' | 'agent' | 'none';
  path?: (f: Fixture) => string;
  body?: (f: Fixture, w: TestWorld) => unknown;
  raw?: (f: Fixture) => string;
  contentType?: string;
  /** Callers allowed on the route that must not see the resource of a scope (admins see all). */
  hidden?: Partial<Record<Scope, Caller[]>>;
  /** Allowed by role, refused for a documented business reason: caller → [scope → status]. */
  deny?: Partial<Record<Caller, Partial<Record<Scope, number>>>>;
}

/** A WeChat callback query signed with the fixture account's token (WeChat's own authentication). */
const OA_TOKEN = 'matrixtoken';
const oaSigned = (extra: Record<string, string> = {}) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.random()).slice(2);
  return new URLSearchParams({ signature: wechatSignature([OA_TOKEN, timestamp, nonce]), timestamp, nonce, ...extra }).toString();
};

const TICKET_HIDDEN: Case['hidden'] = { otherStore: ['agent'], otherDept: ['agent', 'supervisor'] };
const MEMBER_HIDDEN: Case['hidden'] = { otherStore: ['agent'] };

const CASES: Record<string, Case> = {
  'post /auth/login': { scoped: 'none', body: () => ({ email: 'agent.a@test.memberdesk', password: TEST_PASSWORD }) },
  'get /auth/me': { scoped: 'none' },
  'post /auth/logout': { scoped: 'none' },
  'get /channels': { scoped: 'none' },
  'get /openapi.json': { scoped: 'none' },
  'get /audit': { scoped: 'none' },
  'get /tickets': { scoped: 'none' },
  'get /tickets/:id': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  'get /tickets/:id/events': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  'post /tickets/:id/messages': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ text: 'note', visibility: 'internal' }) },
  'post /tickets/:id/status': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ status: 'pending' }) },
  'post /tickets/:id/assign': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ assigneeId: null }) },
  'post /tickets/:id/transfer': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: (f) => ({ departmentId: f.department }) },
  'post /tickets/:id/priority': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ priority: 'high' }) },
  'post /tickets/:id/tags': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ add: ['vip'] }) },
  'post /tickets/:id/merge': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: (f) => ({ targetTicketId: f.mergeTarget }) },
  'post /calls': { scoped: 'none', body: (f) => ({ direction: 'inbound', phone: `1390000${String(f.n).padStart(4, '0')}`, summary: 'call', durationSeconds: 5 }) },
  'get /members': { scoped: 'none' },
  'post /members': { scoped: 'none', body: (f) => ({ name: `New ${f.n}`, homeStore: 'SH-001' }) },
  'get /members/:id': { scoped: 'member', hidden: MEMBER_HIDDEN },
  'patch /members/:id': { scoped: 'member', hidden: MEMBER_HIDDEN, body: () => ({ tier: 'gold' }) },
  'get /members/:id/export': { scoped: 'member' },
  'delete /members/:id': { scoped: 'member' },
  'post /members/import': { scoped: 'none', raw: (f) => `name,email\nImported ${f.n},import${f.n}@example.com\n` },
  'post /grants': { scoped: 'none', body: (f, w) => ({ agentId: w.agentA.agentId, memberIds: [f.member], expiresAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'call-backs' }) },
  'get /grants': { scoped: 'none' },
  'delete /grants/:id': { scoped: 'grant', hidden: { otherDept: ['supervisor'] } },
  'get /agents': { scoped: 'none' },
  'post /agents': { scoped: 'none', body: (f) => ({ name: `Agent ${f.n}`, email: `matrix${f.n}@test.memberdesk`, password: 'Matrix-pass-123' }) },
  'get /agents/:id': { scoped: 'agent', hidden: { otherDept: ['agent', 'supervisor'] } },
  'patch /agents/:id': { scoped: 'agent', body: () => ({ locale: 'en' }) },
  'post /agents/:id/revoke-tokens': { scoped: 'agent' },
  'get /departments': { scoped: 'none' },
  'post /departments': { scoped: 'none', body: (f) => ({ name: `Dept ${f.n}` }) },
  'get /departments/:id': { scoped: 'department' },
  'patch /departments/:id': { scoped: 'department', body: () => ({ slackChannel: '#x' }), deny: { supervisor: { otherDept: 403 } } },
  'delete /departments/:id': { scoped: 'none', path: (f) => `/api/departments/${f.freshDepartment}` },
  'get /channels/email/mailboxes': { scoped: 'none' },
  'post /channels/email/mailboxes': { scoped: 'none', body: (f, w) => ({ address: `new${f.n}@desk.example`, departmentId: w.deptA }) },
  'patch /channels/email/mailboxes/:id': { scoped: 'none', path: (f) => `/api/channels/email/mailboxes/${f.mailbox}`, body: () => ({ acknowledge: false }) },
  'post /channels/email/mailboxes/:id/rotate-token': { scoped: 'none', path: (f) => `/api/channels/email/mailboxes/${f.mailbox}/rotate-token` },
  'delete /channels/email/mailboxes/:id': { scoped: 'none', path: (f) => `/api/channels/email/mailboxes/${f.mailbox}` },
  'get /channels/email/failures': { scoped: 'none' },
  'get /tickets/:id/messages/:messageId/attachments/:index': { scoped: 'ticket', hidden: TICKET_HIDDEN, path: (f) => `/api/tickets/${f.ticket}/messages/${f.message}/attachments/0` },
  'post /uploads': { scoped: 'none', path: () => '/api/uploads?name=note.txt', raw: (f) => `file ${f.n}`, contentType: 'text/plain' },
  'get /calendars': { scoped: 'none' },
  'post /calendars': { scoped: 'none', body: (f) => ({ name: `New calendar ${f.n}`, definition: { timezone: 'UTC', weekly: { mon: [['09:00', '18:00']] } } }) },
  'get /calendars/:id': { scoped: 'none', path: (f) => `/api/calendars/${f.calendar}` },
  'patch /calendars/:id': { scoped: 'none', path: (f) => `/api/calendars/${f.calendar}`, body: () => ({ definition: { timezone: 'Europe/Berlin', alwaysOpen: true } }) },
  'delete /calendars/:id': { scoped: 'none', path: (f) => `/api/calendars/${f.calendar}` },
  'post /triage/classify': { scoped: 'none', body: () => ({ text: '我要退款 I want a refund' }) },
  'post /tickets/:id/triage': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ type: 'complaint' }) },
  'post /tickets/:id/read': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  'post /tickets/:id/link-member': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: async (_f, w) => ({ memberId: (await w.services.members.create({ name: `Linked ${Math.random()}`, homeStore: 'SH-001' })).id }) },
  'get /triage/rules': { scoped: 'none' },
  'post /triage/rules': { scoped: 'none', body: (f) => ({ name: `Rule ${f.n}`, match: { keywords: [`matrix${f.n}`] }, actions: { priority: 'high' } }) },
  'put /triage/rules/order': { scoped: 'none', body: async (_f, w) => ({ ids: (await w.services.triageAdmin.listRules()).map((r) => r.id).reverse() }) },
  'get /triage/rules/:id': { scoped: 'none', path: (f) => `/api/triage/rules/${f.rule}` },
  'patch /triage/rules/:id': { scoped: 'none', path: (f) => `/api/triage/rules/${f.rule}`, body: () => ({ enabled: false }) },
  'delete /triage/rules/:id': { scoped: 'none', path: (f) => `/api/triage/rules/${f.rule}` },
  'get /categories': { scoped: 'none' },
  'post /categories': { scoped: 'none', body: (f) => ({ key: `matrix_new_${f.n}`, labelZh: '新类别', labelEn: 'New category' }) },
  'patch /categories/:key': { scoped: 'none', path: (f) => `/api/categories/${f.category}`, body: () => ({ labelEn: 'Renamed' }) },
  'get /triage/settings': { scoped: 'none' },
  'patch /triage/settings': { scoped: 'none', body: () => ({ negativeBoost: 1 }) },
  'get /triage/model': { scoped: 'none' },
  'post /triage/examples': { scoped: 'none', body: (f) => ({ examples: [{ text: `matrix example ${f.n}`, type: 'enquiry' }] }) },
  'put /agents/me/presence': { scoped: 'none', body: () => ({ presence: 'away' }) },
  'get /sla-policies': { scoped: 'none' },
  'post /sla-policies': { scoped: 'none', body: (f) => ({ name: `New policy ${f.n}`, resolutionMinutes: 480 }) },
  'get /sla-policies/:id': { scoped: 'none', path: (f) => `/api/sla-policies/${f.policy}` },
  'patch /sla-policies/:id': { scoped: 'none', path: (f) => `/api/sla-policies/${f.policy}`, body: () => ({ warningPercent: 80 }) },
  'delete /sla-policies/:id': { scoped: 'none', path: (f) => `/api/sla-policies/${f.policy}` },
  // Reordering needs every id: whatever exists at that moment, in reverse.
  'put /sla-policies/order': { scoped: 'none', body: async (_f, w) => ({ ids: (await w.services.slaAdmin.policies()).map((p) => p.id).reverse() }) },
  'post /tickets/:id/sla/acknowledge': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  // The head, the department's supervisors and admins: a plain agent is refused even in their own department.
  'get /departments/:id/sla': { scoped: 'department', deny: { agent: { own: 403, otherStore: 403, otherDept: 403 }, supervisor: { otherDept: 403 } } },
  // No bot in the test world: state says not configured, logout is a 409.
  // Surveys and follow-ups: the member's link is public (an unknown token is a 400, a refusal of its own); the rest follows the ticket.
  'get /surveys/link/:token': { scoped: 'none', path: () => '/api/surveys/link/1.abcdefghijkl.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', deny: { none: { own: 400, otherStore: 400, otherDept: 400 }, agent: { own: 400, otherStore: 400, otherDept: 400 }, supervisor: { own: 400, otherStore: 400, otherDept: 400 }, analyst: { own: 400, otherStore: 400, otherDept: 400 }, admin: { own: 400, otherStore: 400, otherDept: 400 } } },
  'post /surveys/link/:token': { scoped: 'none', path: () => '/api/surveys/link/1.abcdefghijkl.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', body: () => ({ rating: 5 }), deny: { none: { own: 400, otherStore: 400, otherDept: 400 }, agent: { own: 400, otherStore: 400, otherDept: 400 }, supervisor: { own: 400, otherStore: 400, otherDept: 400 }, analyst: { own: 400, otherStore: 400, otherDept: 400 }, admin: { own: 400, otherStore: 400, otherDept: 400 } } },
  'get /tickets/:id/surveys': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  'post /tickets/:id/surveys/:surveyId/answer': { scoped: 'ticket', hidden: TICKET_HIDDEN, path: (f) => `/api/tickets/${f.ticket}/surveys/${f.survey}/answer`, body: () => ({ rating: 4 }) },
  'get /tickets/:id/follow-ups': { scoped: 'ticket', hidden: TICKET_HIDDEN },
  'get /follow-ups': { scoped: 'none' },
  'post /follow-ups/:id/done': { scoped: 'ticket', hidden: TICKET_HIDDEN, path: (f) => `/api/follow-ups/${f.followUp}/done`, body: () => ({ outcome: 'satisfied' }) },
  'get /channels/wechat/bot': { scoped: 'none' },
  'post /channels/wechat/bot/logout': { scoped: 'none' },
  'get /channels/wechat/official-accounts': { scoped: 'none' },
  'post /channels/wechat/official-accounts': { scoped: 'none', body: (f, w) => ({ name: `OA ${f.n}`, appId: `wxnew${f.n}`, appSecret: 'secret', token: OA_TOKEN, departmentId: w.deptA }) },
  'get /channels/wechat/official-accounts/:id': { scoped: 'none', path: (f) => `/api/channels/wechat/official-accounts/${f.officialAccount}` },
  'patch /channels/wechat/official-accounts/:id': { scoped: 'none', path: (f) => `/api/channels/wechat/official-accounts/${f.officialAccount}`, body: () => ({ name: 'Renamed' }) },
  'delete /channels/wechat/official-accounts/:id': { scoped: 'none', path: (f) => `/api/channels/wechat/official-accounts/${f.officialAccount}` },
  // Public, authenticated by WeChat's signature over the account's token.
  'get /channels/wechat/official/:accountId': { scoped: 'none', path: (f) => `/api/channels/wechat/official/${f.officialAccount}?${oaSigned({ echostr: 'e' })}` },
  'post /channels/wechat/official/:accountId': {
    scoped: 'none', path: (f) => `/api/channels/wechat/official/${f.officialAccount}?${oaSigned()}`, contentType: 'text/xml',
    raw: (f) => `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oMatrix${f.n}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>${f.n}</MsgId></xml>`,
  },
  'post /channels/email/inbound': {
    scoped: 'none', path: (f) => `/api/channels/email/inbound?mailbox=${f.mailboxAddress}`, contentType: 'message/rfc822',
    raw: (f) => `From: member${f.n}@example.com\r\nTo: ${f.mailboxAddress}\r\nSubject: Hello ${f.n}\r\nMessage-ID: <m${f.n}@example.com>\r\n\r\nHi\r\n`,
  },
  // Reports: supervisors, analysts and admins (agents 403 by role); a supervisor asking for another department's figures is refused.
  'get /reports/summary': { scoped: 'department', path: (f) => `/api/reports/summary?departmentId=${f.department}`, deny: { supervisor: { otherDept: 403 } } },
  'get /reports/trend': { scoped: 'department', path: (f) => `/api/reports/trend?interval=week&departmentId=${f.department}`, deny: { supervisor: { otherDept: 403 } } },
  'get /reports/breakdown': { scoped: 'department', path: (f) => `/api/reports/breakdown?by=agent&format=csv&departmentId=${f.department}`, deny: { supervisor: { otherDept: 403 } } },
  // Follow-ups (docs/follow-ups.md): by hand on a ticket the caller sees; rules are admins' (supervisors read); the report like the others.
  'post /tickets/:id/follow-ups': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: () => ({ dueAt: new Date(Date.now() + 3_600_000).toISOString(), channel: 'call' }) },
  'get /follow-up-rules': { scoped: 'none' },
  'post /follow-up-rules': { scoped: 'none', body: (f) => ({ name: `Matrix follow-up rule ${f.n}`, trigger: 'solved', delayDays: 1, channel: 'call', active: false }) },
  'put /follow-up-rules/order': { scoped: 'none', body: async (_f, w) => ({ ids: (await w.services.followUps.rules.list()).map((r) => r.id).reverse() }) },
  'get /follow-up-rules/:id': { scoped: 'none', path: (f) => `/api/follow-up-rules/${followUpRules.get(f.n)}` },
  'patch /follow-up-rules/:id': { scoped: 'none', path: (f) => `/api/follow-up-rules/${followUpRules.get(f.n)}`, body: () => ({ script: 'matrix' }) },
  'delete /follow-up-rules/:id': { scoped: 'none', path: (f) => `/api/follow-up-rules/${followUpRules.get(f.n)}` },
  'get /reports/follow-ups': { scoped: 'department', path: (f) => `/api/reports/follow-ups?by=agent&format=csv&departmentId=${f.department}`, deny: { supervisor: { otherDept: 403 } } },
  // Suggestions (docs/suggestions.md): the queue and decisions follow the tickets; templates are edited by the department's supervisors (installation: admins).
  'get /suggestions': { scoped: 'none' },
  'post /suggestions/decisions': { scoped: 'ticket', hidden: TICKET_HIDDEN, body: (f) => ({ ticketIds: [f.ticket], outcome: 'declined', summary: 'matrix' }) },
  'get /suggestions/decisions/:id': { scoped: 'department', path: (f) => `/api/suggestions/decisions/${suggestionDecisions.get(f.n)}`, hidden: { otherDept: ['agent', 'supervisor'] } },
  'patch /suggestions/decisions/:id': { scoped: 'department', path: (f) => `/api/suggestions/decisions/${suggestionDecisions.get(f.n)}`, body: () => ({ effectiveOn: '2027-01-01' }), hidden: { otherDept: ['agent', 'supervisor'] } },
  'post /suggestions/decisions/:id/tickets': { scoped: 'ticket', hidden: TICKET_HIDDEN, path: (f) => `/api/suggestions/decisions/${suggestionDecisions.get(f.n)}/tickets`, body: (f) => ({ ticketIds: [f.ticket] }) },
  'get /suggestions/templates': { scoped: 'department', path: (f) => `/api/suggestions/templates?departmentId=${f.department}`, deny: { agent: { otherDept: 403 }, supervisor: { otherDept: 403 } } },
  'put /suggestions/templates/:id/:key/:language': { scoped: 'department', path: (f) => `/api/suggestions/templates/${f.department}/suggestion.declined/en`, body: () => ({ body: 'Thank you for {ticketNumber}: {summary}' }), deny: { agent: { own: 403, otherDept: 403 }, supervisor: { otherDept: 403 } } },
  'delete /suggestions/templates/:id/:key/:language': { scoped: 'department', path: (f) => `/api/suggestions/templates/${f.department}/suggestion.declined/en`, deny: { agent: { own: 403, otherDept: 403 }, supervisor: { otherDept: 403 } } },
  'get /reports/suggestions': { scoped: 'department', path: (f) => `/api/reports/suggestions?format=csv&departmentId=${f.department}`, deny: { supervisor: { otherDept: 403 } } },
};

/** Fixture number → a suggestion decision of the fixture's department (the decision routes' :id). */
const suggestionDecisions = new Map<number, number>();

/** Fixture number → an inactive follow-up rule made for it (the rule routes' :id). */
const followUpRules = new Map<number, number>();

const CALLERS: Caller[] = ['none', 'agent', 'supervisor', 'analyst', 'admin'];
const key = (r: RouteSpec) => `${r.method} ${r.path}`;

for (const engine of ENGINES) {
  describe(`authorization matrix [${engine.name}]`, () => {
    let w: TestWorld;
    let storeAgentId: number;
    let analystId: number;
    let n = 0;

    before(async () => {
      w = await startWorld(engine);
      storeAgentId = (await w.services.agents.create({ name: 'Matrix Agent', email: 'matrix.agent@test.memberdesk', password: TEST_PASSWORD, departmentIds: [w.deptA], stores: ['SH-001'] })).id;
      analystId = (await w.services.agents.create({ name: 'Matrix Analyst', email: 'matrix.analyst@test.memberdesk', password: TEST_PASSWORD, role: 'analyst' })).id;
    });
    after(async () => { await w.stop(); });

    /** A fresh token each time: some routes (logout, revoke-tokens) end the tokens they are called with. */
    const tokenOf = async (caller: Caller): Promise<string | undefined> => {
      const id = { none: 0, agent: storeAgentId, supervisor: w.supervisorA.agentId, analyst: analystId, admin: w.admin.agentId }[caller];
      if (!id) return undefined;
      const agent = await w.services.db.read((m) => m.findOneByOrFail(Agent, { id }));
      return w.services.signer.issue(id, agent.tokenVersion, new Date()).token;
    };

    const fixture = async (scope: Scope): Promise<Fixture> => {
      n++;
      const own = scope !== 'otherDept';
      const store = scope === 'otherStore' ? 'SH-002' : 'SH-001';
      const dept = scope === 'otherDept' ? w.deptB : w.deptA;
      const member = await w.services.members.create({ name: `Fixture ${n}`, homeStore: store, identities: { phone: `1360000${String(n).padStart(4, '0')}`, webchat: `matrix-${n}` } });
      const file = await w.services.files.put('attachments', Buffer.from(`attachment ${n}`));
      const ticket = await w.services.tickets.ingest(inbound({ channel: 'phone', from: { kind: 'phone', value: `1360000${String(n).padStart(4, '0')}` }, departmentId: dept,
        attachments: [{ name: 'photo.txt', contentType: 'text/plain', size: 12, path: file.path }] }));
      // The same member's chat ticket, in the same department: what a merge may join.
      const mergeTarget = await w.services.tickets.ingest(inbound({ channel: 'webchat', from: { kind: 'webchat', value: `matrix-${n}` }, departmentId: dept }));
      const grantor = own ? w.supervisorA : w.admin;
      const [grant] = await w.services.privacy.grant(grantor, { agentId: w.agentA.agentId, memberIds: [member.id], expiresAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'fixture' }, null);
      const freshDepartment = (await w.services.departments.create({ name: `Fresh ${n}` })).id;
      const mailboxAddress = `desk${n}@desk.example`;
      const mailbox = (await w.services.mailboxes.create({ address: mailboxAddress, departmentId: w.deptA })).mailbox.id;
      const officialAccount = (await officialAccounts(w.services).create({ name: `OA ${n}`, appId: `wxmatrix${n}`, appSecret: 'secret', token: OA_TOKEN, departmentId: w.deptA })).id;
      const calendar = (await w.services.slaAdmin.saveCalendar(null, { name: `Calendar ${n}`, definition: { timezone: 'Asia/Shanghai', alwaysOpen: true } })).id;
      // Inactive: a fixture's policy must not change the SLA of every other fixture's tickets.
      const policy = (await w.services.slaAdmin.savePolicy(null, { name: `Policy ${n}`, firstResponseMinutes: 60, active: false })).id;
      const rule = (await w.services.triageAdmin.createRule({ name: `Fixture rule ${n}`, match: { keywords: [`fixture${n}`] }, actions: { tags: ['fixture'] } })).id;
      const category = (await w.services.triageAdmin.createCategory(`matrix_${n}`, { labelZh: '测试', labelEn: 'Fixture' })).key;
      // A survey sent on the fixture ticket (answered on a call) and its department's follow-up, as rows: the ticket keeps its status.
      const at = new Date();
      const survey = (await w.services.db.sqlTx((sql) => sql.run(
        "INSERT INTO survey (ticketId, memberId, channel, status, solvedAt, departmentId, category, type, ticketChannel, tier, sendAt, sentAt, expiresAt, nonce, createdAt) VALUES (?, ?, 'call', 'sent', ?, ?, 'other', 'enquiry', 'phone', 'standard', ?, ?, ?, ?, ?)",
        [ticket.ticketId, member.id, at, dept, at, at, new Date(at.getTime() + 86_400_000), `matrixnonce${n}`, at]))).insertId;
      const followUp = (await w.services.db.sqlTx((sql) => sql.run(
        "INSERT INTO follow_up (ticketId, departmentId, reason, status, dueAt, attempts, createdAt) VALUES (?, ?, 'manual', 'open', ?, 0, ?)", [ticket.ticketId, dept, at, at]))).insertId;
      followUpRules.set(n, (await w.services.followUps.rules.create({ name: `Fixture follow-up rule ${n}`, trigger: 'solved', delayDays: 1, channel: 'call', active: false })).id);
      suggestionDecisions.set(n, (await w.services.db.sqlTx((sql) => sql.run(
        "INSERT INTO suggestion_decision (departmentId, outcome, summary, effectiveOn, decidedBy, createdAt, updatedAt) VALUES (?, 'planned', 'matrix', NULL, ?, ?, ?)", [dept, w.admin.agentId, at, at]))).insertId);
      return { survey, followUp, rule, category, calendar, policy, message: ticket.messageId, mailbox, mailboxAddress, officialAccount, ticket: ticket.ticketId, member: member.id, agent: own ? w.agentA.agentId : w.agentB.agentId, department: own ? w.deptA : w.deptB, grant: grant!.id, mergeTarget: mergeTarget.ticketId, freshDepartment, n };
    };

    it('has a case for every route in the route table', () => {
      const missing = routeSpecs.map(key).filter((k) => !CASES[k]);
      expect(missing, 'routes without a matrix case').to.deep.equal([]);
      expect(Object.keys(CASES).filter((k) => !routeSpecs.some((r) => key(r) === k)), 'cases for routes that no longer exist').to.deep.equal([]);
    });

    it('answers every route × caller × scope as the rules say, leaking nothing', async function () {
      this.timeout(240_000);
      const problems: string[] = [];
      for (const spec of routeSpecs) {
        const c = CASES[key(spec)]!;
        const scopes: Scope[] = c.scoped === 'none' ? ['own'] : c.scoped === 'ticket' || c.scoped === 'member' ? ['own', 'otherStore', 'otherDept'] : ['own', 'otherDept'];
        for (const scope of scopes) {
          for (const caller of CALLERS) {
            const f = await fixture(scope);
            const path = c.path ? c.path(f) : '/api' + spec.path.replace(':id', String({ ticket: f.ticket, member: f.member, department: f.department, grant: f.grant, agent: f.agent, none: f.ticket }[c.scoped]));
            const token = await tokenOf(caller);
            const res = c.raw
              ? await w.api(spec.method.toUpperCase(), path, { token, raw: c.raw(f), contentType: c.contentType ?? 'text/csv' })
              : await w.api(spec.method.toUpperCase(), path, { token, body: await c.body?.(f, w) });
            const allowed = spec.public || (caller !== 'none' && (spec.roles ?? STAFF_ROLES).includes(caller as Role));
            let expected: number | 'allowed';
            if (caller === 'none' && !spec.public) expected = 401;
            else if (!allowed) expected = 403;
            else if (caller !== 'admin' && c.hidden?.[scope]?.includes(caller)) expected = 404;
            else expected = c.deny?.[caller]?.[scope] ?? 'allowed';
            const ok = expected === 'allowed' ? ![401, 403, 404].includes(res.status) && res.status < 500 : res.status === expected;
            if (!ok) problems.push(`${key(spec)} as ${caller} (${scope}): got ${res.status} ${JSON.stringify(res.body?.error ?? '').slice(0, 120)}, expected ${expected}`);
            if (expected === 404 && res.body?.error?.code !== 'NOT_FOUND') problems.push(`${key(spec)} as ${caller} (${scope}): a hidden resource must look missing`);
            if (caller === 'analyst' && /1360000\d{4}/.test(JSON.stringify(res.body))) problems.push(`${key(spec)}: an analyst saw contact data`);
            if (/\+861360000\d{4}/.test(JSON.stringify(res.body)) && !spec.path.endsWith('/export')) problems.push(`${key(spec)} as ${caller}: unmasked phone in a response`);
          }
        }
      }
      expect(problems).to.deep.equal([]);
    });
  });
}
