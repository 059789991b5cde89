import mysql, { type PoolOptions } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../server/db/data-source.js';

/** What the benchmarks share: settings from the environment, a fresh schema on MariaDB, percentiles. */

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Connection options of the target database (or of the server alone, for CREATE/DROP DATABASE). */
export function connectionOptions(url: URL, withDatabase: boolean): PoolOptions {
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: withDatabase ? databaseName(url) : undefined,
    // The same session settings TypeORM's pool uses (server/db/data-source.ts).
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
  };
}

export function databaseName(url: URL): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^\w+$/.test(name)) throw new Error(`DATABASE_URL must name a database (letters, digits, _), got ${JSON.stringify(name)}`);
  return name;
}

export async function adminQuery(url: URL, sql: string): Promise<void> {
  const conn = await mysql.createConnection(connectionOptions(url, false));
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/** An empty database with the project's schema, via its own migrations. */
export async function freshSchema(url: URL): Promise<DataSource> {
  const name = databaseName(url);
  await adminQuery(url, `DROP DATABASE IF EXISTS \`${name}\``);
  await adminQuery(url, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const ds = await createDataSource({ databaseUrl: url.toString(), dataDir: null });
  await ds.runMigrations();
  return ds;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * The MariaDB database a benchmark may drop and recreate: DATABASE_URL or the default; its name must
 * contain "bench" so that a production URL in the environment is refused.
 */
export function benchTarget(defaultUrl: string): { url: URL; name: string; explicit: boolean } {
  const explicitUrl = process.env.DATABASE_URL;
  const url = new URL(explicitUrl || defaultUrl);
  if (!/^mysql:$/.test(url.protocol)) throw new Error(`DATABASE_URL must be a mysql:// URL, got ${url.protocol}`);
  const name = databaseName(url);
  if (!/bench/i.test(name)) throw new Error(`refusing to drop and recreate database "${name}": the benchmark database's name must contain "bench"`);
  return { url, name, explicit: Boolean(explicitUrl) };
}
