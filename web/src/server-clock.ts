import { useSyncExternalStore } from 'react';

/**
 * Countdowns must agree with the server's deadlines, not the laptop's clock: we keep the offset
 * between the two (from the socket's hello, else the HTTP Date header) and tick once a second.
 */
let offsetMs = 0;
let precise = false;
let second = Math.floor(Date.now() / 1000);
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** `precise`: a millisecond timestamp (socket hello); the Date header only counts until one arrives. */
export function syncServerTime(serverTime: string | number, isPrecise: boolean): void {
  const t = typeof serverTime === 'number' ? serverTime : Date.parse(serverTime);
  if (Number.isNaN(t) || (precise && !isPrecise)) return;
  // The Date header is truncated to the second: its half-second midpoint is the best guess.
  offsetMs = t + (isPrecise ? 0 : 500) - Date.now();
  precise = precise || isPrecise;
}

function tick(): void {
  const s = Math.floor(serverNow() / 1000);
  if (s === second) return;
  second = s;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(tick, 250);
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The server's current time in ms, re-rendering the caller once a second. */
export function useServerNow(): number {
  const s = useSyncExternalStore(subscribe, () => second);
  return s * 1000;
}
