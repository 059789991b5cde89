/**
 * The member's side of a survey link (no login): GET and POST /api/surveys/link/:token. Errors come
 * back as a code the page has words for; anything it cannot name is NETWORK (retry helps) or UNKNOWN.
 */

export interface LinkSurvey {
  status: 'sent';
  ticketNumber: string;
  subject: string;
  language: 'zh-Hans' | 'zh-Hant' | 'en' | null;
  solvedAt: string | null;
}

export const LINK_ERROR_CODES = ['SURVEY_LINK_INVALID', 'SURVEY_EXPIRED', 'SURVEY_CANCELLED', 'SURVEY_ANSWERED', 'NETWORK', 'UNKNOWN'] as const;
export type LinkErrorCode = (typeof LINK_ERROR_CODES)[number];

export class LinkError extends Error {
  constructor(readonly code: LinkErrorCode, readonly status: number, readonly rating: number | null = null) {
    super(code);
    this.name = 'LinkError';
  }
}

const KNOWN = new Set<string>(['SURVEY_LINK_INVALID', 'SURVEY_EXPIRED', 'SURVEY_CANCELLED', 'SURVEY_ANSWERED']);

async function call<T>(method: 'GET' | 'POST', token: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/surveys/link/${encodeURIComponent(token)}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new LinkError('NETWORK', 0);
  }
  const json = await res.json().catch(() => null) as (T & { error?: { code?: string; details?: { rating?: unknown } } }) | null;
  if (res.ok && json) return json;
  const code = json?.error?.code ?? '';
  if (KNOWN.has(code)) {
    const rating = json?.error?.details?.rating;
    throw new LinkError(code as LinkErrorCode, res.status, typeof rating === 'number' ? rating : null);
  }
  // A link the server does not know at all (wrong address, mangled token) is an invalid link, not a failure.
  if (res.status === 404 || (method === 'GET' && res.status === 400)) throw new LinkError('SURVEY_LINK_INVALID', res.status);
  if (res.status === 429 || res.status >= 500 || res.ok) throw new LinkError('NETWORK', res.status);
  throw new LinkError('UNKNOWN', res.status);
}

export const linkApi = {
  get: (token: string) => call<{ survey: LinkSurvey }>('GET', token).then((r) => r.survey),
  answer: (token: string, body: { rating: number; comment?: string }) => call<{ status: 'answered'; rating: number }>('POST', token, body),
};

/** The token is the last segment of /survey/<token>; the dev server's /survey.html?token=… also works. */
export function tokenFromLocation(loc: Pick<Location, 'pathname' | 'search'>): string | null {
  const segments = loc.pathname.split('/').filter(Boolean);
  const last = segments.at(-1);
  if (last && !/\.html?$/i.test(last) && segments.length >= 2) {
    try { return decodeURIComponent(last); } catch { return null; }
  }
  return new URLSearchParams(loc.search).get('token');
}
