import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The real server as a child process, for crash tests: `node --import tsx server/main.ts` (no npx wrapper that would survive a kill). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface Spawned {
  child: ChildProcess;
  exited: Promise<Exit>;
}

export interface ServerProcess extends Spawned {
  baseUrl: string;
  /** Every line the process wrote, stderr lines prefixed with `[stderr] `. */
  lines: string[];
  /** The last lines, for failure messages. */
  output(): string;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Spawns `node --import tsx server/main.ts` and resolves once it logs `listening` (with the port it picked). */
export function startServer(env: NodeJS.ProcessEnv, spawned: Spawned[], timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const output = () => lines.slice(-60).join('\n');
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // Registered at once, so that after() also kills a child that never got as far as listening.
  spawned.push({ child, exited });
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(`[stderr] ${line}`));
  const stdout = createInterface({ input: child.stdout! });

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (isRunning(child)) child.kill('SIGKILL');
      reject(new Error(`${why}\n--- server output ---\n${output()}`));
    };
    const timer = setTimeout(() => fail(`the server did not log "listening" within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`could not spawn the server: ${err.message}`));
    exited.then(({ code, signal }) => fail(`the server exited before listening (code ${code}, signal ${signal})`));
    stdout.on('line', (line) => {
      lines.push(line);
      if (settled || !line.includes('"msg":"listening"')) return;
      let port: unknown;
      try { port = (JSON.parse(line) as { port?: unknown }).port; } catch { return; }
      if (typeof port !== 'number' || port <= 0) return fail(`"listening" line without a port: ${line}`);
      settled = true;
      clearTimeout(timer);
      resolve({ child, baseUrl: `http://127.0.0.1:${port}`, exited, lines, output });
    });
  });
}

/** SIGTERM (graceful stop), then SIGKILL if it has not gone after `graceMs`. */
export async function stopServer(s: Spawned, graceMs = 15_000): Promise<Exit> {
  if (!isRunning(s.child)) return s.exited;
  s.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
  await Promise.race([s.exited, forced]);
  clearTimeout(timer);
  if (isRunning(s.child)) s.child.kill('SIGKILL');
  return s.exited;
}

/**
 * The environment of a crash-test server: a port of its own choosing, no demo, a known admin and a
 * fresh master key; `databaseUrl` null means the embedded database in `dataDir`.
 */
export function serverEnv(o: { dataDir: string; databaseUrl: string | null; adminEmail: string; adminPassword: string; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: '0', HOST: '127.0.0.1', MEMBERDESK_DATA_DIR: o.dataDir, MEMBERDESK_DEMO: '0',
    MEMBERDESK_ADMIN_EMAIL: o.adminEmail, MEMBERDESK_ADMIN_PASSWORD: o.adminPassword,
    MEMBERDESK_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'info', ...o.extra,
  };
  // Settings of the developer's own shell must not leak into the child (another key file, mail servers).
  for (const key of ['MEMBERDESK_MASTER_KEY_FILE', 'MEMBERDESK_SMTP_URL', 'MEMBERDESK_SMTP_LISTEN']) delete env[key];
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

/** An answer of the child server's JSON API: the body parsed when it is JSON, else the text. */
/** A server's output lines that report a failure: stderr, or a JSON log line at level error. */
export function errorsIn(lines: string[]): string[] {
  return lines.filter((line) => {
    if (line.startsWith('[stderr] ')) return true;
    try { return (JSON.parse(line) as { level?: unknown }).level === 'error'; } catch { return false; }
  });
}

export interface JsonAnswer { status: number; body: any }

/** Calls the child server's API as a client would (JSON in, JSON out, optional bearer token). */
export async function serverApi(baseUrl: string, method: string, urlPath: string, body?: unknown, token?: string): Promise<JsonAnswer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* leave text */ }
  return { status: res.status, body: parsed };
}

/** Logs in on the child server; throws with the answer when that fails. */
export async function loginTo(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await serverApi(baseUrl, 'POST', '/api/auth/login', { email, password });
  if (res.status !== 200 || typeof res.body?.token !== 'string') throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
