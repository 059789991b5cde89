import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { Agent, AgentDepartment, AgentStore, Department } from '../db/entities/index.js';
import type { Presence, Role } from '../domain.js';
import { ConflictError, NotFoundError, RateLimitError, UnprocessableError } from '../errors.js';
import { hashPassword, verifyPassword } from '../security/password.js';
import { assertPasswordPolicy } from '../security/password-policy.js';
import type { Principal } from './principal.js';
import { LoginThrottle, SharedLoginThrottle, type FailureThrottle, type ThrottleStore } from './login-throttle.js';

export interface AgentInput {
  name?: string;
  email?: string;
  password?: string;
  role?: Role;
  active?: boolean;
  locale?: string;
  slackUserId?: string | null;
  /** Most running tickets least-loaded assignment gives them; null: no limit. */
  capacity?: number | null;
  departmentIds?: number[];
  /** Stores the agent is bound to (empty: all stores). */
  stores?: string[];
}

export interface AgentView {
  id: number; name: string; email: string; role: Role; active: boolean; locale: string; slackUserId: string | null; departmentIds: number[]; stores: string[]; createdAt: string;
  presence: Presence; presenceAt: string | null; capacity: number | null;
}

export class AgentService {
  // Per address: 5 free failures. Per client IP more, since a whole office may share one NAT address.
  private byEmail: FailureThrottle;
  private byClient: FailureThrottle;

  // Defaults to its own AuditLog over the same database and clock (the log keeps no state of its own).
  constructor(private readonly db: Database, clock: Clock, private readonly audit: AuditLog = new AuditLog(db, clock)) {
    this.byEmail = new LoginThrottle(clock, 5);
    this.byClient = new LoginThrottle(clock, 30);
  }

  /** Counts login failures in a store every process shares (Redis) instead of this process's memory. */
  shareLoginThrottle(store: ThrottleStore): void {
    this.byEmail = new SharedLoginThrottle(store, 'email', 5);
    this.byClient = new SharedLoginThrottle(store, 'client', 30);
  }

  /** Checks a login; repeated failures for one address (or from one client) are slowed down with 429s. */
  async authenticate(email: string, password: string, client: string): Promise<Agent | null> {
    const emailKey = [email.toLowerCase()];
    const clientKey = [client];
    const wait = Math.max(await this.byEmail.retryAfter(emailKey), await this.byClient.retryAfter(clientKey));
    if (wait > 0) throw new RateLimitError(wait);
    const agent = await this.db.read((m) => m.findOneBy(Agent, { email: email.toLowerCase() }));
    // Verify against a dummy hash when the agent is unknown so timing does not reveal which emails exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? DUMMY_HASH);
    if (!agent || !ok || !agent.active) {
      await Promise.all([this.byEmail.fail(emailKey), this.byClient.fail(clientKey)]);
      return null;
    }
    await this.byEmail.succeed(emailKey);
    return agent;
  }

  /**
   * The principal an agent acts as; null when the agent is inactive or, when a token's version is
   * given, that token was revoked. Without a version: someone acting through another proven channel
   * (a signed Slack click, a signed email link).
   */
  async principal(agentId: number, tokenVersion?: number): Promise<Principal | null> {
    return this.db.read(async (m) => {
      const agent = await m.findOneBy(Agent, { id: agentId });
      if (!agent || !agent.active || (tokenVersion !== undefined && agent.tokenVersion !== tokenVersion)) return null;
      const links = await m.findBy(AgentDepartment, { agentId });
      const stores = await m.findBy(AgentStore, { agentId });
      return { agentId, role: agent.role, departmentIds: links.map((l) => l.departmentId).sort((a, b) => a - b), stores: stores.map((st) => st.store).sort() };
    });
  }

  async create(input: Required<Pick<AgentInput, 'name' | 'email' | 'password'>> & AgentInput): Promise<AgentView> {
    assertPasswordPolicy(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const id = await this.db.tx(async (m) => {
      await assertDepartments(m, input.departmentIds ?? []);
      const res = await m.insert(Agent, {
        name: input.name, email: input.email.toLowerCase(), passwordHash, role: input.role ?? 'agent',
        active: input.active ?? true, locale: input.locale ?? 'zh-CN', slackUserId: input.slackUserId ?? null, capacity: input.capacity ?? null,
      });
      const agentId = Number(res.identifiers[0]!.id);
      await setDepartments(m, agentId, input.departmentIds ?? []);
      await setStores(m, agentId, input.stores ?? []);
      return agentId;
    }).catch(rethrowEmailTaken);
    return this.get(id);
  }

  /** `actorId`: the admin making the change, recorded in the audit log with role and department changes. */
  async update(id: number, input: AgentInput, actorId?: number): Promise<AgentView> {
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const current = await this.db.read((m) => m.findOneBy(Agent, { id }));
      if (!current) throw new NotFoundError('agent');
      assertPasswordPolicy(input.password, input.email ?? current.email);
      passwordHash = await hashPassword(input.password);
    }
    await this.db.tx(async (m) => {
      const agent = await m.findOneBy(Agent, { id });
      if (!agent) throw new NotFoundError('agent');
      if ((input.role && input.role !== 'admin') || input.active === false) {
        if (agent.role === 'admin' && (await m.countBy(Agent, { role: 'admin', active: true })) <= 1) {
          throw new ConflictError('LAST_ADMIN', 'this is the last active admin; make someone else admin first');
        }
      }
      const patch: Partial<Agent> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.email !== undefined) patch.email = input.email.toLowerCase();
      if (input.role !== undefined) patch.role = input.role;
      if (input.active !== undefined) patch.active = input.active;
      if (input.locale !== undefined) patch.locale = input.locale;
      if (input.slackUserId !== undefined) patch.slackUserId = input.slackUserId;
      if (input.capacity !== undefined) patch.capacity = input.capacity;
      if (passwordHash) patch.passwordHash = passwordHash;
      if (Object.keys(patch).length) await m.update(Agent, { id }, patch);
      // A new password signs the agent out everywhere.
      if (passwordHash) await m.increment(Agent, { id }, 'tokenVersion', 1);
      let fromDepartments: number[] | null = null;
      if (input.departmentIds) {
        await assertDepartments(m, input.departmentIds);
        fromDepartments = (await m.findBy(AgentDepartment, { agentId: id })).map((l) => l.departmentId).sort((a, b) => a - b);
        await setDepartments(m, id, input.departmentIds);
      }
      if (input.stores) await setStores(m, id, input.stores);
      // Audited in the same transaction, last, so the chain's head row stays locked as briefly as possible.
      const actor = actorId !== undefined ? { type: 'agent' as const, id: actorId } : { type: 'system' as const, id: null };
      const target = { type: 'agent', id };
      if (input.role !== undefined && input.role !== agent.role) {
        await this.audit.append({ actor, action: 'agent.role_changed', target, data: { from: agent.role, to: input.role } }, m);
      }
      const toDepartments = [...new Set(input.departmentIds ?? [])].sort((a, b) => a - b);
      if (fromDepartments && fromDepartments.join() !== toDepartments.join()) {
        await this.audit.append({ actor, action: 'agent.departments_changed', target, data: { from: fromDepartments, to: toDepartments } }, m);
      }
    }).catch(rethrowEmailTaken);
    return this.get(id);
  }

  /**
   * Every token issued to the agent so far stops working (their next request answers 401); a new login
   * works. `actorId`: who did it, for the audit log (the agent themself on logout).
   */
  async revokeTokens(id: number, actorId: number): Promise<void> {
    await this.db.tx(async (m) => {
      if (!(await m.existsBy(Agent, { id }))) throw new NotFoundError('agent');
      await m.increment(Agent, { id }, 'tokenVersion', 1);
      await this.audit.append({ actor: { type: 'agent', id: actorId }, action: actorId === id ? 'auth.logout' : 'agent.tokens_revoked', target: { type: 'agent', id } }, m);
    });
  }

  async get(id: number): Promise<AgentView> {
    const [view] = await this.views({ ids: [id] });
    if (!view) throw new NotFoundError('agent');
    return view;
  }

  /** Agents, optionally only those working in some departments (what a supervisor sees). */
  async views(filter: { ids?: number[]; departmentIds?: number[] } = {}): Promise<AgentView[]> {
    return this.db.read(async (m) => {
      let ids = filter.ids;
      if (filter.departmentIds) {
        const links = filter.departmentIds.length ? await m.findBy(AgentDepartment, { departmentId: In(filter.departmentIds) }) : [];
        const inDepts = [...new Set(links.map((l) => l.agentId))];
        ids = ids ? ids.filter((i) => inDepts.includes(i)) : inDepts;
      }
      const agents = await m.find(Agent, { where: ids ? { id: In(ids) } : {}, order: { id: 'ASC' } });
      const links = agents.length ? await m.findBy(AgentDepartment, { agentId: In(agents.map((a) => a.id)) }) : [];
      const storeRows = agents.length ? await m.findBy(AgentStore, { agentId: In(agents.map((a) => a.id)) }) : [];
      return agents.map((a) => ({
        id: a.id, name: a.name, email: a.email, role: a.role, active: a.active, locale: a.locale, slackUserId: a.slackUserId,
        departmentIds: links.filter((l) => l.agentId === a.id).map((l) => l.departmentId).sort((x, y) => x - y),
        stores: storeRows.filter((r) => r.agentId === a.id).map((r) => r.store).sort(),
        createdAt: a.createdAt.toISOString(),
        presence: a.presence, presenceAt: a.presenceAt?.toISOString() ?? null, capacity: a.capacity,
      }));
    });
  }

}

async function assertDepartments(m: EntityManager, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = await m.countBy(Department, { id: In(ids) });
  if (found !== new Set(ids).size) throw new UnprocessableError('UNKNOWN_DEPARTMENT', 'one of departmentIds does not exist', { field: 'departmentIds' });
}

async function setStores(m: EntityManager, agentId: number, stores: string[]): Promise<void> {
  await m.delete(AgentStore, { agentId });
  const unique = [...new Set(stores.map((st) => st.trim()).filter(Boolean))];
  if (unique.length) await m.insert(AgentStore, unique.map((store) => ({ agentId, store })));
}

async function setDepartments(m: EntityManager, agentId: number, departmentIds: number[]): Promise<void> {
  await m.delete(AgentDepartment, { agentId });
  const unique = [...new Set(departmentIds)];
  if (unique.length) await m.insert(AgentDepartment, unique.map((departmentId) => ({ agentId, departmentId })));
}

function rethrowEmailTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('EMAIL_TAKEN', 'another agent already uses this email');
  throw err;
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
