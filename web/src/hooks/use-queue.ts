import { useCallback, useEffect, useRef, useState } from 'react';
import { api, asApiError, type ApiError } from '../api';
import { serverNow } from '../server-clock';
import type { Realtime } from '../socket';
import { clientSideFilter, compareItems, matchesFilters, toListQuery, type QueueFilters } from '../state/queue-filters';
import { slaSummary, type QueueItem, type TicketDetail } from '../types';

export interface Queue {
  items: QueueItem[];
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
  /** The agent opened it: unread until the member writes again. */
  markRead(id: number): void;
  /** A change this console made (the socket may be down): update, or drop when it no longer matches. */
  applyLocal(t: TicketDetail): void;
}

/**
 * The live queue: pages from GET /api/tickets, then kept current by `ticket:upsert` / `ticket:removed`,
 * re-read whole on every (re)connect because the server replays nothing.
 */
export function useQueue(filters: QueueFilters, meId: number, realtime: Realtime, openTicketId: number | null): Queue {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Answers to an older filter must not overwrite the newer list.
  const generation = useRef(0);
  const state = useRef({ filters, cursor, openTicketId });
  state.current = { filters, cursor, openTicketId };

  const sortItems = useCallback((list: QueueItem[]) => [...list].sort(compareItems(state.current.filters.sort)), []);

  const reload = useCallback(() => {
    const gen = ++generation.current;
    const f = state.current.filters;
    setLoading(true);
    api.listTickets(toListQuery(f)).then((page) => {
      if (gen !== generation.current) return;
      setItems(sortItems(clientSideFilter(page.items, f)));
      setCursor(page.nextCursor);
      setError(null);
    }, (err: unknown) => {
      if (gen === generation.current) setError(asApiError(err));
    }).finally(() => {
      if (gen === generation.current) setLoading(false);
    });
  }, [sortItems]);

  const loadMore = useCallback(() => {
    const { filters: f, cursor: c } = state.current;
    if (!c) return;
    const gen = generation.current;
    setLoadingMore(true);
    api.listTickets(toListQuery(f, c)).then((page) => {
      if (gen !== generation.current) return;
      setItems((prev) => {
        const known = new Set(prev.map((t) => t.id));
        return sortItems([...prev, ...clientSideFilter(page.items, f).filter((t) => !known.has(t.id))]);
      });
      setCursor(page.nextCursor);
    }, (err: unknown) => {
      if (gen === generation.current) setError(asApiError(err));
    }).finally(() => setLoadingMore(false));
  }, [sortItems]);

  // A debounce on the search text only; every other filter reloads at once.
  const { q, ...rest } = filters;
  const restKey = JSON.stringify(rest);
  useEffect(() => {
    const timer = setTimeout(reload, q ? 300 : 0);
    return () => clearTimeout(timer);
  }, [q, restKey, reload]);

  useEffect(() => realtime.onConnect(reload), [realtime, reload]);

  useEffect(() => {
    const offUpsert = realtime.on('ticket:upsert', ({ ticket, cause }) => {
      const { filters: f, cursor: c, openTicketId: open } = state.current;
      setItems((prev) => {
        const i = prev.findIndex((t) => t.id === ticket.id);
        const known = i >= 0 ? prev[i] : undefined;
        // A push carries no per-agent fields: unread when a message came after our known readAt (docs/realtime.md).
        const readAt = known ? known.readAt : ticket.readAt;
        const unread = ticket.id === open ? false
          : readAt !== undefined ? readAt === null || Date.parse(ticket.lastMessageAt) > Date.parse(readAt)
            : cause.includes('message.received') || (known?.unread ?? ticket.unread ?? false);
        const next: QueueItem = { ...ticket, readAt, unread };
        if (!matchesFilters(next, f, meId)) return i >= 0 ? prev.filter((t) => t.id !== ticket.id) : prev;
        if (i >= 0) return sortItems(prev.map((t) => (t.id === ticket.id ? next : t)));
        // More pages to come: a ticket that sorts after the last loaded one arrives with them.
        const last = prev.at(-1);
        if (c && last && compareItems(f.sort)(next, last) > 0) return prev;
        return sortItems([...prev, next]);
      });
    });
    const offRemoved = realtime.on('ticket:removed', ({ ticketId }) => setItems((prev) => prev.filter((t) => t.id !== ticketId)));
    return () => { offUpsert(); offRemoved(); };
  }, [realtime, meId, sortItems]);

  const markRead = useCallback((id: number) => {
    const now = new Date(serverNow()).toISOString();
    setItems((prev) => prev.map((t) => (t.id === id ? { ...t, unread: false, readAt: now } : t)));
    // The server keeps the mark for the next load and the agent's other devices; a failure only costs a stale dot.
    api.markRead(id).then(
      ({ readAt }) => setItems((prev) => prev.map((t) => (t.id === id ? { ...t, unread: false, readAt } : t))),
      () => undefined,
    );
  }, []);

  const applyLocal = useCallback((t: TicketDetail) => {
    const { filters: f } = state.current;
    setItems((prev) => {
      const known = prev.find((x) => x.id === t.id);
      if (!known) return prev;
      const { messages: _messages, sla, ...fields } = t;
      const summary = slaSummary(sla);
      const next: QueueItem = { ...known, ...fields, ...(summary ? { sla: summary } : {}) };
      return matchesFilters(next, f, meId) ? sortItems(prev.map((x) => (x.id === t.id ? next : x))) : prev.filter((x) => x.id !== t.id);
    });
  }, [meId, sortItems]);

  return { items, loading, loadingMore, error, hasMore: cursor !== null, loadMore, reload, markRead, applyLocal };
}
