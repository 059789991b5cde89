import type { Role } from '../domain.js';

/** Who is acting, as the domain sees it: resolved from the token once per request. */
export interface Principal {
  agentId: number;
  role: Role;
  departmentIds: number[];
  /** Stores the agent is bound to; absent or empty: not limited by store. */
  stores?: string[];
}

/** Roles that work tickets and members; analysts see aggregates only. */
export const STAFF_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

export function seesAllDepartments(p: Principal): boolean {
  return p.role === 'admin';
}

export function canSeeDepartment(p: Principal, departmentId: number): boolean {
  return seesAllDepartments(p) || p.departmentIds.includes(departmentId);
}

export function canManageDepartment(p: Principal, departmentId: number): boolean {
  return p.role === 'admin' || (p.role === 'supervisor' && p.departmentIds.includes(departmentId));
}

export function storeScoped(p: Principal): boolean {
  return p.role !== 'admin' && (p.stores?.length ?? 0) > 0;
}

/** Store scope of a member (their home store); department scope still applies to their tickets. */
export function canSeeStore(p: Principal, homeStore: string | null): boolean {
  if (p.role === 'analyst') return false;
  if (!storeScoped(p)) return true;
  return homeStore !== null && p.stores!.includes(homeStore);
}
