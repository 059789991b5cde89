import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { FileChunk, FileObject, Message } from '../../server/db/entities/index.js';
import { ConfiguredFileStore, DB_CHUNK_BYTES, DatabaseFileStore, DirectoryFileStore } from '../../server/files/file-store.js';
import { ENGINES } from '../helpers/engines.js';
import { startWorld, type TestWorld } from '../helpers/harness.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/email');

for (const engine of ENGINES) {
  describe(`attachments stored in the database (MEMBERDESK_FILE_STORE=db) [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine, { fileStore: 'db' }); });
    after(async () => { await w.stop(); });

    it('stores a file over several 60 KiB chunks and reads back the same bytes', async () => {
      const bytes = randomBytes(DB_CHUNK_BYTES * 3 + 17);
      const { path: ref, sha256 } = await w.services.files.put('attachments', bytes);
      expect(ref).to.equal(`db:attachments/${sha256}`);
      expect((await w.services.files.get(ref)).equals(bytes)).to.equal(true);
      const chunks = await w.services.db.read((m) => m.countBy(FileChunk, { sha256 }));
      expect(chunks).to.equal(4);
    });

    it('keeps one copy of the same content, also when two writers race', async () => {
      const bytes = randomBytes(5000);
      const refs = await Promise.all([1, 2, 3, 4].map(() => w.services.files.put('attachments', bytes)));
      expect(new Set(refs.map((r) => r.path)).size).to.equal(1);
      const sha256 = refs[0]!.sha256;
      expect(await w.services.db.read((m) => m.countBy(FileObject, { sha256 }))).to.equal(1);
      expect(await w.services.db.read((m) => m.countBy(FileChunk, { sha256 }))).to.equal(1);
    });

    it('stores an empty file and refuses a reference that is not one of ours', async () => {
      const { path: ref } = await w.services.files.put('attachments', Buffer.alloc(0));
      expect((await w.services.files.get(ref)).length).to.equal(0);
      const store = new DatabaseFileStore(w.services.db);
      await expectRejection(store.get('db:attachments/../../etc/passwd'), /not a database file reference/);
      await expectRejection(store.get(`db:attachments/${'0'.repeat(64)}`), /not found/);
    });

    it('detects a corrupted chunk instead of serving wrong bytes', async () => {
      const bytes = randomBytes(1000);
      const { path: ref, sha256 } = await w.services.files.put('attachments', bytes);
      await w.services.db.tx((m) => m.update(FileChunk, { sha256, seq: 0 }, { data: Buffer.from(randomBytes(1000)) }));
      await expectRejection(w.services.files.get(ref), /corrupt/);
    });

    it('an email attachment lands in the database and downloads through the API', async () => {
      const { mailbox } = await w.services.mailboxes.create({ address: 'files@desk.example', departmentId: w.deptA });
      const entity = (await w.services.mailboxes.entityByAddress(mailbox.address))!;
      const outcome = await w.services.emailInbound.receive(entity, await readFile(path.join(FIXTURES, 'mail__attachment_nonascii_filename.eml')));
      if (!outcome.stored) throw new Error('not stored');
      const msg = await w.services.db.read((m) => m.findOneByOrFail(Message, { id: outcome.messageId }));
      expect(msg.attachments![0]!.path).to.match(/^db:attachments\/[0-9a-f]{64}$/);
      const download = await fetch(`${w.baseUrl}/api/tickets/${outcome.ticketId}/messages/${outcome.messageId}/attachments/0`,
        { headers: { authorization: `Bearer ${w.agentA.token}` } });
      expect(download.status).to.equal(200);
      expect(Buffer.from(await download.arrayBuffer()).length).to.equal(msg.attachments![0]!.size);
    });

    it('after switching from the directory to the database, files stored before the switch stay readable', async () => {
      const dir = new DirectoryFileStore(path.join(os.tmpdir(), `memberdesk-files-${randomBytes(4).toString('hex')}`));
      const old = await dir.put('attachments', Buffer.from('stored before the switch'));
      const switched = new ConfiguredFileStore('db', dir, new DatabaseFileStore(w.services.db));
      expect((await switched.get(old.path)).toString()).to.equal('stored before the switch');
      const fresh = await switched.put('attachments', Buffer.from('stored after'));
      expect(fresh.path).to.match(/^db:/);
      expect((await switched.get(fresh.path)).toString()).to.equal('stored after');
    });
  });
}

async function expectRejection(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(() => null, (e: Error) => e);
  expect(err, 'expected a rejection').to.be.instanceOf(Error);
  expect(err!.message).to.match(pattern);
}
