import 'reflect-metadata';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities/index.js';

export type Engine = 'mysql' | 'sqlite';

export interface DbTarget {
  /** mysql://user:pass@host:port/db; null selects the embedded SQLite file. */
  databaseUrl: string | null;
  /** Directory of the embedded database file; null keeps the embedded database in memory (tests). */
  dataDir: string | null;
}

export function engineOf(target: DbTarget): Engine {
  return target.databaseUrl ? 'mysql' : 'sqlite';
}

/**
 * TypeORM reads column defaults differently on MariaDB and MySQL (MariaDB quotes them), so the
 * driver type must match the server; a mysql:// URL may point at either, hence the probe.
 */
export async function detectMysqlFlavour(databaseUrl: string): Promise<'mysql' | 'mariadb'> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection(databaseUrl);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0]?.v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

export function dataSourceOptions(target: DbTarget, flavour: 'mysql' | 'mariadb' = 'mariadb'): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsTransactionMode: 'each' as const, logging: false };
  if (target.databaseUrl) {
    const url = new URL(target.databaseUrl);
    return {
      ...common,
      type: flavour,
      host: url.hostname,
      port: Number(url.port || 3306),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, ''),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: Number(url.searchParams.get('poolSize') ?? 20),
      // mysql2 captures a stack trace per query by default: measurable CPU on the ingest path.
      trace: false,
    };
  }
  if (!target.dataDir) return { ...common, type: 'sqljs', autoSave: false };
  const file = path.join(target.dataDir, 'memberdesk.sqlite');
  return {
    ...common,
    type: 'sqljs',
    location: file,
    autoSave: true,
    // sql.js keeps the database in memory; every commit writes the whole file. Write-then-rename
    // with fsync so that a crash (even kill -9) leaves either the old or the new file, never half of one,
    // and the commit (and the HTTP 201 after it) happens only once the bytes are on disk.
    autoSaveCallback: (bytes: Uint8Array) => writeFileAtomic(file, bytes),
  };
}

export async function createDataSource(target: DbTarget): Promise<DataSource> {
  if (target.dataDir) {
    await mkdir(target.dataDir, { recursive: true });
    await removeStaleTempFiles(target.dataDir);
  }
  const flavour = target.databaseUrl ? await detectMysqlFlavour(target.databaseUrl) : undefined;
  const ds = new DataSource(dataSourceOptions(target, flavour));
  await ds.initialize();
  return ds;
}

async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  // The rename itself is durable only once the directory entry is on disk (power loss, not just kill -9).
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** A process killed mid-save leaves its temp file behind; the real file is intact, the temp is garbage. */
async function removeStaleTempFiles(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    if (/^memberdesk\.sqlite\.\d+\.tmp$/.test(name)) await unlink(path.join(dataDir, name)).catch(() => undefined);
  }
}
