import type { Router } from 'express';
import { canManageDepartment } from '../../agents/principal.js';
import { CHANNELS, PRIORITIES, TICKET_TYPES, TIERS } from '../../domain.js';
import { ForbiddenError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { PolicyInput } from '../../../sla/sla-admin.service.js';
import { departmentSlaReport } from '../../../sla/department-sla.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, str, text, type ApiServices } from '../api.js';

const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$';
const period = { type: 'array', minItems: 2, maxItems: 2, items: str({ pattern: HHMM }) };
const periods = { type: 'array', maxItems: 12, items: period };
const calendarSchema = {
  type: 'object',
  description: 'Business calendar (ARCHITECTURE §5): IANA timezone and either alwaysOpen, or weekly hours (several periods per day allowed), holidays (local dates) and specialDays (a local date\'s own hours; [] = closed).',
  required: ['timezone'],
  additionalProperties: false,
  properties: {
    timezone: text(64),
    alwaysOpen: { type: 'boolean', enum: [true] },
    weekly: obj(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, periods]))),
    holidays: { type: 'array', maxItems: 1000, items: str({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) },
    specialDays: { type: 'object', maxProperties: 1000, propertyNames: { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, additionalProperties: periods },
  },
};
const list = (values: readonly string[]) => ({ type: 'array', items: oneOf(values), maxItems: 20, uniqueItems: true });
const minutes = nullable({ type: 'integer', minimum: 1, maximum: 525_600 });
const policyFields = {
  name: text(120),
  conditions: obj({
    types: list(TICKET_TYPES), priorities: list(PRIORITIES), channels: list(CHANNELS), tiers: list(TIERS),
    categories: { type: 'array', items: text(64), maxItems: 50, uniqueItems: true },
    departmentIds: { type: 'array', items: int(), maxItems: 100, uniqueItems: true },
  }),
  firstResponseMinutes: minutes, nextResponseMinutes: minutes, resolutionMinutes: minutes,
  warningPercent: { type: 'integer', minimum: 1, maximum: 100 },
  calendarId: nullable(int()), active: { type: 'boolean' },
  position: { type: 'integer', minimum: 1, description: '1-based place in the ordered list (first match wins); default: last' },
};

/** Business calendars, SLA policies, acknowledging alerts, and the department head's SLA view. */
export function slaRoutes(r: Router, auth: ApiServices, s: Services): void {
  const admin = s.slaAdmin;
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/calendars', tag: 'sla', roles: ['supervisor', 'admin'], summary: 'Business calendars.',
  }, async () => ({ items: await admin.calendars() }));

  defineRoute<Record<string, never>, never, { name: string; definition: unknown }>(r, auth, {
    method: 'post', path: '/calendars', tag: 'sla', roles: ['admin'], status: 201,
    body: obj({ name: text(120), definition: calendarSchema }, ['name', 'definition']),
    summary: 'Create a business calendar (time zone, weekly hours, holidays, special days, or 24×7).',
  }, ({ body }) => admin.saveCalendar(null, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/calendars/:id', tag: 'sla', params: idParams, roles: ['supervisor', 'admin'], summary: 'One business calendar.',
  }, ({ params }) => admin.calendar(params.id));

  defineRoute<{ id: number }, never, { name?: string; definition?: unknown }>(r, auth, {
    method: 'patch', path: '/calendars/:id', tag: 'sla', params: idParams, roles: ['admin'],
    body: { ...obj({ name: text(120), definition: calendarSchema }), minProperties: 1 },
    summary: 'Change a calendar; live tickets on it get their deadlines recomputed.',
  }, ({ params, body }) => admin.saveCalendar(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/calendars/:id', tag: 'sla', params: idParams, roles: ['admin'], status: 204,
    summary: 'Delete a calendar no department or policy uses.',
  }, async ({ params }) => { await admin.removeCalendar(params.id); });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/sla-policies', tag: 'sla', roles: ['supervisor', 'admin'], summary: 'SLA policies in order: the first whose conditions all match a ticket applies.',
  }, async () => ({ items: await admin.policies() }));

  defineRoute<Record<string, never>, never, PolicyInput & { name: string }>(r, auth, {
    method: 'post', path: '/sla-policies', tag: 'sla', roles: ['admin'], status: 201,
    body: obj(policyFields, ['name']),
    summary: 'Create a policy: conditions (empty = any), targets in working minutes, warning at warningPercent (default 75).',
  }, ({ body }) => admin.savePolicy(null, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/sla-policies/:id', tag: 'sla', params: idParams, roles: ['supervisor', 'admin'], summary: 'One SLA policy.',
  }, ({ params }) => admin.policy(params.id));

  defineRoute<{ id: number }, never, PolicyInput>(r, auth, {
    method: 'patch', path: '/sla-policies/:id', tag: 'sla', params: idParams, roles: ['admin'],
    body: { ...obj(policyFields), minProperties: 1 }, summary: 'Change a policy; live tickets get their deadlines recomputed.',
  }, ({ params, body }) => admin.savePolicy(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/sla-policies/:id', tag: 'sla', params: idParams, roles: ['admin'], status: 204, summary: 'Delete a policy.',
  }, async ({ params }) => { await admin.removePolicy(params.id); });

  defineRoute<Record<string, never>, never, { ids: number[] }>(r, auth, {
    method: 'put', path: '/sla-policies/order', tag: 'sla', roles: ['admin'],
    body: obj({ ids: { type: 'array', items: int(), maxItems: 500, uniqueItems: true } }, ['ids']),
    summary: 'Reorder all policies at once (every id exactly once).',
  }, async ({ body }) => ({ items: await admin.reorder(body.ids) }));

  defineRoute<{ id: number }, never, Record<string, never>>(r, auth, {
    method: 'post', path: '/tickets/:id/sla/acknowledge', tag: 'sla', params: idParams, body: obj({}),
    summary: 'Acknowledge the ticket\'s SLA alerts: stops the escalation chain; recorded in its history. Also open to the contact an alert went to.',
  }, async ({ principal, params }) => s.escalations.acknowledgeTicket(principal, params.id, 'api'));

  defineRoute<{ id: number }, { days: number }, never>(r, auth, {
    method: 'get', path: '/departments/:id/sla', tag: 'sla', params: idParams, roles: ['supervisor', 'admin', 'agent'],
    query: obj({ days: { type: 'integer', minimum: 1, maximum: 366, default: 30 } }),
    summary: 'For the department head: open breaches of the department now, and SLA compliance of tickets created in the last `days` days.',
  }, async ({ principal, params, query }) => {
    const dept = await s.departments.get(params.id);
    if (!canManageDepartment(principal, params.id) && dept.headAgentId !== principal.agentId) {
      throw new ForbiddenError('the department\'s head, its supervisors and admins see its SLA');
    }
    const to = s.clock.now();
    return departmentSlaReport(s.db, params.id, new Date(to.getTime() - query.days * 86_400_000), to);
  });
}
