import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { Database } from '../db/database.js';
import { createDataSource, engineOf } from '../db/data-source.js';
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { rotateKeys } from './key-rotation.js';
import { loadKeyring, PiiVault } from './pii-vault.js';

/**
 * npm run keys:rotate — with MEMBERDESK_MASTER_KEY=<new> and MEMBERDESK_PREVIOUS_MASTER_KEYS=<old>,
 * re-wraps the installation secrets and every member's data key under the new key, online and
 * resumably (docs/architecture.md, "Rotating the master key").
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // loadKeyring generates a key file when none is configured; a fresh key here could only fail to
  // open the vault (or, on an empty database, make one nobody else can read), so refuse instead.
  const keyFile = config.masterKeyFile ?? path.join(config.dataDir, 'master.key');
  if (!config.masterKey && !existsSync(keyFile)) {
    throw new ConfigError(`no master key: set MEMBERDESK_MASTER_KEY (the new key) or MEMBERDESK_MASTER_KEY_FILE (${keyFile} does not exist)`);
  }
  const keyring = await loadKeyring(config, log);
  const ds = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : config.dataDir });
  try {
    if (await ds.showMigrations()) throw new ConfigError('the database schema is not up to date: run `npm run migrate` (or start a server) first');
    const db = new Database(ds, engineOf({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
    if (db.engine === 'sqlite') {
      // sql.js holds the whole database in memory and each process rewrites the file on commit:
      // a server running meanwhile would overwrite this run's work with its own copy.
      console.log('embedded database: make sure no MemberDesk server is running on it during the rotation');
    }
    const vault = await PiiVault.open(db, keyring);
    console.log(`rotating to master key ${keyring.current.id}`);
    const { rewrapped, secrets, mailboxes, wechatAccounts } = await rotateKeys(db, vault, {
      onProgress: (done, total) => console.log(`rewrapped ${done}/${total} members`),
    });
    console.log(`done: ${rewrapped} members, ${mailboxes} mailbox IMAP settings and ${wechatAccounts} WeChat Official Account secrets re-wrapped (installation secrets ${secrets ? 're-wrapped' : 'already current'}), 0 left on other keys`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `keys:rotate: ${err.message}\n` : `keys:rotate failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = err instanceof ConfigError ? 2 : 1;
});
