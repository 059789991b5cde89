import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
    await mkdir(path.dirname(abs), { recursive: true });
    const tmp = `${abs}.${process.pid}.tmp`;
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
