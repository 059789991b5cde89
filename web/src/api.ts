import { syncServerTime } from './server-clock';
import type {
  Agent, CallInput, CallResult, Category, ChannelInfo, Department, Items, Language, LoginResult, Page, Presence, Priority,
  QueueItem, TicketDetail, TicketEvent, TicketStatus, TicketType,
} from './types';

/** An API failure as the server words it: `{ error: { code, message, details } }`, or NETWORK when it never answered. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ApiError';
  }
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT_ERROR', err instanceof Error ? err.message : String(err));
}

type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer the raw Response (attachments). */
  raw?: boolean;
}

let token: string | null = null;
let unauthorized: () => void = () => {};

/** The session's token, and what to do when the server stops accepting it (back to the login page). */
export function configureApi(o: { token: string | null; onUnauthorized?: () => void }): void {
  token = o.token;
  if (o.onUnauthorized) unauthorized = o.onUnauthorized;
}

export function queryString(query: Query | undefined): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    // Repeated keys: the server's query parser turns them into an array (status=new&status=open).
    if (Array.isArray(v)) for (const item of v) p.append(k, item);
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}${queryString(o.query)}`, {
      method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), credentials: 'omit',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : 'network error');
  }
  const date = res.headers.get('date');
  if (date) syncServerTime(date, false);
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { error?: { code?: string; message?: string; details?: unknown } } | null;
    const e = new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText, body?.error?.details);
    // A login that fails is a wrong password, not an expired session.
    if (res.status === 401 && path !== '/auth/login') unauthorized();
    throw e;
  }
  if (o.raw) return res as T;
  if (res.status === 204) return undefined as T;
  return await res.json() as T;
}

// ── the list's optional parameters ──

/**
 * Parameters the server may not know yet (it rejects unknown query keys with VALIDATION_FAILED naming them).
 * A refused one is dropped for the rest of the session and the console does its job client-side.
 */
const OPTIONAL_LIST_PARAMS = ['sort', 'tier', 'assigneeId'] as const;
const unsupported = new Set<string>();

export function listParamSupported(name: (typeof OPTIONAL_LIST_PARAMS)[number], value?: string): boolean {
  return !unsupported.has(name) && !(value !== undefined && unsupported.has(`${name}=${value}`));
}

function refusedParams(err: ApiError, query: Query): string[] {
  if (err.code !== 'VALIDATION_FAILED' || !Array.isArray(err.details)) return [];
  const fields = (err.details as Array<{ field?: string }>).map((d) => d.field ?? '');
  return OPTIONAL_LIST_PARAMS.filter((p) => query[p] !== undefined && fields.includes(`query.${p}`));
}

export interface TicketListQuery {
  status?: readonly TicketStatus[];
  departmentId?: number;
  assigneeId?: string;
  memberId?: number;
  channel?: string;
  priority?: string;
  tier?: string;
  q?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
}

async function listTickets(q: TicketListQuery): Promise<Page<QueueItem>> {
  const query: Query = { ...q };
  for (const p of OPTIONAL_LIST_PARAMS) {
    const v = query[p];
    if (v !== undefined && !listParamSupported(p, String(v))) delete query[p];
  }
  try {
    return await request<Page<QueueItem>>('GET', '/tickets', { query });
  } catch (err) {
    const refused = err instanceof ApiError ? refusedParams(err, query) : [];
    if (!refused.length) throw err;
    // `sort=sla` and `assigneeId=me` are values of known keys: remember the value, keep the key.
    for (const p of refused) unsupported.add(p === 'tier' ? p : `${p}=${String(query[p])}`);
    return listTickets(q);
  }
}

// ── endpoints ──

export const api = {
  login: (email: string, password: string) => request<LoginResult>('POST', '/auth/login', { body: { email, password } }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Agent>('GET', '/auth/me'),
  channels: () => request<Items<ChannelInfo>>('GET', '/channels'),
  agents: () => request<Items<Agent>>('GET', '/agents'),
  departments: () => request<Items<Department>>('GET', '/departments'),
  categories: () => request<Items<Category>>('GET', '/categories'),
  setPresence: (presence: Presence) => request<unknown>('PUT', '/agents/me/presence', { body: { presence } }),

  listTickets,
  ticket: (id: number) => request<TicketDetail>('GET', `/tickets/${id}`),
  markRead: (id: number) => request<{ readAt: string }>('POST', `/tickets/${id}/read`),
  events: (id: number, cursor?: string) => request<Page<TicketEvent>>('GET', `/tickets/${id}/events`, { query: { cursor, limit: 100 } }),
  addMessage: (id: number, body: { text: string; visibility: 'public' | 'internal'; status?: TicketStatus }) =>
    request<{ messageId: number; ticket: TicketDetail | null }>('POST', `/tickets/${id}/messages`, { body }),
  setStatus: (id: number, status: TicketStatus) => request<TicketDetail>('POST', `/tickets/${id}/status`, { body: { status } }),
  assign: (id: number, assigneeId: number | null) => request<TicketDetail>('POST', `/tickets/${id}/assign`, { body: { assigneeId } }),
  transfer: (id: number, departmentId: number, note?: string) =>
    request<TicketDetail | { id: number; visible: false }>('POST', `/tickets/${id}/transfer`, { body: { departmentId, ...(note ? { note } : {}) } }),
  setPriority: (id: number, priority: Priority) => request<TicketDetail>('POST', `/tickets/${id}/priority`, { body: { priority } }),
  changeTags: (id: number, change: { add?: string[]; remove?: string[] }) => request<TicketDetail>('POST', `/tickets/${id}/tags`, { body: change }),
  merge: (id: number, targetTicketId: number) => request<TicketDetail>('POST', `/tickets/${id}/merge`, { body: { targetTicketId } }),
  correctTriage: (id: number, body: { type?: TicketType; category?: string; language?: Language }) =>
    request<TicketDetail>('POST', `/tickets/${id}/triage`, { body }),
  acknowledgeSla: (id: number) => request<unknown>('POST', `/tickets/${id}/sla/acknowledge`, { body: {} }),
  logCall: (call: CallInput, idempotencyKey: string) =>
    request<CallResult>('POST', '/calls', { body: call, headers: { 'idempotency-key': idempotencyKey } }),

  /** Attachments need the bearer header, so they come as a blob rather than a plain link. */
  attachment: async (ticketId: number, messageId: number, index: number): Promise<Blob> => {
    const res = await request<Response>('GET', `/tickets/${ticketId}/messages/${messageId}/attachments/${index}`, { raw: true, headers: { accept: '*/*' } });
    return res.blob();
  },
};
