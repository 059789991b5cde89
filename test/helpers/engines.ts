import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/**
 * The databases the suites run on: the embedded SQLite engine always; MySQL/MariaDB when
 * TEST_DATABASE_URL is set or a server answers on 127.0.0.1:3306. Under CI=true a missing MySQL
 * fails the run instead of skipping it.
 */
export interface TestEngine {
  name: 'sqlite' | 'mysql';
  /** A fresh, empty database for one suite; `drop` removes it. */
  fresh(): Promise<{ databaseUrl: string | null; drop(): Promise<void> }>;
}

const sqlite: TestEngine = {
  name: 'sqlite',
  fresh: async () => ({ databaseUrl: null, drop: async () => {} }),
};

async function probeMysql(): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test';
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 2000 });
    await conn.query('SELECT 1');
    await conn.end();
    return url;
  } catch (err) {
    if (process.env.CI === 'true' || process.env.TEST_DATABASE_URL) {
      throw new Error(`MySQL is required for this run but ${redact(url)} does not answer: ${(err as Error).message}`);
    }
    process.stderr.write(`note: MySQL at ${redact(url)} not reachable; running the SQLite suites only\n`);
    return null;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function mysqlEngine(baseUrl: string): TestEngine {
  return {
    name: 'mysql',
    async fresh() {
      const name = `md_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = await mysql.createConnection({ uri: baseUrl });
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.end();
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      return {
        databaseUrl: url.toString(),
        async drop() {
          const c = await mysql.createConnection({ uri: baseUrl });
          await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await c.end();
        },
      };
    },
  };
}

const mysqlUrl = await probeMysql();
export const ENGINES: TestEngine[] = mysqlUrl ? [sqlite, mysqlEngine(mysqlUrl)] : [sqlite];
