import type { AssignmentStrategyName } from '../domain.js';

/** An agent of the department as assignment sees them. */
export interface AgentSlot {
  agentId: number;
  online: boolean;
  /** Tickets assigned to them whose SLA clock runs (status new or open). */
  load: number;
  /** Most such tickets they take; null: no limit. */
  capacity: number | null;
}

/**
 * How a department's new tickets get an assignee. Pure: given the agents and the department's
 * rotation cursor, the chosen agent (or null: the ticket waits in the shared queue).
 */
export interface AssignmentStrategy {
  readonly name: AssignmentStrategyName;
  pick(agents: readonly AgentSlot[], lastAssignedAgentId: number | null): number | null;
}

const available = (agents: readonly AgentSlot[]) =>
  agents.filter((a) => a.online && (a.capacity === null || a.load < a.capacity)).sort((a, b) => a.agentId - b.agentId);

/** Agents in rotation order: the one after the cursor first, wrapping around. */
function rotation(agents: AgentSlot[], last: number | null): AgentSlot[] {
  if (last === null) return agents;
  const next = agents.findIndex((a) => a.agentId > last);
  return next <= 0 ? agents : [...agents.slice(next), ...agents.slice(0, next)];
}

export const manual: AssignmentStrategy = { name: 'manual', pick: () => null };

/** Takes turns among online agents with room, in id order; an agent at capacity is skipped, not queued for. */
export const roundRobin: AssignmentStrategy = {
  name: 'round_robin',
  pick: (agents, last) => rotation(available(agents), last)[0]?.agentId ?? null,
};

/** The online agent with the fewest running tickets; ties go to whoever is next in rotation, so equal loads still take turns. */
export const leastLoaded: AssignmentStrategy = {
  name: 'least_loaded',
  pick: (agents, last) => {
    const order = rotation(available(agents), last);
    let best: AgentSlot | null = null;
    for (const a of order) if (!best || a.load < best.load) best = a;
    return best?.agentId ?? null;
  },
};

export const STRATEGIES: Record<AssignmentStrategyName, AssignmentStrategy> = {
  manual, round_robin: roundRobin, least_loaded: leastLoaded,
};
