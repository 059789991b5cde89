import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DirectoryFileStore } from '../../server/files/file-store.js';

describe('file store: directory backend', () => {
  it('stores the same content once, even when many writers race for it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'md-files-'));
    try {
      const store = new DirectoryFileStore(dir);
      const bytes = Buffer.from('same attachment in many mails');
      const results = await Promise.all(Array.from({ length: 25 }, () => store.put('attachments', bytes)));
      expect(new Set(results.map((r) => r.path)).size).to.equal(1);
      expect((await store.get(results[0]!.path)).equals(bytes)).to.equal(true);
      await store.get('../../etc/passwd').then(() => expect.fail('escaped the store'), (err: Error) => expect(err.message).to.match(/outside/));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
