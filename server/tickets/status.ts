import type { TicketStatus } from '../domain.js';
import { ConflictError } from '../errors.js';

/**
 * Allowed status changes made by an agent. `closed` and `merged` are final: a member writing
 * again gets a new ticket. `merged` is reached only through merge(), never set directly.
 */
export const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
  merged: [],
};

/** Statuses in which a new message from the member continues the ticket. */
export const THREADABLE: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new ConflictError(
    'ILLEGAL_TRANSITION',
    allowed.length
      ? `a ${from} ticket cannot become ${to}; allowed: ${allowed.join(', ')}`
      : `a ${from} ticket cannot change status`,
    { from, to, allowed },
  );
}

export function formatTicketNumber(id: number): string {
  return `MD-${String(id).padStart(6, '0')}`;
}
