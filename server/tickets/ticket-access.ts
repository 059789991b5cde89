import type { EntityManager } from 'typeorm';
import { canSeeDepartment, canSeeStore, storeScoped, type Principal } from '../agents/principal.js';
import { Member } from '../db/entities/index.js';

/** Both scopes must allow: the ticket's department, and (for store-bound agents) its member's home store. */
export async function ticketVisible(m: EntityManager, p: Principal, t: { departmentId: number; memberId: number }): Promise<boolean> {
  if (p.role === 'analyst' || !canSeeDepartment(p, t.departmentId)) return false;
  if (!storeScoped(p)) return true;
  const member = await m.findOne(Member, { where: { id: t.memberId }, select: { id: true, homeStore: true } });
  return canSeeStore(p, member?.homeStore ?? null);
}

/** SQL condition restricting a ticket query (alias `t`) to the principal's stores; null when unrestricted. */
export function storeCondition(p: Principal): { sql: string; params: Record<string, unknown> } | null {
  if (!storeScoped(p)) return null;
  return { sql: 't.memberId IN (SELECT sm.id FROM member sm WHERE sm.homeStore IN (:...scopeStores))', params: { scopeStores: p.stores } };
}
