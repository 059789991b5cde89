import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isUniqueViolation, type Database } from '../db/database.js';

export type FileKind = 'attachments' | 'inbound-failures';
export type FileBackend = 'dir' | 'db';

/** Where attachment bytes and raw failed mail live: out of the ticket and message rows either way. */
export interface FileStore {
  /** Stores the bytes once per content; the returned `path` is the reference to keep on the row. */
  put(kind: FileKind, bytes: Buffer): Promise<{ path: string; sha256: string }>;
  get(ref: string): Promise<Buffer>;
}

/**
 * Content-addressed files under the data directory. Several server processes need the directory
 * shared (NFS, a volume); the database backend avoids that requirement.
 */
export class DirectoryFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async put(kind: FileKind, bytes: Buffer): Promise<{ path: string; sha256: string }> {
    const sha256 = sha(bytes);
    const rel = path.join(kind, sha256.slice(0, 2), sha256);
    const abs = path.join(this.root, rel);
    // Content-addressed: the same bytes are already there (another message had the same attachment).
    if (await exists(abs)) return { path: rel, sha256 };
    await mkdir(path.dirname(abs), { recursive: true });
    // A temp name per write: two concurrent writes of the same content must not share (and lose) one.
    const tmp = `${abs}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, abs);
    return { path: rel, sha256 };
  }

  async get(rel: string): Promise<Buffer> {
    const abs = path.resolve(this.root, rel);
    if (!abs.startsWith(path.resolve(this.root) + path.sep)) throw new Error('path outside the file store');
    return readFile(abs);
  }
}

/** 60 KiB: under MySQL's 64 KiB BLOB, so one column type serves MySQL/MariaDB and SQLite alike. */
export const DB_CHUNK_BYTES = 60 * 1024;
const DB_PREFIX = 'db:';

/**
 * Content-addressed files in the database, in chunks (`file_object` + `file_chunk`): nothing to share
 * between processes but the database, and the bytes are in its backups. An object row is written in
 * the same transaction as its chunks, so a reader never sees half a file.
 */
export class DatabaseFileStore implements FileStore {
  constructor(private readonly db: Database) {}

  async put(kind: FileKind, bytes: Buffer): Promise<{ path: string; sha256: string }> {
    const sha256 = sha(bytes);
    const ref = `${DB_PREFIX}${kind}/${sha256}`;
    try {
      await this.db.sqlTx(async (sql) => {
        const [known] = await sql.rows<{ n: number }>('SELECT COUNT(*) AS n FROM file_object WHERE sha256 = ?', [sha256]);
        if (Number(known?.n ?? 0) > 0) return;
        const chunks = Math.max(1, Math.ceil(bytes.length / DB_CHUNK_BYTES));
        await sql.run('INSERT INTO file_object (sha256, size, chunks, createdAt) VALUES (?, ?, ?, ?)', [sha256, bytes.length, chunks, new Date()]);
        for (let seq = 0; seq < chunks; seq++) {
          await sql.run('INSERT INTO file_chunk (sha256, seq, data) VALUES (?, ?, ?)',
            [sha256, seq, bytes.subarray(seq * DB_CHUNK_BYTES, (seq + 1) * DB_CHUNK_BYTES)]);
        }
      });
    } catch (err) {
      // Another process stored the same content at the same moment: it is there, which is all we need.
      if (!isUniqueViolation(err)) throw err;
    }
    return { path: ref, sha256 };
  }

  async get(ref: string): Promise<Buffer> {
    const sha256 = ref.startsWith(DB_PREFIX) ? ref.slice(ref.lastIndexOf('/') + 1) : '';
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a database file reference');
    const rows = await this.db.sqlTx((sql) => sql.rows<{ seq: number; data: Uint8Array }>(
      'SELECT seq, data FROM file_chunk WHERE sha256 = ? ORDER BY seq', [sha256]));
    if (rows.length === 0) throw Object.assign(new Error('file not found'), { code: 'ENOENT' });
    const bytes = Buffer.concat(rows.map((r) => Buffer.from(r.data)));
    // Content-addressed, so corruption (or a truncated copy) is detectable for free.
    if (sha(bytes) !== sha256) throw new Error(`stored file ${sha256} is corrupt`);
    return bytes;
  }
}

/**
 * Writes to the configured backend and reads from whichever one a reference names, so switching
 * MEMBERDESK_FILE_STORE keeps every file stored before the switch readable.
 */
export class ConfiguredFileStore implements FileStore {
  constructor(private readonly backend: FileBackend, private readonly dir: DirectoryFileStore, private readonly database: DatabaseFileStore) {}

  put(kind: FileKind, bytes: Buffer): Promise<{ path: string; sha256: string }> {
    return (this.backend === 'db' ? this.database : this.dir).put(kind, bytes);
  }

  get(ref: string): Promise<Buffer> {
    return ref.startsWith(DB_PREFIX) ? this.database.get(ref) : this.dir.get(ref);
  }
}

function sha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
