import type { TicketListQuery } from '../api';
import { listParamSupported } from '../api';
import type { Channel, Priority, QueueItem, Tier, TicketStatus } from '../types';

export const STATUS_VIEWS = ['active', 'new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'all'] as const;
export type StatusView = (typeof STATUS_VIEWS)[number];

export const QUEUE_SORTS = ['sla', '-lastMessageAt', '-createdAt', '-updatedAt'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export type AssigneeView = 'all' | 'mine' | 'unassigned';

export interface QueueFilters {
  assignee: AssigneeView;
  status: StatusView;
  departmentId: number | null;
  channel: Channel | null;
  priority: Priority | null;
  tier: Tier | null;
  q: string;
  sort: QueueSort;
}

export const DEFAULT_FILTERS: QueueFilters = {
  assignee: 'all', status: 'active', departmentId: null, channel: null, priority: null, tier: null, q: '', sort: 'sla',
};

/** Everything a live queue still has to work on. */
const ACTIVE: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

function statuses(view: StatusView): readonly TicketStatus[] | undefined {
  if (view === 'all') return undefined;
  return view === 'active' ? ACTIVE : [view];
}

const FILTERS_KEY = 'memberdesk.queueFilters';

export function loadFilters(): QueueFilters {
  try {
    const saved = JSON.parse(localStorage.getItem(FILTERS_KEY) ?? 'null') as Partial<QueueFilters> | null;
    // The search box is for the moment; the rest is how this agent likes their queue.
    return saved ? { ...DEFAULT_FILTERS, ...saved, q: '' } : DEFAULT_FILTERS;
  } catch {
    return DEFAULT_FILTERS;
  }
}

export function saveFilters(f: QueueFilters): void {
  try { localStorage.setItem(FILTERS_KEY, JSON.stringify({ ...f, q: '' })); } catch { /* not remembered */ }
}

export const PAGE_SIZE = 30;

export function toListQuery(f: QueueFilters, cursor?: string): TicketListQuery {
  return {
    status: statuses(f.status),
    assigneeId: f.assignee === 'mine' ? 'me' : f.assignee === 'unassigned' ? 'none' : undefined,
    departmentId: f.departmentId ?? undefined,
    channel: f.channel ?? undefined,
    priority: f.priority ?? undefined,
    tier: f.tier ?? undefined,
    q: f.q.trim() || undefined,
    sort: f.sort,
    cursor,
    limit: PAGE_SIZE,
  };
}

/** The server's filters, client-side: a pushed upsert must join, stay in or leave the list the agent is looking at. */
export function matchesFilters(t: QueueItem, f: QueueFilters, meId: number): boolean {
  const st = statuses(f.status);
  if (st && !st.includes(t.status)) return false;
  if (f.assignee === 'mine' && t.assigneeId !== meId) return false;
  if (f.assignee === 'unassigned' && t.assigneeId !== null) return false;
  if (f.departmentId !== null && t.departmentId !== f.departmentId) return false;
  if (f.channel && t.channel !== f.channel) return false;
  if (f.priority && t.priority !== f.priority) return false;
  if (f.tier && t.member?.tier !== f.tier) return false;
  const q = f.q.trim();
  if (q && !t.subject.toLowerCase().includes(q.toLowerCase()) && t.number !== q.toUpperCase()) return false;
  return true;
}

/** Filters the server did not apply (it does not know the parameter yet) are applied to its answer here. */
export function clientSideFilter(items: QueueItem[], f: QueueFilters): QueueItem[] {
  if (f.tier && !listParamSupported('tier')) return items.filter((t) => t.member?.tier === f.tier);
  return items;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/** Same order as the server's sorts; `sla`: next deadline first, tickets without a running clock last. */
export function compareItems(sort: QueueSort): (a: QueueItem, b: QueueItem) => number {
  switch (sort) {
    case 'sla':
      return (a, b) => time(a.sla?.dueAt) - time(b.sla?.dueAt) || Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
    case '-lastMessageAt':
      return (a, b) => Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
    case '-createdAt':
      return (a, b) => b.id - a.id;
    case '-updatedAt':
      return (a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.id - a.id;
  }
}

export function filtersActive(f: QueueFilters): boolean {
  return f.assignee !== 'all' || f.status !== 'active' || f.departmentId !== null || f.channel !== null
    || f.priority !== null || f.tier !== null || f.q.trim() !== '';
}

/** The server's flag (REST, or kept current by the queue); else a message came after this agent's last read. */
export function isUnread(t: QueueItem): boolean {
  if (t.unread !== undefined) return t.unread;
  return t.readAt === null || (t.readAt !== undefined && Date.parse(t.lastMessageAt) > Date.parse(t.readAt));
}
