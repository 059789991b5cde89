import type { SqlSession } from '../db/sql-session.js';
import type { AssignmentStrategyName } from '../domain.js';
import { STRATEGIES, type AgentSlot } from './strategies.js';

export interface Assignment {
  agentId: number;
  /** dedicated_agent | round_robin | least_loaded */
  reason: string;
}

/** Tickets that count against an agent's capacity: those whose resolution clock runs (pending and on hold pause it). */
const RUNNING = "('new', 'open')";

/**
 * Picks the assignee of a ticket inside the transaction that creates (or frees) it. The department
 * row and then the candidate agents' rows are locked, in that order on every path, so concurrent
 * ingests see each other's assignments and never push an agent past capacity — also when the agent
 * works in several departments.
 */
export class Assigner {
  /** Each department's strategy, kept briefly: most departments are manual, and this runs for every new ticket. */
  private readonly strategies = new Map<number, { name: AssignmentStrategyName; until: number }>();

  constructor(private readonly ttlMs = 5_000) {}

  invalidate(): void {
    this.strategies.clear();
  }

  /**
   * In order: the agent who already handles the conversation (took the call), the member's own agent
   * while online (`dedicatedAgentId`, read with the member), then the department's strategy. `exclude`:
   * an agent who must not get it (the one going offline).
   */
  async assign(
    sql: SqlSession, t: { departmentId: number; dedicatedAgentId?: number | null; handledBy?: number },
    exclude: number | null = null,
  ): Promise<Assignment | null> {
    if (t.handledBy !== undefined && t.handledBy !== exclude && (await this.works(sql, t.handledBy, t.departmentId, false))) {
      return { agentId: t.handledBy, reason: 'handled_by_agent' };
    }
    if (t.dedicatedAgentId && t.dedicatedAgentId !== exclude && (await this.works(sql, t.dedicatedAgentId, t.departmentId, true))) {
      return { agentId: t.dedicatedAgentId, reason: 'dedicated_agent' };
    }
    if ((await this.strategyOf(sql, t.departmentId)) === 'manual') return null;
    const [locked] = await sql.rows<{ assignmentStrategy: AssignmentStrategyName; lastAssignedAgentId: number | null }>(
      'SELECT assignmentStrategy, lastAssignedAgentId FROM department WHERE id = ? FOR UPDATE', [t.departmentId]);
    const strategy = STRATEGIES[locked?.assignmentStrategy ?? 'manual'] ?? STRATEGIES.manual;
    if (strategy.name === 'manual') return null;
    const slots = await this.slots(sql, t.departmentId, exclude);
    const agentId = strategy.pick(slots, locked!.lastAssignedAgentId === null ? null : Number(locked!.lastAssignedAgentId));
    if (agentId === null) return null;
    await sql.run('UPDATE department SET lastAssignedAgentId = ? WHERE id = ?', [agentId, t.departmentId]);
    return { agentId, reason: strategy.name };
  }

  private async strategyOf(sql: SqlSession, departmentId: number): Promise<AssignmentStrategyName> {
    const cached = this.strategies.get(departmentId);
    if (cached && cached.until > Date.now()) return cached.name;
    const [dept] = await sql.rows<{ assignmentStrategy: AssignmentStrategyName }>('SELECT assignmentStrategy FROM department WHERE id = ?', [departmentId]);
    const name = dept?.assignmentStrategy ?? 'manual';
    this.strategies.set(departmentId, { name, until: Date.now() + this.ttlMs });
    return name;
  }

  /** Whether an agent may take tickets of the department (active, works there, not an analyst), and is online if asked. */
  private async works(sql: SqlSession, agentId: number, departmentId: number, online: boolean): Promise<boolean> {
    const rows = await sql.rows(
      `SELECT a.id FROM agent a JOIN agent_department ad ON ad.agentId = a.id AND ad.departmentId = ?
       WHERE a.id = ? AND a.active = 1 AND a.role <> 'analyst'${online ? " AND a.presence = 'online'" : ''}`, [departmentId, agentId]);
    return rows.length > 0;
  }

  private async slots(sql: SqlSession, departmentId: number, exclude: number | null): Promise<AgentSlot[]> {
    const agents = await sql.rows<{ id: number; capacity: number | null }>(
      `SELECT a.id AS id, a.capacity AS capacity FROM agent a JOIN agent_department ad ON ad.agentId = a.id
       WHERE ad.departmentId = ? AND a.active = 1 AND a.presence = 'online' AND a.role <> 'analyst' ORDER BY a.id`, [departmentId]);
    const ids = agents.map((a) => Number(a.id)).filter((id) => id !== exclude);
    if (!ids.length) return [];
    const marks = ids.map(() => '?').join(', ');
    // Lock the candidates (id order: no deadlock between two ingests) and re-read who is still online and their limits.
    const current = await sql.rows<{ id: number; capacity: number | null; presence: string; active: number | boolean }>(
      `SELECT id, capacity, presence, active FROM agent WHERE id IN (${marks}) ORDER BY id FOR UPDATE`, ids);
    const loads = await sql.rows<{ assigneeId: number; n: number }>(
      `SELECT assigneeId, COUNT(*) AS n FROM ticket WHERE assigneeId IN (${marks}) AND status IN ${RUNNING} GROUP BY assigneeId`, ids);
    const load = new Map(loads.map((l) => [Number(l.assigneeId), Number(l.n)]));
    return current.map((a) => ({
      agentId: Number(a.id),
      online: a.presence === 'online' && Boolean(Number(a.active)),
      load: load.get(Number(a.id)) ?? 0,
      capacity: a.capacity === null ? null : Number(a.capacity),
    }));
  }
}
