import type { Response, Router } from 'express';
import { SUGGESTION_OUTCOMES } from '../../db/entities/suggestion.entity.js';
import type { Role } from '../../domain.js';
import { toCsv } from '../../reports/report-csv.js';
import { DATE_PARAM_PATTERN, localDateText } from '../../reports/report-period.js';
import { ReportService } from '../../reports/report.service.js';
import { ValidationError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { DecideInput, SuggestionQuery, SuggestionState } from '../../suggestions/suggestion.service.js';
import { TEMPLATE_KEYS, TEMPLATE_LANGUAGES, type TemplateKey, type TemplateLanguage } from '../../suggestions/template.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, pageQuery, str, text, type ApiServices } from '../api.js';
import { storeScoped } from '../../agents/principal.js';

const REPORT_ROLES: Role[] = ['supervisor', 'admin', 'analyst'];
const ticketIds = { type: 'array', items: int(), minItems: 1, maxItems: 200 };
const effectiveOn = nullable(str({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', description: 'local date YYYY-MM-DD the change takes effect' }));
// Key and language are checked by the handler (after the body), so that a bad body is named first, as on every write route.
const templateParams = obj({
  id: { type: 'integer', minimum: 0, description: 'department id; 0: the installation' },
  key: str({ maxLength: 40, description: TEMPLATE_KEYS.join(' | ') }), language: str({ maxLength: 20, description: TEMPLATE_LANGUAGES.join(' | ') }),
}, ['id', 'key', 'language']);
type TemplateParams = { id: number; key: string; language: string };

function templateRef(p: TemplateParams): { departmentId: number; key: TemplateKey; language: TemplateLanguage } {
  const details = [
    ...((TEMPLATE_KEYS as readonly string[]).includes(p.key) ? [] : [{ field: 'path.key', message: `must be one of ${TEMPLATE_KEYS.join(', ')}` }]),
    ...((TEMPLATE_LANGUAGES as readonly string[]).includes(p.language) ? [] : [{ field: 'path.language', message: `must be one of ${TEMPLATE_LANGUAGES.join(', ')}` }]),
  ];
  if (details.length) throw new ValidationError(`invalid path: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
  return { departmentId: p.id, key: p.key as TemplateKey, language: p.language as TemplateLanguage };
}

export const REPORT_CSV_HEADER = ['ticketId', 'number', 'subject', 'departmentId', 'createdAt', 'state', 'outcome', 'decidedAt', 'dueAt', 'overdue'] as const;

/**
 * Suggestions (docs/suggestions.md): the evaluation queue, decisions (one for many alike suggestions),
 * the member-facing templates, and the weekly figures as a report.
 */
export function suggestionRoutes(r: Router, auth: ApiServices, s: Services): void {
  const reports = new ReportService({ db: s.db, clock: s.clock });

  defineRoute<Record<string, never>, SuggestionQuery & { state: SuggestionState }, never>(r, auth, {
    method: 'get', path: '/suggestions', tag: 'suggestions',
    query: obj({ state: { ...oneOf(['awaiting', 'decided', 'all']), default: 'awaiting' }, departmentId: int(), q: str({ maxLength: 200 }), ...pageQuery }),
    summary: 'Suggestions you may see, oldest first (keyset cursor). awaiting: no decision yet and not closed or merged. Each: ticket, first member text excerpt, '
      + 'member tier, channel, language, SLA resolution due/breached, and the decision if any.',
  }, ({ principal, query }) => s.suggestions.list(principal, query));

  defineRoute<Record<string, never>, never, DecideInput>(r, auth, {
    method: 'post', path: '/suggestions/decisions', tag: 'suggestions', status: 201,
    body: obj({ ticketIds, outcome: oneOf(SUGGESTION_OUTCOMES), summary: text(2000), effectiveOn }, ['ticketIds', 'outcome', 'summary']),
    summary: 'Records one decision (adopted, planned, declined) for suggestions of one department: each member is told on their channel in their language, '
      + 'and each ticket is solved. Errors: NOT_FOUND (404, a ticket you cannot see), SUGGESTION_NOT_A_SUGGESTION (422), SUGGESTION_DEPARTMENT_MISMATCH (422), '
      + 'SUGGESTION_ALREADY_DECIDED (409), SUGGESTION_CLOSED (409); nothing is written on a refusal.',
  }, ({ principal, body }) => s.suggestions.decide(principal, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/suggestions/decisions/:id', tag: 'suggestions', params: idParams,
    summary: 'A decision and the suggestions it answers.',
  }, ({ principal, params }) => s.suggestions.decision(principal, params.id));

  defineRoute<{ id: number }, never, { summary?: string; effectiveOn?: string | null }>(r, auth, {
    method: 'patch', path: '/suggestions/decisions/:id', tag: 'suggestions', params: idParams,
    body: { ...obj({ summary: text(2000), effectiveOn }), minProperties: 1 },
    summary: 'Corrects a decision\'s summary or effective date (not its outcome). Members are not written to again; each ticket records '
      + 'the correction (suggestion.decision_updated). To tell them, reply on the tickets.',
  }, ({ principal, params, body }) => s.suggestions.updateDecision(principal, params.id, body));

  defineRoute<{ id: number }, never, { ticketIds: number[] }>(r, auth, {
    method: 'post', path: '/suggestions/decisions/:id/tickets', tag: 'suggestions', params: idParams, body: obj({ ticketIds }, ['ticketIds']),
    summary: 'Groups more suggestions (same department, not decided) under an existing decision; each of their members is told. Same errors as a decision.',
  }, ({ principal, params, body }) => s.suggestions.addTickets(principal, params.id, body.ticketIds));

  defineRoute<Record<string, never>, { departmentId: number }, never>(r, auth, {
    method: 'get', path: '/suggestions/templates', tag: 'suggestions',
    query: obj({ departmentId: { type: 'integer', minimum: 0, default: 0 } }),
    summary: 'The decision templates in force for a department (0: the installation), per outcome and language, each with its source (department, installation, builtin), and the placeholders.',
  }, ({ principal, query }) => s.suggestions.templates(principal, query.departmentId));

  defineRoute<TemplateParams, never, { body: string }>(r, auth, {
    method: 'put', path: '/suggestions/templates/:id/:key/:language', tag: 'suggestions', params: templateParams, body: obj({ body: text(4000) }, ['body']),
    summary: 'Sets a department\'s own wording (its supervisors, admins; department 0, the installation\'s: admins). Errors: TEMPLATE_UNKNOWN_PLACEHOLDER (422).',
  }, ({ principal, params, body }) => {
    const t = templateRef(params);
    return s.suggestions.saveTemplate(principal, t.departmentId, t.key, t.language, body.body);
  });

  defineRoute<TemplateParams, never, never>(r, auth, {
    method: 'delete', path: '/suggestions/templates/:id/:key/:language', tag: 'suggestions', params: templateParams,
    summary: 'Drops a department\'s own wording: the installation\'s (or the built-in one) applies again.',
  }, ({ principal, params }) => {
    const t = templateRef(params);
    return s.suggestions.resetTemplate(principal, t.departmentId, t.key, t.language);
  });

  defineRoute<Record<string, never>, { from?: string; to?: string; tz?: string; departmentId?: number; format: 'json' | 'csv' }, never>(r, auth, {
    method: 'get', path: '/reports/suggestions', tag: 'reports', roles: REPORT_ROLES,
    query: obj({
      from: str({ pattern: DATE_PARAM_PATTERN }), to: str({ pattern: DATE_PARAM_PATTERN }), tz: text(64), departmentId: int(),
      format: { ...oneOf(['json', 'csv']), default: 'json' },
    }),
    summary: 'Suggestions of a period [from, to) (default: the last 30 days): new, decided by outcome, awaiting and overdue now, and one row per suggestion. '
      + 'Supervisors see their departments; analysts and store-bound supervisors get rows without subjects. format=csv: the rows.',
  }, async ({ principal, query, res }) => {
    const scope = await reports.scope(principal, { from: query.from, to: query.to, tz: query.tz, departmentId: query.departmentId });
    // Subjects are the members' words: not for analysts (aggregates), nor for a store-bound supervisor (the rows span every store).
    const figures = await s.suggestions.figures(scope.departmentIds, scope.from, scope.to, { subjects: principal.role !== 'analyst' && !storeScoped(principal) });
    if (query.format !== 'csv') return figures;
    const body = toCsv(REPORT_CSV_HEADER, figures.rows.map((x) => [x.ticketId, x.number, x.subject, x.departmentId, x.createdAt, x.state, x.outcome, x.decidedAt, x.dueAt, x.overdue]));
    return sendCsv(res, `memberdesk-suggestions_${localDateText(scope.tz, scope.from.getTime())}_${localDateText(scope.tz, scope.to.getTime())}.csv`, body);
  });
}

function sendCsv(res: Response, file: string, body: string): undefined {
  res.status(200).set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${file}"`).send(body);
  return undefined;
}

