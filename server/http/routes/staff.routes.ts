import type { Router } from 'express';
import type { AgentInput } from '../../agents/agent.service.js';
import { canManageDepartment } from '../../agents/principal.js';
import type { DepartmentInput } from '../../departments/department.service.js';
import { ASSIGNMENT_STRATEGIES, ROLES } from '../../domain.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Services } from '../../services.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, str, text, type ApiServices } from '../api.js';

// The length and the rest of the policy are checked by the service, to answer WEAK_PASSWORD saying what is missing.
const PASSWORD_RULES = 'At least 10 characters mixing two kinds (lower case, upper case, digits, symbols), or 16 or more of any kind; '
  + 'not the email, not a common password. Setting it signs the agent out everywhere.';
const agentFields = {
  name: text(120), email: str({ format: 'email', maxLength: 190 }), password: str({ minLength: 1, maxLength: 200, description: PASSWORD_RULES }),
  role: oneOf(ROLES), active: { type: 'boolean' }, locale: oneOf(['zh-CN', 'en']),
  departmentIds: { type: 'array', items: int(), maxItems: 100, uniqueItems: true },
  stores: { type: 'array', items: text(64), maxItems: 200, uniqueItems: true },
  slackUserId: nullable(str({ pattern: '^[UW][A-Z0-9]{2,30}$', description: 'Slack member id: their Acknowledge/Take over clicks act as this agent' })),
  capacity: nullable({ type: 'integer', minimum: 0, maximum: 1000, description: 'most tickets with a running SLA clock (new, open) that round robin and least loaded give them; null: no limit' }),
};
const departmentFields = {
  name: text(120), headAgentId: nullable(int()), email: nullable(str({ format: 'email', maxLength: 190 })),
  slackChannel: nullable(text(120, { pattern: '^(#[a-z0-9_-]{1,80}|[A-Z0-9]{2,30})$', description: 'Slack channel (id C… or #name) for level-1 SLA alerts' })), isDefault: { type: 'boolean' },
  calendarId: nullable(int({ description: 'business calendar of the SLA clocks; null: 24×7' })),
  assignmentStrategy: { ...oneOf(ASSIGNMENT_STRATEGIES), description: 'manual: shared queue; round_robin: online agents take turns; least_loaded: the online agent with the fewest running tickets, within capacity' },
  reassignOnOffline: { type: 'boolean', description: 'an agent going offline hands their unanswered tickets back to assignment' },
  escalationChain: nullable({
    type: 'array', maxItems: 10,
    description: 'Escalation levels after a breach, level 1 first: who is told, and minutes they have to acknowledge before the next level is told. Empty: the head alone.',
    items: obj({ agentId: int(), delayMinutes: { type: 'integer', minimum: 0, maximum: 10080 } }, ['agentId', 'delayMinutes']),
  }),
};

/** Agents and departments: the people and teams tickets are routed to. */
export function staffRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/agents', tag: 'agents', summary: 'Agents: admins see all; others see the agents of their departments.',
  }, async ({ principal }) => ({ items: await s.agents.views(principal.role === 'admin' ? {} : { departmentIds: principal.departmentIds }) }));

  defineRoute<Record<string, never>, never, AgentInput & { name: string; email: string; password: string }>(r, auth, {
    method: 'post', path: '/agents', tag: 'agents', roles: ['admin'], status: 201,
    body: obj(agentFields, ['name', 'email', 'password']), summary: 'Create an agent.',
  }, ({ body }) => s.agents.create(body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/agents/:id', tag: 'agents', params: idParams, summary: 'One agent.',
  }, async ({ principal, params }) => {
    const agent = await s.agents.get(params.id);
    const visible = principal.role === 'admin' || agent.id === principal.agentId || agent.departmentIds.some((d) => principal.departmentIds.includes(d));
    if (!visible) throw new NotFoundError('agent');
    return agent;
  });

  defineRoute<{ id: number }, never, AgentInput>(r, auth, {
    method: 'patch', path: '/agents/:id', tag: 'agents', params: idParams, roles: ['admin'],
    body: { ...obj(agentFields), minProperties: 1 }, summary: 'Change an agent (deactivate with active=false).',
  }, async ({ principal, params, body }) => {
    const agent = await s.agents.update(params.id, body, principal.agentId);
    s.slaConfig.invalidate();
    // A deactivated agent takes no more tickets and hands back the unanswered ones where departments ask for it.
    if (body.active === false && agent.presence !== 'offline') {
      await s.presence.set(agent.id, 'offline');
      return s.agents.get(agent.id);
    }
    return agent;
  });

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'post', path: '/agents/:id/revoke-tokens', tag: 'agents', params: idParams, roles: ['admin'], status: 204,
    summary: 'Sign an agent out everywhere: every token issued to them so far stops working; they can log in again.',
  }, async ({ principal, params }) => { await s.agents.revokeTokens(params.id, principal.agentId); });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/departments', tag: 'departments', summary: 'All departments (needed to transfer tickets).', roles: ['agent', 'supervisor', 'admin', 'analyst'],
  }, async () => ({ items: await s.departments.list() }));

  defineRoute<Record<string, never>, never, DepartmentInput & { name: string }>(r, auth, {
    method: 'post', path: '/departments', tag: 'departments', roles: ['admin'], status: 201,
    body: obj(departmentFields, ['name']), summary: 'Create a department (the first one becomes the default).',
  }, async ({ body }) => {
    const department = await s.departments.create(body);
    s.slaConfig.invalidate();
    return department;
  });

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/departments/:id', tag: 'departments', params: idParams, summary: 'One department.', roles: ['agent', 'supervisor', 'admin', 'analyst'],
  }, ({ params }) => s.departments.get(params.id));

  defineRoute<{ id: number }, never, DepartmentInput>(r, auth, {
    method: 'patch', path: '/departments/:id', tag: 'departments', params: idParams, roles: ['admin', 'supervisor'],
    body: { ...obj(departmentFields), minProperties: 1 }, summary: 'Change a department; supervisors may change their own departments.',
  }, async ({ principal, params, body }) => {
    if (!canManageDepartment(principal, params.id)) throw new ForbiddenError('supervisors manage only their own departments');
    const department = await s.departments.update(params.id, body);
    s.slaConfig.invalidate();
    s.assigner.invalidate();
    // The calendar decides every deadline of the department's live tickets.
    if (body.calendarId !== undefined) await s.recomputeSla({ departmentId: params.id });
    return department;
  });

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/departments/:id', tag: 'departments', params: idParams, roles: ['admin'], status: 204,
    summary: 'Delete an unused department.',
  }, async ({ params }) => { await s.departments.remove(params.id); });
}
