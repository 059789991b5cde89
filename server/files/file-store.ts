import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Content-addressed files under the data directory (attachments, raw mail that failed to import):
 * large bytes stay out of the database rows. Several processes need the directory shared.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  /** Stores the bytes once per content; returns the path relative to the root. */
  async put(kind: 'attachments' | 'inbound-failures', bytes: Buffer): Promise<{ path: string; sha256: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
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

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
