import type { Agent } from './types';

const TOKEN_KEY = 'memberdesk.token';

/** The login token lives in localStorage so a reload or a second tab stays signed in. */
export interface Session { token: string; agent: Agent }

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode without storage: the session lasts as long as the page.
  }
}
