import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';

/** Composition root: config → database → HTTP → workers; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    runtime.stop().then(() => process.exit(0), (err) => { log.error('stop failed', { error: String(err) }); process.exit(1); });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`MemberDesk cannot start: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`MemberDesk failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
