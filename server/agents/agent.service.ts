import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { Agent, AgentDepartment, Department } from '../db/entities/index.js';
import type { Role } from '../domain.js';
import { ConflictError, NotFoundError, RateLimitError, UnprocessableError } from '../errors.js';
import { hashPassword, verifyPassword } from '../security/password.js';
import type { Principal } from './principal.js';
import { LoginThrottle } from './login-throttle.js';

export interface AgentInput {
  name?: string;
  email?: string;
  password?: string;
  role?: Role;
  active?: boolean;
  locale?: string;
  departmentIds?: number[];
}

export interface AgentView {
  id: number; name: string; email: string; role: Role; active: boolean; locale: string; departmentIds: number[]; createdAt: string;
}

export class AgentService {
  // Per address: 5 free failures. Per client IP more, since a whole office may share one NAT address.
  private readonly byEmail: LoginThrottle;
  private readonly byClient: LoginThrottle;

  constructor(private readonly db: Database, clock: Clock) {
    this.byEmail = new LoginThrottle(clock, 5);
    this.byClient = new LoginThrottle(clock, 30);
  }

  /** Checks a login; repeated failures for one address (or from one client) are slowed down with 429s. */
  async authenticate(email: string, password: string, client: string): Promise<Agent | null> {
    const emailKey = [email.toLowerCase()];
    const clientKey = [client];
    const wait = Math.max(this.byEmail.retryAfter(emailKey), this.byClient.retryAfter(clientKey));
    if (wait > 0) throw new RateLimitError(wait);
    const agent = await this.db.read((m) => m.findOneBy(Agent, { email: email.toLowerCase() }));
    // Verify against a dummy hash when the agent is unknown so timing does not reveal which emails exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? DUMMY_HASH);
    if (!agent || !ok || !agent.active) {
      this.byEmail.fail(emailKey);
      this.byClient.fail(clientKey);
      return null;
    }
    this.byEmail.succeed(emailKey);
    return agent;
  }

  async principal(agentId: number): Promise<Principal | null> {
    return this.db.read(async (m) => {
      const agent = await m.findOneBy(Agent, { id: agentId });
      if (!agent || !agent.active) return null;
      const links = await m.findBy(AgentDepartment, { agentId });
      return { agentId, role: agent.role, departmentIds: links.map((l) => l.departmentId).sort((a, b) => a - b) };
    });
  }

  async create(input: Required<Pick<AgentInput, 'name' | 'email' | 'password'>> & AgentInput): Promise<AgentView> {
    const passwordHash = await hashPassword(input.password);
    const id = await this.db.tx(async (m) => {
      await assertDepartments(m, input.departmentIds ?? []);
      const res = await m.insert(Agent, {
        name: input.name, email: input.email.toLowerCase(), passwordHash, role: input.role ?? 'agent',
        active: input.active ?? true, locale: input.locale ?? 'zh-CN',
      });
      const agentId = Number(res.identifiers[0]!.id);
      await setDepartments(m, agentId, input.departmentIds ?? []);
      return agentId;
    }).catch(rethrowEmailTaken);
    return this.get(id);
  }

  async update(id: number, input: AgentInput): Promise<AgentView> {
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
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
      if (passwordHash) patch.passwordHash = passwordHash;
      if (Object.keys(patch).length) await m.update(Agent, { id }, patch);
      if (input.departmentIds) {
        await assertDepartments(m, input.departmentIds);
        await setDepartments(m, id, input.departmentIds);
      }
    }).catch(rethrowEmailTaken);
    return this.get(id);
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
      return agents.map((a) => ({
        id: a.id, name: a.name, email: a.email, role: a.role, active: a.active, locale: a.locale,
        departmentIds: links.filter((l) => l.agentId === a.id).map((l) => l.departmentId).sort((x, y) => x - y),
        createdAt: a.createdAt.toISOString(),
      }));
    });
  }

}

async function assertDepartments(m: EntityManager, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = await m.countBy(Department, { id: In(ids) });
  if (found !== new Set(ids).size) throw new UnprocessableError('UNKNOWN_DEPARTMENT', 'one of departmentIds does not exist', { field: 'departmentIds' });
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
