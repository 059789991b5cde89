import type { FollowUpChannel, FollowUpConditions, FollowUpTrigger } from '../db/entities/follow-up-rule.entity.js';

/** A follow-up rule as matching needs it (the `follow_up_rule` row, parsed). */
export interface FollowUpRuleSpec {
  id: number;
  name: string;
  active: boolean;
  position: number;
  trigger: FollowUpTrigger;
  conditions: FollowUpConditions;
  delayDays: number;
  channel: FollowUpChannel;
  script: string | null;
  assignTo: 'assignee' | 'department';
  maxAttempts: number;
}

/** What a rule's conditions are checked against: the ticket at the trigger and its member's tier. */
export interface FollowUpSubject {
  type: string;
  tier: string;
  category: string | null;
  departmentId: number;
  channel: string;
}

/** Whether every condition given matches (an absent or empty list: any value). */
export function ruleMatches(conditions: FollowUpConditions, s: FollowUpSubject): boolean {
  const ok = <T>(list: T[] | undefined, value: T | null): boolean => !list || list.length === 0 || (value !== null && list.includes(value));
  return ok(conditions.types, s.type) && ok(conditions.tiers, s.tier) && ok(conditions.categories, s.category)
    && ok(conditions.departmentIds, s.departmentId) && ok(conditions.channels, s.channel);
}

/** The active rules of a trigger that match, in position order (then id): each creates one follow-up. */
export function matchingRules<R extends FollowUpRuleSpec>(rules: readonly R[], trigger: FollowUpTrigger, s: FollowUpSubject): R[] {
  return rules.filter((r) => r.active && r.trigger === trigger && ruleMatches(r.conditions, s))
    .sort((a, b) => a.position - b.position || a.id - b.id);
}

/** Who a rule's follow-up goes to: the ticket's assignee when the rule says so and they are still active, else the department's queue. */
export function followUpAssignee(rule: Pick<FollowUpRuleSpec, 'assignTo'>, ticketAssignee: { id: number; active: boolean } | null): number | null {
  return rule.assignTo === 'assignee' && ticketAssignee && ticketAssignee.active ? ticketAssignee.id : null;
}

/** The two rules a fresh installation starts with (seeded once, then the admins' to change). */
export const DEFAULT_FOLLOW_UP_RULES: ReadonlyArray<Omit<FollowUpRuleSpec, 'id' | 'position'>> = [
  { name: 'Low rating: call back', active: true, trigger: 'low_rating', conditions: {}, delayDays: 0, channel: 'call', script: null, assignTo: 'department', maxAttempts: 3 },
  {
    name: 'Gold/diamond complaint: call 7 working days after solve', active: true, trigger: 'solved', conditions: { types: ['complaint'], tiers: ['gold', 'diamond'] },
    delayDays: 7, channel: 'call', script: null, assignTo: 'assignee', maxAttempts: 3,
  },
];
