import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiError } from '../api';
import { useI18n } from '../i18n/i18n';
import type { Notice } from '../types';
import { useConsole } from './console-context';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'warning' | 'danger';
  text: string;
  /** The API's error code, shown beside the text. */
  code?: string;
  notice?: Notice;
}

export interface ListedNotice extends Notice { id: number; read: boolean }

interface Notices {
  toasts: Toast[];
  notices: ListedNotice[];
  unreadCount: number;
  toast(t: Omit<Toast, 'id'>): void;
  /** An API failure as a toast: the translated code when we know it, else the server's words, with the code. */
  reportError(err: ApiError): void;
  dismiss(id: number): void;
  markAllRead(): void;
  clearNotices(): void;
}

const NoticesContext = createContext<Notices | null>(null);
const TOAST_MS = 6000;
const MAX_NOTICES = 50;

export function noticeTone(kind: Notice['kind']): Toast['tone'] {
  if (kind === 'sla.breach' || kind === 'urgent' || kind === 'escalation') return 'danger';
  if (kind === 'sla.warning') return 'warning';
  return 'info';
}

export function NoticesProvider({ children }: { children: ReactNode }) {
  const { realtime } = useConsole();
  const { t, tMaybe } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [notices, setNotices] = useState<ListedNotice[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((x) => x.id !== id));
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
  }, []);

  const toast = useCallback((x: Omit<Toast, 'id'>) => {
    const id = nextId.current++;
    setToasts((list) => [...list.slice(-4), { ...x, id }]);
    timers.current.set(id, setTimeout(() => dismiss(id), x.tone === 'danger' ? TOAST_MS * 2 : TOAST_MS));
  }, [dismiss]);

  const reportError = useCallback((err: ApiError) => {
    toast({ tone: 'danger', text: tMaybe(`error.${err.code}`) ?? err.message, code: err.code });
  }, [toast, tMaybe]);

  useEffect(() => realtime.on('notice', (n) => {
    const id = nextId.current++;
    setNotices((list) => [{ ...n, id, read: false }, ...list].slice(0, MAX_NOTICES));
    const title = t(`notice.${n.kind}`, { number: n.number, rating: n.rating ?? "" });
    toast({ tone: noticeTone(n.kind), text: title, notice: n });
    // The desktop notification is for an agent who is in another window; in the console the toast suffices.
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
      try {
        const desktop = new Notification(title, { body: n.subject, tag: `${n.kind}:${n.ticketId}` });
        desktop.onclick = () => { window.focus(); location.hash = `#/tickets/${n.ticketId}`; desktop.close(); };
      } catch { /* some browsers allow notifications from service workers only */ }
    }
  }), [realtime, t, toast]);

  useEffect(() => () => { for (const timer of timers.current.values()) clearTimeout(timer); }, []);

  const markAllRead = useCallback(() => setNotices((list) => (list.some((n) => !n.read) ? list.map((n) => ({ ...n, read: true })) : list)), []);
  const clearNotices = useCallback(() => setNotices([]), []);

  const value = useMemo<Notices>(() => ({
    toasts, notices, unreadCount: notices.filter((n) => !n.read).length, toast, reportError, dismiss, markAllRead, clearNotices,
  }), [toasts, notices, toast, reportError, dismiss, markAllRead, clearNotices]);
  return <NoticesContext.Provider value={value}>{children}</NoticesContext.Provider>;
}

export function useNotices(): Notices {
  const ctx = useContext(NoticesContext);
  if (!ctx) throw new Error('useNotices outside NoticesProvider');
  return ctx;
}
