import { loadConfig } from '../config.js';
import { createDataSource } from './data-source.js';

/** npm run migrate | migrate:revert — against DATABASE_URL, or the embedded database in MEMBERDESK_DATA_DIR. */
const command = process.argv[2] ?? 'up';
const config = loadConfig();
const ds = await createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : config.dataDir });
try {
  if (command === 'up') {
    const applied = await ds.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'nothing to apply: the schema is up to date');
  } else if (command === 'revert') {
    await ds.undoLastMigration({ transaction: 'each' });
    console.log('reverted the last migration');
  } else if (command === 'show') {
    const pending = await ds.showMigrations();
    console.log(pending ? 'there are pending migrations' : 'no pending migrations');
  } else {
    console.error(`unknown command ${command}; use up, revert or show`);
    process.exitCode = 2;
  }
} finally {
  await ds.destroy();
}
