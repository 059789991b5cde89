import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { createDataSource, engineOf } from '../db/data-source.js';
import { Database } from '../db/database.js';
import { AuditLog } from './audit-log.js';

/**
 * npm run audit:verify — checks the audit log's hash chain in DATABASE_URL, or in the embedded
 * database in MEMBERDESK_DATA_DIR (read only: SELECTs never make sql.js save the file).
 * Exit code 0: intact; 1: broken (entries edited or deleted); 2: could not check.
 */
try {
  const config = loadConfig();
  const target = { databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : config.dataDir };
  const ds = await createDataSource(target);
  try {
    const result = await new AuditLog(new Database(ds, engineOf(target)), systemClock).verify();
    if (result.ok) {
      console.log(`audit log intact: ${result.checked} entries verified`);
    } else {
      const where = result.firstBadId !== undefined ? `; first bad entry: id ${result.firstBadId}` : '';
      console.error(`audit log BROKEN after ${result.checked} good entries${where}: ${result.problem}`);
      process.exitCode = 1;
    }
  } finally {
    await ds.destroy();
  }
} catch (err) {
  console.error(`audit log could not be checked: ${(err as Error).message}`);
  process.exitCode = 2;
}
