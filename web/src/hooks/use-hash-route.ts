import { useCallback, useSyncExternalStore } from 'react';

/**
 * Hash routes (`#/tickets/42`): staff alerts already link to `${publicUrl}/#/tickets/${id}`,
 * and the server needs no fallback route for them.
 */
function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function ticketIdFromHash(hash: string): number | null {
  const m = /^#\/tickets\/(\d+)/.exec(hash);
  return m ? Number(m[1]) : null;
}

/** The console's screens besides the queue; each has its own hash (`#/reports`, `#/follow-ups`, `#/admin/wechat`). */
export type ConsoleView = 'queue' | 'follow-ups' | 'suggestions' | 'reports' | 'wechat';

export function viewFromHash(hash: string): ConsoleView {
  if (/^#\/follow-ups\b/.test(hash)) return 'follow-ups';
  if (/^#\/suggestions\b/.test(hash)) return 'suggestions';
  if (/^#\/reports\b/.test(hash)) return 'reports';
  if (/^#\/admin\/wechat\b/.test(hash)) return 'wechat';
  return 'queue';
}

export const VIEW_HASH: Record<ConsoleView, string> = { queue: '#/', 'follow-ups': '#/follow-ups', suggestions: '#/suggestions', reports: '#/reports', wechat: '#/admin/wechat' };

export function useView(): ConsoleView {
  return viewFromHash(useSyncExternalStore(subscribe, () => location.hash));
}

export function useTicketRoute(): { ticketId: number | null; openTicket(id: number | null, replace?: boolean): void } {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  const openTicket = useCallback((id: number | null, replace = false) => {
    const next = id === null ? '#/' : `#/tickets/${id}`;
    if (location.hash === next) return;
    if (replace) {
      history.replaceState(null, '', next);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      location.hash = next;
    }
  }, []);
  return { ticketId: ticketIdFromHash(hash), openTicket };
}
