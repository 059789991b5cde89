import type { Response, Router } from 'express';
import type { Role } from '../../domain.js';
import { FOLLOW_UP_CHANNELS, FOLLOW_UP_TRIGGERS, type FollowUpChannel, type FollowUpTrigger } from '../../db/entities/follow-up-rule.entity.js';
import { FOLLOW_UP_REASONS } from '../../db/entities/follow-up.entity.js';
import { FOLLOW_UP_REPORT_BY, followUpReport, followUpReportCsv, type FollowUpReportBy } from '../../follow-ups/follow-up-report.js';
import type { FollowUpRuleInput } from '../../follow-ups/follow-up-rule.service.js';
import { FOLLOW_UP_OUTCOMES, type FollowUpQuery, type ManualFollowUpInput, type OutcomeInput } from '../../follow-ups/follow-up.service.js';
import { DATE_PARAM_PATTERN, localDateText } from '../../reports/report-period.js';
import { ReportService } from '../../reports/report.service.js';
import type { Services } from '../../services.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, pageQuery, str, text, type ApiServices, type JsonSchema } from '../api.js';

const REPORT_ROLES: Role[] = ['supervisor', 'admin', 'analyst'];

const conditions = obj({
  types: { type: 'array', items: str({ maxLength: 32 }), maxItems: 20, uniqueItems: true },
  tiers: { type: 'array', items: str({ maxLength: 32 }), maxItems: 20, uniqueItems: true },
  categories: { type: 'array', items: str({ maxLength: 64 }), maxItems: 100, uniqueItems: true },
  departmentIds: { type: 'array', items: int(), maxItems: 100, uniqueItems: true },
  channels: { type: 'array', items: str({ maxLength: 16 }), maxItems: 10, uniqueItems: true },
});
const ruleFields: Record<string, JsonSchema> = {
  name: text(120), active: { type: 'boolean' }, trigger: oneOf(FOLLOW_UP_TRIGGERS), conditions,
  delayDays: { type: 'integer', minimum: 0, maximum: 365 }, channel: oneOf(FOLLOW_UP_CHANNELS), script: nullable(str({ maxLength: 4000 })),
  assignTo: oneOf(['assignee', 'department']), maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
};

type ListQuery = Omit<FollowUpQuery, 'due'> & { status: 'open' | 'done' | 'cancelled' | 'all'; due?: number };

/**
 * Follow-ups (回访, docs/follow-ups.md): the queue and a ticket's follow-ups, by-hand creation, outcomes,
 * the admins' rules and the report.
 */
export function followUpRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, ListQuery, never>(r, auth, {
    method: 'get', path: '/follow-ups', tag: 'follow-ups',
    query: obj({
      status: { ...oneOf(['open', 'done', 'cancelled', 'all']), default: 'open' }, departmentId: int(), reason: oneOf(FOLLOW_UP_REASONS),
      due: { type: 'integer', enum: [0, 1], description: '1: only those due now or overdue (dueAt <= now)' },
      assigneeId: str({ pattern: '^(me|none|[1-9][0-9]{0,9})$', description: 'me, none (the department queue) or an agent id' }),
      ...pageQuery,
    }),
    summary: 'Follow-up tasks (回访) of your departments, soonest due first (keyset cursor). Each carries its ticket\'s number and subject, '
      + '`overdue`, attempts/maxAttempts and, for a low rating, the rating. due=1 and assigneeId=me|none|<id> give the live queue\'s part.',
  }, ({ principal, query }) => s.followUps.list(principal, { ...query, due: query.due === 1 }));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/tickets/:id/follow-ups', tag: 'follow-ups', params: idParams,
    summary: 'The ticket\'s follow-ups, newest first.',
  }, async ({ principal, params }) => {
    await s.surveys.listForTicket(principal, params.id);
    return s.followUps.listForTicket(principal, params.id);
  });

  defineRoute<{ id: number }, never, ManualFollowUpInput>(r, auth, {
    method: 'post', path: '/tickets/:id/follow-ups', tag: 'follow-ups', params: idParams, status: 201,
    body: obj({
      dueAt: str({ format: 'date-time' }), channel: oneOf(FOLLOW_UP_CHANNELS), script: nullable(str({ maxLength: 4000 })),
      assigneeId: nullable(int()), maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
    }, ['dueAt', 'channel']),
    summary: 'A follow-up scheduled by hand (reason manual) for the ticket\'s department, or one of its agents (assigneeId). UNKNOWN_AGENT (422) for an agent outside it.',
  }, ({ principal, params, body }) => s.followUps.createManual(principal, params.id, body));

  defineRoute<{ id: number }, never, OutcomeInput>(r, auth, {
    method: 'post', path: '/follow-ups/:id/done', tag: 'follow-ups', params: idParams,
    body: obj({ outcome: oneOf(FOLLOW_UP_OUTCOMES), note: nullable(str({ maxLength: 4000 })), retryInDays: { type: 'integer', minimum: 1, maximum: 30 } }, ['outcome']),
    summary: 'Records how a follow-up went, in the ticket\'s history: satisfied/other → done; not_satisfied → done and a solved ticket reopened (`reopened`); '
      + 'unreachable → tried again retryInDays working days later (default 1, `retried: true`) until maxAttempts, then done. FOLLOW_UP_CLOSED (409) when not open.',
  }, ({ principal, params, body }) => s.followUps.markDone(principal, params.id, body));

  // ── rules (admins; supervisors may read) ──
  const rules = s.followUps.rules;
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/follow-up-rules', tag: 'follow-ups', roles: ['supervisor', 'admin'], summary: 'Follow-up rules in evaluation order.',
  }, async () => ({ items: await rules.list() }));

  defineRoute<Record<string, never>, never, FollowUpRuleInput & { name: string; trigger: FollowUpTrigger; delayDays: number; channel: FollowUpChannel }>(r, auth, {
    method: 'post', path: '/follow-up-rules', tag: 'follow-ups', roles: ['admin'], status: 201, body: obj(ruleFields, ['name', 'trigger', 'delayDays', 'channel']),
    summary: 'Add a rule (last in order). delayDays are working days of the ticket\'s department calendar; 0 = due at once.',
  }, ({ body }) => rules.create(body));

  defineRoute<Record<string, never>, never, { ids: number[] }>(r, auth, {
    method: 'put', path: '/follow-up-rules/order', tag: 'follow-ups', roles: ['admin'],
    body: obj({ ids: { type: 'array', items: int(), maxItems: 1000, uniqueItems: true } }, ['ids']),
    summary: 'Reorder the rules: every rule id exactly once (RULE_ORDER_MISMATCH, 422, otherwise).',
  }, async ({ body }) => ({ items: await rules.order(body.ids) }));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/follow-up-rules/:id', tag: 'follow-ups', params: idParams, roles: ['supervisor', 'admin'], summary: 'One follow-up rule.',
  }, ({ params }) => rules.get(params.id));

  defineRoute<{ id: number }, never, FollowUpRuleInput>(r, auth, {
    method: 'patch', path: '/follow-up-rules/:id', tag: 'follow-ups', params: idParams, roles: ['admin'], body: { ...obj(ruleFields), minProperties: 1 },
    summary: 'Change a rule (turn it off with active=false). Follow-ups it already created keep their terms.',
  }, ({ params, body }) => rules.update(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/follow-up-rules/:id', tag: 'follow-ups', params: idParams, roles: ['admin'], status: 204, summary: 'Delete a rule.',
  }, async ({ params }) => { await rules.delete(params.id); });

  // ── report ──
  const reports = new ReportService({ db: s.db, clock: s.clock });
  const dateParam = str({ pattern: DATE_PARAM_PATTERN });
  defineRoute<Record<string, never>, { from?: string; to?: string; tz?: string; departmentId?: number; agentId?: number; by: FollowUpReportBy; format: 'json' | 'csv' }, never>(r, auth, {
    method: 'get', path: '/reports/follow-ups', tag: 'reports', roles: REPORT_ROLES,
    query: obj({
      from: dateParam, to: dateParam, tz: text(64), departmentId: int(), agentId: int({ description: 'the agent who recorded it done, else its assignee' }),
      by: { ...oneOf(FOLLOW_UP_REPORT_BY), default: 'department' }, format: { ...oneOf(['json', 'csv']), default: 'json' },
    }),
    summary: 'Follow-ups of a period [from, to) by department or agent: created, due, done, overdue, cancelled and outcomes (docs/follow-ups.md). Supervisors see their departments only.',
    responseDescription: '{period, by, overdueAsOf, totals, rows}; with format=csv, one line per row and a total line',
  }, async ({ principal, query, res }) => {
    const scope = await reports.scope(principal, { from: query.from, to: query.to, tz: query.tz, departmentId: query.departmentId, agentId: query.agentId });
    const report = await followUpReport({ db: s.db, clock: s.clock }, scope, query.by);
    if (query.format !== 'csv') return report;
    const file = `memberdesk-follow-ups-${query.by}_${localDateText(scope.tz, scope.from.getTime())}_${localDateText(scope.tz, scope.to.getTime())}.csv`;
    sendCsv(res, file, followUpReportCsv(report));
    return undefined;
  });
}

function sendCsv(res: Response, file: string, body: string): void {
  res.status(200).set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${file}"`).send(body);
}
