/**
 * SLA policies: an ordered list, the first whose conditions all hold applies (ARCHITECTURE §5).
 * An absent or empty condition list matches anything.
 */
export interface SlaConditions {
  types?: string[];
  categories?: string[];
  priorities?: string[];
  channels?: string[];
  tiers?: string[];
  departmentIds?: number[];
}

export interface SlaTargets {
  /** Working minutes; null: the clock does not run under this policy. */
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  /** Percent of a target at which the warning fires. */
  warningPercent: number;
}

export interface PolicyRule extends SlaTargets {
  id: number;
  name: string;
  conditions: SlaConditions;
  calendarId: number | null;
}

/** What a policy's conditions look at. */
export interface PolicySubject {
  type: string;
  category: string;
  priority: string;
  channel: string;
  tier: string;
  departmentId: number;
}

export function matchPolicy<P extends PolicyRule>(ordered: readonly P[], t: PolicySubject): P | null {
  return ordered.find((p) => matches(p.conditions, t)) ?? null;
}

function matches(c: SlaConditions, t: PolicySubject): boolean {
  const ok = <T>(list: T[] | undefined, v: T) => !list || list.length === 0 || list.includes(v);
  return ok(c.types, t.type) && ok(c.categories, t.category) && ok(c.priorities, t.priority)
    && ok(c.channels, t.channel) && ok(c.tiers, t.tier) && ok(c.departmentIds, t.departmentId);
}
