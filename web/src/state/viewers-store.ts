import { useSyncExternalStore } from 'react';
import type { Viewer } from '../types';

const NONE: Viewer[] = [];

/**
 * Who views (and types on) which ticket, from `ticket:viewers`. A store of its own so a keystroke of a
 * colleague re-renders the one queue row and ticket header that show it, not the whole console.
 */
export class ViewersStore {
  private byTicket = new Map<number, Viewer[]>();
  private listeners = new Set<() => void>();

  set(ticketId: number, viewers: Viewer[]): void {
    if (viewers.length) this.byTicket.set(ticketId, viewers);
    else this.byTicket.delete(ticketId);
    for (const l of this.listeners) l();
  }

  /** After a reconnect the server rebuilds rooms; what we knew may be stale. */
  clear(): void {
    this.byTicket.clear();
    for (const l of this.listeners) l();
  }

  get(ticketId: number): Viewer[] {
    return this.byTicket.get(ticketId) ?? NONE;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };
}

/** The other agents on a ticket (the signed-in agent is left out). */
export function useViewers(store: ViewersStore, ticketId: number, meId: number): Viewer[] {
  const all = useSyncExternalStore(store.subscribe, () => store.get(ticketId));
  return all.some((v) => v.agentId === meId) ? all.filter((v) => v.agentId !== meId) : all;
}
