import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackCall {
  /** Web API method (`chat.postMessage`) or `response_url`. */
  method: string;
  body: Record<string, unknown>;
  /** Bearer token sent, or null. */
  token: string | null;
  /** Request path, recorded for response_url calls. */
  path?: string;
}

export interface FakeSlack {
  /** Web API base, ends with `/api/`. */
  url: string;
  /** Base for response_url values: `${origin}/response_url/`. */
  responseUrl: string;
  calls: FakeSlackCall[];
  /** The next call of `method` answers `{ ok: false, error }` (HTTP 200, as Slack does). */
  failNext(method: string, error: string): void;
  /** The next call of `method` answers with this HTTP status (e.g. 500, or 429 with a Retry-After header). */
  failNextHttp(method: string, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

type Failure = { kind: 'slack'; error: string } | { kind: 'http'; status: number; headers: Record<string, string> };

// The web-api client sends these as JSON strings inside a form body.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'unfurl_links_list']);

function decodeJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : { value: parsed };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = JSON_FIELDS.has(key) ? decodeJsonField(value) : value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/.exec(h) : null;
  return m ? m[1] : null;
}

/** A local stand-in for Slack's Web API and response_url endpoints, recording every call. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const failures = new Map<string, Failure[]>();
  let tsCounter = 0;
  const tsBase = Math.floor(Date.now() / 1000);

  const takeFailure = (method: string): Failure | undefined => failures.get(method)?.shift();

  function answerApi(method: string, body: Record<string, unknown>, token: string | null, res: ServerResponse): void {
    calls.push({ method, body, token });
    if (!token || !token.startsWith('xoxb-')) return sendJson(res, 200, { ok: false, error: 'not_authed' });
    const failure = takeFailure(method);
    if (failure?.kind === 'http') return sendJson(res, failure.status, { ok: false, error: `http_${failure.status}` }, failure.headers);
    if (failure?.kind === 'slack') return sendJson(res, 200, { ok: false, error: failure.error });
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    switch (method) {
      case 'auth.test':
        return sendJson(res, 200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', url: 'https://fake.slack/' });
      case 'chat.postMessage': {
        if (!channel) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
        tsCounter += 1;
        const ts = `${tsBase + tsCounter}.000100`;
        return sendJson(res, 200, { ok: true, channel, ts, message: { type: 'message', ts, text: body.text, blocks: body.blocks, bot_id: 'BBOT' } });
      }
      case 'chat.update':
        if (!channel || typeof body.ts !== 'string') return sendJson(res, 200, { ok: false, error: 'message_not_found' });
        return sendJson(res, 200, { ok: true, channel, ts: body.ts, text: body.text });
      default:
        return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      let body: Record<string, unknown>;
      try {
        body = parseBody(raw, req.headers['content-type']);
      } catch {
        return sendJson(res, 400, { ok: false, error: 'invalid_json' });
      }
      if (req.method === 'POST' && path.startsWith('/api/')) {
        return answerApi(path.slice('/api/'.length), body, bearer(req), res);
      }
      if (req.method === 'POST' && path.startsWith('/response_url/')) {
        calls.push({ method: 'response_url', body, token: bearer(req), path });
        return sendJson(res, 200, { ok: true });
      }
      sendJson(res, 404, { ok: false, error: 'not_found' });
    })().catch((err: unknown) => {
      sendJson(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const queue = (method: string, f: Failure): void => {
    failures.set(method, [...(failures.get(method) ?? []), f]);
  };

  return {
    url: `${origin}/api/`,
    responseUrl: `${origin}/response_url/`,
    calls,
    failNext: (method, error) => queue(method, { kind: 'slack', error }),
    failNextHttp: (method, status, headers = {}) => queue(method, { kind: 'http', status, headers }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
