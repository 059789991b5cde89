import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, asApiError, type ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import { Realtime, type ConnState } from '../socket';
import type { Agent, Category, ChannelInfo, Department, Presence } from '../types';
import { ViewersStore } from './viewers-store';

/** What every part of the signed-in console reads: who I am, the reference lists, the socket. */
export interface ConsoleData {
  me: Agent;
  agents: Agent[];
  /** GET /api/agents refused or failed: assignment offers only me and unassigned. */
  agentsUnavailable: boolean;
  departments: Department[];
  categories: Category[];
  channels: ChannelInfo[];
  realtime: Realtime;
  viewers: ViewersStore;
  conn: ConnState;
  presence: Presence;
  setPresence(p: Presence): Promise<ApiError | null>;
  logout(): void;
  agentName(id: number | null | undefined): string;
  departmentName(id: number | null | undefined): string;
  categoryLabel(key: string): string;
}

const ConsoleContext = createContext<ConsoleData | null>(null);

interface Reference { me: Agent; agents: Agent[] | null; departments: Department[]; categories: Category[]; channels: ChannelInfo[] }

/** Best effort: a list the agent may not read leaves the console working with less. */
async function loadReference(): Promise<Reference> {
  const me = await api.me();
  const [agents, departments, categories, channels] = await Promise.all([
    api.agents().then((r) => r.items, () => null),
    api.departments().then((r) => r.items, () => []),
    api.categories().then((r) => r.items, () => []),
    api.channels().then((r) => r.items, () => []),
  ]);
  return { me, agents, departments, categories, channels };
}

interface Props { token: string; onSignedOut(): void; children: ReactNode; loading: ReactNode; failed(err: ApiError, retry: () => void): ReactNode }

export function ConsoleProvider({ token, onSignedOut, children, loading, failed }: Props) {
  const { t, locale } = useI18n();
  const [ref, setRef] = useState<Reference | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [conn, setConn] = useState<ConnState>('connecting');
  const [presence, setPresenceState] = useState<Presence>('online');
  // What the socket said of our presence wins over the reference data, which may have been read before our arrival changed it.
  const fromSocket = useRef<{ id: number | null; presence: Presence | null }>({ id: null, presence: null });
  // Names learned from the socket, for agents GET /api/agents does not list (other departments).
  const [extraNames, setExtraNames] = useState<Map<number, string>>(() => new Map());
  const [realtime] = useState(() => new Realtime(token, () => { void api.me().catch(() => undefined); }));
  const [viewers] = useState(() => new ViewersStore());

  useEffect(() => {
    let live = true;
    setLoadError(null);
    loadReference().then((r) => {
      if (!live) return;
      setRef(r);
      fromSocket.current.id = r.me.id;
      setPresenceState(fromSocket.current.presence ?? r.me.presence);
    }, (err: unknown) => { if (live) setLoadError(asApiError(err)); });
    return () => { live = false; };
  }, [attempt]);

  useEffect(() => {
    realtime.start();
    const offState = realtime.onState(setConn);
    setConn(realtime.state);
    const offViewers = realtime.on('ticket:viewers', ({ ticketId, viewers: v }) => {
      viewers.set(ticketId, v);
      setExtraNames((prev) => {
        const unknown = v.filter((x) => prev.get(x.agentId) !== x.name);
        if (!unknown.length) return prev;
        const next = new Map(prev);
        for (const x of unknown) next.set(x.agentId, x.name);
        return next;
      });
    });
    const offPresence = realtime.on('agent:presence', ({ agentId, name, presence: p }) => {
      if (agentId === fromSocket.current.id) { fromSocket.current.presence = p; setPresenceState(p); }
      setRef((r) => r && ({
        ...r,
        me: r.me.id === agentId ? { ...r.me, presence: p } : r.me,
        agents: r.agents?.map((a) => (a.id === agentId ? { ...a, presence: p } : a)) ?? null,
      }));
      setExtraNames((prev) => (prev.get(agentId) === name ? prev : new Map(prev).set(agentId, name)));
    });
    // Our own presence comes back in the greeting, settled by our arrival (online unless we chose away).
    const offHello = realtime.on('hello', ({ agent }) => {
      setRef((r) => r && ({ ...r, me: { ...r.me, name: agent.name, role: agent.role, departmentIds: agent.departmentIds } }));
      fromSocket.current.id = agent.id;
      if (agent.presence) { fromSocket.current.presence = agent.presence; setPresenceState(agent.presence); }
    });
    const offConnect = realtime.onConnect(() => { viewers.clear(); });
    return () => { offState(); offViewers(); offPresence(); offHello(); offConnect(); realtime.stop(); };
  }, [realtime, viewers]);

  const setPresence = useCallback(async (p: Presence): Promise<ApiError | null> => {
    const previous = presence;
    setPresenceState(p);
    const socketError = realtime.connected ? await realtime.setPresence(p) : { code: 'OFFLINE', message: '' };
    if (!socketError) return null;
    // No socket (or it refused): the REST twin of presence:set.
    try {
      await api.setPresence(p);
      return null;
    } catch (err) {
      setPresenceState(previous);
      return asApiError(err);
    }
  }, [presence, realtime]);

  const logout = useCallback(() => {
    realtime.stop();
    void api.logout().catch(() => undefined).finally(onSignedOut);
  }, [realtime, onSignedOut]);

  const value = useMemo<ConsoleData | null>(() => {
    if (!ref) return null;
    const agents = ref.agents ?? [ref.me];
    const names = new Map<number, string>(extraNames);
    for (const a of agents) names.set(a.id, a.name);
    names.set(ref.me.id, ref.me.name);
    return {
      me: ref.me, agents, agentsUnavailable: ref.agents === null, departments: ref.departments, categories: ref.categories,
      channels: ref.channels, realtime, viewers, conn, presence, setPresence, logout,
      agentName: (id) => (id == null ? t('common.unassigned') : names.get(id) ?? t('common.agentN', { id })),
      departmentName: (id) => (id == null ? '—' : ref.departments.find((d) => d.id === id)?.name ?? t('common.departmentN', { id })),
      categoryLabel: (key) => {
        const c = ref.categories.find((x) => x.key === key);
        return c ? (locale === 'en' ? c.labelEn : c.labelZh) : key;
      },
    };
  }, [ref, extraNames, realtime, viewers, conn, presence, setPresence, logout, t, locale]);

  if (loadError) return <>{failed(loadError, () => setAttempt((n) => n + 1))}</>;
  if (!value) return <>{loading}</>;
  return <ConsoleContext.Provider value={value}>{children}</ConsoleContext.Provider>;
}

export function useConsole(): ConsoleData {
  const ctx = useContext(ConsoleContext);
  if (!ctx) throw new Error('useConsole outside ConsoleProvider');
  return ctx;
}
