import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  next(): void;
  previous(): void;
  reply(): void;
  note(): void;
  escape(): void;
  help(): void;
}

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single-key shortcuts for a queue worked all day (j/k, r, n, ?), ignored while typing in a field;
 * Esc works everywhere. Ctrl/Cmd+Enter belongs to the composer itself.
 */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if (e.key === 'Escape') {
        ref.current.escape();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typingInField(e.target)) return;
      const action = ({ j: 'next', k: 'previous', r: 'reply', n: 'note', '?': 'help' } as const)[e.key as 'j'];
      if (!action) return;
      e.preventDefault();
      ref.current[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
