import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import type { EntityManager } from 'typeorm';
import { Agent, AgentDepartment, BusinessCalendarRow, Department, Ticket, TriageCategory, type EscalationLevel } from '../db/entities/index.js';
import type { AssignmentStrategyName } from '../domain.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';

export interface DepartmentInput {
  name?: string;
  headAgentId?: number | null;
  email?: string | null;
  slackChannel?: string | null;
  isDefault?: boolean;
  calendarId?: number | null;
  escalationChain?: EscalationLevel[] | null;
  assignmentStrategy?: AssignmentStrategyName;
  reassignOnOffline?: boolean;
}

export interface DepartmentView {
  id: number; name: string; headAgentId: number | null; email: string | null; slackChannel: string | null; isDefault: boolean;
  calendarId: number | null;
  /** Configured levels; when empty, a breach goes to the head alone. */
  escalationChain: EscalationLevel[];
  /** How new tickets get an assignee; reassignOnOffline: an agent going offline hands back their unanswered tickets. */
  assignmentStrategy: AssignmentStrategyName;
  reassignOnOffline: boolean;
  createdAt: string;
}

export class DepartmentService {
  constructor(private readonly db: Database) {}

  async list(): Promise<DepartmentView[]> {
    const rows = await this.db.read((m) => m.find(Department, { order: { name: 'ASC' } }));
    return rows.map(view);
  }

  async get(id: number): Promise<DepartmentView> {
    const row = await this.db.read((m) => m.findOneBy(Department, { id }));
    if (!row) throw new NotFoundError('department');
    return view(row);
  }

  async create(input: DepartmentInput & { name: string }): Promise<DepartmentView> {
    const id = await this.db.tx(async (m) => {
      await assertReferences(m, input);
      const first = (await m.count(Department)) === 0;
      const isDefault = input.isDefault ?? first;
      if (isDefault) await m.update(Department, { isDefault: true }, { isDefault: false });
      const res = await m.insert(Department, {
        name: input.name, headAgentId: input.headAgentId ?? null, email: input.email ?? null,
        slackChannel: input.slackChannel ?? null, isDefault, calendarId: input.calendarId ?? null,
        escalationChain: input.escalationChain?.length ? input.escalationChain : null,
        assignmentStrategy: input.assignmentStrategy ?? 'manual', reassignOnOffline: input.reassignOnOffline ?? false,
      });
      return Number(res.identifiers[0]!.id);
    }).catch(rethrowNameTaken);
    return this.get(id);
  }

  async update(id: number, input: DepartmentInput): Promise<DepartmentView> {
    await this.db.tx(async (m) => {
      const row = await m.findOneBy(Department, { id });
      if (!row) throw new NotFoundError('department');
      await assertReferences(m, input);
      if (input.isDefault === false && row.isDefault) {
        throw new ConflictError('DEFAULT_DEPARTMENT_REQUIRED', 'one department must stay the default; make another the default instead');
      }
      if (input.isDefault === true) await m.update(Department, { isDefault: true }, { isDefault: false });
      const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<Department>;
      if (patch.escalationChain !== undefined && !patch.escalationChain?.length) patch.escalationChain = null;
      if (Object.keys(patch).length) await m.update(Department, { id }, patch);
    }).catch(rethrowNameTaken);
    return this.get(id);
  }

  /** Only an unused department can go: tickets and agents would otherwise point nowhere. */
  async remove(id: number): Promise<void> {
    await this.db.tx(async (m) => {
      const row = await m.findOneBy(Department, { id });
      if (!row) throw new NotFoundError('department');
      if (row.isDefault) throw new ConflictError('DEPARTMENT_IN_USE', 'the default department cannot be deleted');
      const [tickets, agents] = await Promise.all([m.countBy(Ticket, { departmentId: id }), m.countBy(AgentDepartment, { departmentId: id })]);
      if (tickets || agents) {
        throw new ConflictError('DEPARTMENT_IN_USE', `department has ${tickets} tickets and ${agents} agents; transfer them first`, { tickets, agents });
      }
      const categories = await m.countBy(TriageCategory, { departmentId: id });
      if (categories) throw new ConflictError('DEPARTMENT_IN_USE', `${categories} categories route to this department; map them elsewhere first`, { categories });
      await m.delete(Department, { id });
    });
  }
}

function view(d: Department): DepartmentView {
  return {
    id: d.id, name: d.name, headAgentId: d.headAgentId, email: d.email, slackChannel: d.slackChannel, isDefault: d.isDefault,
    calendarId: d.calendarId, escalationChain: d.escalationChain ?? [], assignmentStrategy: d.assignmentStrategy, reassignOnOffline: d.reassignOnOffline,
    createdAt: d.createdAt.toISOString(),
  };
}

/** The head, every escalation contact and the calendar must exist: a breach must never notify nobody. */
async function assertReferences(m: EntityManager, input: DepartmentInput): Promise<void> {
  if (input.calendarId != null && !(await m.existsBy(BusinessCalendarRow, { id: input.calendarId }))) {
    throw new UnprocessableError('UNKNOWN_CALENDAR', `calendar ${input.calendarId} does not exist`, { field: 'calendarId' });
  }
  const agents = [...(input.headAgentId != null ? [input.headAgentId] : []), ...(input.escalationChain ?? []).map((l) => l.agentId)];
  for (const agentId of new Set(agents)) {
    const agent = await m.findOneBy(Agent, { id: agentId });
    if (!agent || !agent.active) {
      throw new UnprocessableError('UNKNOWN_AGENT', `agent ${agentId} does not exist or is inactive`, { field: input.headAgentId === agentId ? 'headAgentId' : 'escalationChain' });
    }
  }
}

function rethrowNameTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new ConflictError('NAME_TAKEN', 'another department already has this name');
  throw err;
}
