import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, asApiError, type ApiError } from '../api';
import type { Realtime } from '../socket';
import type { ViewersStore } from '../state/viewers-store';
import { detailedSla, slaSummary, type Message, type TicketDetail } from '../types';

export interface OpenTicket {
  ticket: TicketDetail | null;
  loading: boolean;
  error: ApiError | null;
  reload(): void;
  /** An action answered with the changed ticket. */
  replace(t: TicketDetail): void;
  memberTyping: boolean;
  /** Public replies by other agents since this agent opened the ticket or last sent: the collision warning. */
  othersReplied: Message[];
  /** The agent has seen them (sent anyway, or sent after reading). */
  acknowledgeReplies(): void;
}

const MEMBER_TYPING_TTL_MS = 8000;
const UPSERT_RELOAD_DELAY_MS = 400;

const maxMessageId = (t: TicketDetail | null) => t?.messages.reduce((m, x) => Math.max(m, x.id), 0) ?? 0;

/**
 * The ticket on screen: loaded over REST, announced with `ticket:view` (so colleagues see us), kept
 * current by `message:new` and re-read on `ticket:upsert` and on every reconnect.
 */
export function useOpenTicket(ticketId: number | null, meId: number, realtime: Realtime, viewers: ViewersStore): OpenTicket {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [memberTyping, setMemberTyping] = useState(false);
  const [baseline, setBaseline] = useState<number | null>(null);
  const current = useRef(ticketId);
  current.current = ticketId;

  const load = useCallback((id: number, first: boolean) => {
    if (first) setLoading(true);
    api.ticket(id).then((t) => {
      if (current.current !== id) return;
      setTicket(t);
      setError(null);
      if (first) setBaseline(maxMessageId(t));
    }, (err: unknown) => {
      if (current.current === id) setError(asApiError(err));
    }).finally(() => {
      if (current.current === id) setLoading(false);
    });
  }, []);

  const announce = useCallback((id: number) => {
    void realtime.view(id).then((v) => { if (v) viewers.set(id, v); });
  }, [realtime, viewers]);

  useEffect(() => {
    setTicket(null);
    setError(null);
    setBaseline(null);
    setMemberTyping(false);
    if (ticketId === null) return;
    load(ticketId, true);
    announce(ticketId);
    return () => realtime.leave(ticketId);
  }, [ticketId, load, announce, realtime]);

  useEffect(() => {
    if (ticketId === null) return;
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      realtime.onConnect(() => { load(ticketId, false); announce(ticketId); }),
      realtime.on('message:new', ({ ticketId: id, message }) => {
        if (id !== ticketId) return;
        setTicket((t) => (t && !t.messages.some((m) => m.id === message.id) ? { ...t, messages: [...t.messages, message] } : t));
        if (message.author.type === 'member') setMemberTyping(false);
      }),
      realtime.on('ticket:upsert', ({ ticket: t }) => {
        if (t.id !== ticketId) return;
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => load(ticketId, false), UPSERT_RELOAD_DELAY_MS);
      }),
      realtime.on('member:typing', ({ ticketId: id, typing }) => {
        if (id !== ticketId) return;
        setMemberTyping(typing);
        clearTimeout(typingTimer);
        // A widget that closes mid-sentence never says it stopped.
        if (typing) typingTimer = setTimeout(() => setMemberTyping(false), MEMBER_TYPING_TTL_MS);
      }),
    ];
    return () => { for (const off of offs) off(); clearTimeout(reloadTimer); clearTimeout(typingTimer); };
  }, [ticketId, realtime, load, announce]);

  const othersReplied = useMemo(() => (ticket && baseline !== null
    ? ticket.messages.filter((m) => m.id > baseline && m.visibility === 'public' && m.author.type === 'agent' && m.author.agentId !== meId)
    : []), [ticket, baseline, meId]);

  const reload = useCallback(() => { if (ticketId !== null) load(ticketId, false); }, [ticketId, load]);
  const replace = useCallback((t: TicketDetail) => {
    // Action answers carry only the SLA summary: keep the clocks we have until the next read.
    setTicket((prev) => {
      if (!prev || prev.id !== t.id) return prev;
      const kept = detailedSla(t.sla) ?? detailedSla(prev.sla);
      return { ...t, sla: kept ? { ...kept, ...slaSummary(t.sla) } : t.sla ?? prev.sla };
    });
  }, []);
  const acknowledgeReplies = useCallback(() => setBaseline((b) => Math.max(b ?? 0, maxMessageId(ticket))), [ticket]);

  return { ticket, loading, error, reload, replace, memberTyping, othersReplied, acknowledgeReplies };
}
