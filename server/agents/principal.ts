import type { Role } from '../domain.js';

/** Who is acting, as the domain sees it: resolved from the token once per request. */
export interface Principal {
  agentId: number;
  role: Role;
  departmentIds: number[];
}

export function seesAllDepartments(p: Principal): boolean {
  return p.role === 'admin';
}

export function canSeeDepartment(p: Principal, departmentId: number): boolean {
  return seesAllDepartments(p) || p.departmentIds.includes(departmentId);
}

export function canManageDepartment(p: Principal, departmentId: number): boolean {
  return p.role === 'admin' || (p.role === 'supervisor' && p.departmentIds.includes(departmentId));
}
