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
