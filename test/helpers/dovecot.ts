import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A private Dovecot IMAP server for the tests (STACK-NOTES §6): its own config, mail, run and
 * state directories under a temp dir, plaintext IMAP on 127.0.0.1 at a free port, users from a
 * passwd-file with {PLAIN} passwords. Nothing of the system Dovecot (/etc/dovecot, the service)
 * is used or started.
 *
 * A missing `dovecot` binary fails the suite (it is never skipped): under CI=true because .ci/run
 * must have installed it, otherwise with the command that installs it.
 */
export interface DovecotUser { user: string; password: string }
export interface RunningDovecot { port: number; stop(): Promise<void> }

const INSTALL_HINT = 'apt-get install -y --no-install-recommends dovecot-imapd dovecot-core';
const READY_TIMEOUT_MS = 15_000;
const execFileP = promisify(execFile);

export async function startDovecot(users: DovecotUser[]): Promise<RunningDovecot> {
  const binary = findDovecot();
  if (!binary) {
    if (process.env.CI === 'true') {
      throw new Error(`dovecot not found on PATH or in /usr/sbin: CI must run the IMAP suite; .ci/run should have installed it (${INSTALL_HINT})`);
    }
    throw new Error(`the IMAP tests need a local Dovecot binary and none was found: install it with \`${INSTALL_HINT}\` (they start their own private instance; no system service is needed)`);
  }
  if (!users.length) throw new Error('startDovecot: give at least one user');
  for (const u of users) {
    if (/[:\s]/.test(u.user) || /[\r\n:]/.test(u.password) || !u.user || !u.password) {
      throw new Error(`startDovecot: user names and passwords must be non-empty and free of ':' and line breaks (${JSON.stringify(u.user)})`);
    }
  }

  let lastError: unknown;
  // The port is probed free and then handed to Dovecot; another process can take it in between,
  // so a bind failure is retried on a new port.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'md-dovecot-'));
    try {
      return await launch(binary, dir, port, users);
    } catch (err) {
      lastError = err;
      await rm(dir, { recursive: true, force: true });
      if (!/in use/i.test(String((err as Error).message))) break;
    }
  }
  throw lastError;
}

function findDovecot(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const candidate = join(d, 'dovecot');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* next */ }
  }
  return null;
}

/** A port nobody listens on right now: bind port 0, read it, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string, port: number): string {
  return `# private test instance written by test/helpers/dovecot.ts
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 8
log_path = ${dir}/dovecot.log
# Failed logins are what some tests do on purpose: no 2 s failure delay, and no growing penalty
# per client IP (mode 0 on its anvil socket is Dovecot's documented way to turn that off).
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${dir}/mail/%u
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

async function launch(binary: string, dir: string, port: number, users: DovecotUser[]): Promise<RunningDovecot> {
  // Login and mail processes run as dovenull/mail and must be able to reach their directories.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'mail'));
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  // Read by the auth process, which runs as the dovecot user; test-only passwords in a temp dir.
  await writeFile(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}`).join('\n') + '\n', { mode: 0o644 });
  await writeFile(join(dir, 'dovecot.conf'), config(dir, port));
  await execFileP('chown', ['-R', 'mail:mail', join(dir, 'mail')]);

  // -F keeps the master in the foreground as our child: a startup failure (bad config, port taken)
  // shows up as its exit, and the exit is ours to observe when stopping.
  const child = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', (err) => { stderr += String(err); resolve(-1); });
  });

  // A run that dies without calling stop() (a crash, mocha's --exit) must not leave Dovecot behind.
  const onExit = () => {
    try { if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    await killMaster(dir, child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForGreeting(port, exited, async () => `${stderr}${await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '')}`);
  } catch (err) {
    process.removeListener('exit', onExit);
    await killMaster(dir, child, exited).catch(() => {});
    throw err;
  }
  return { port, stop };
}

async function killMaster(dir: string, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pidText = await readFile(join(dir, 'run', 'master.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidText.trim(), 10) || child.pid;
  if (!pid) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), 5000); });
  const result = await Promise.race([exited, forced]);
  clearTimeout(timer);
  if (result === 'timeout') {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await exited;
  }
}

/**
 * Ready means an IMAP greeting ("* OK") arrived, not only an accepted TCP connection: the master
 * listens before its login processes can answer. Polls with short connects until the deadline.
 */
async function waitForGreeting(port: number, exited: Promise<number | null>, diagnostics: () => Promise<string>): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((c) => { exitCode = c ?? -1; });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`dovecot exited (code ${exitCode}) before accepting connections on 127.0.0.1:${port}:\n${(await diagnostics()).trim()}`);
    }
    try {
      await greeting(port);
      return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`dovecot did not greet on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms (${lastError}):\n${(await diagnostics()).trim()}`);
}

function greeting(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(2000, () => done(new Error('no greeting within 2 s')));
    socket.on('error', (err) => done(err));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('* OK') ? undefined : new Error(`unexpected greeting ${JSON.stringify(data.slice(0, 80))}`));
    });
    socket.on('end', () => done(new Error('closed before the greeting')));
  });
}
