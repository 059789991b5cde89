import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { Database } from '../../server/db/database.js';
import { createDataSource } from '../../server/db/data-source.js';
import { Member, MemberIdentity, Setting, WechatOfficialAccount } from '../../server/db/entities/index.js';
import type { IdentityKind } from '../../server/domain.js';
import { identityAad, normaliseIdentity } from '../../server/members/identity.js';
import { ERASED, MemberService } from '../../server/members/member.service.js';
import { rotateKeys } from '../../server/security/key-rotation.js';
import { DepartmentService } from '../../server/departments/department.service.js';
import { MailboxService } from '../../server/email/mailbox.service.js';
import { OFFICIAL_SECRET_CONTEXT } from '../../server/wechat/official-account.service.js';
import { Keyring, PiiVault } from '../../server/security/pii-vault.js';
import { ENGINES } from '../helpers/engines.js';

/**
 * The issue: a new master key is introduced and the data keys re-wrapped online (`npm run
 * keys:rotate`), the old key still reading until the rotation has finished, and not needed after.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MEMBERS = 50;

interface Seeded { id: number; phone: string; email: string }

interface World {
  ds: DataSource;
  db: Database;
  databaseUrl: string | null;
  oldKey: Buffer;
  newKey: Buffer;
  oldVault: PiiVault;
  members: Seeded[];
  erasedId: number;
  close(): Promise<void>;
}

const phoneOf = (i: number) => `1380013${String(1000 + i).padStart(4, '0')}`;

/** A migrated database whose vault and members (plus one erased member) are all on the old key. */
async function setUp(engine: (typeof ENGINES)[number], count = MEMBERS): Promise<World> {
  const target = await engine.fresh();
  const ds = await createDataSource({ databaseUrl: target.databaseUrl, dataDir: null });
  try {
    await ds.runMigrations();
    const db = new Database(ds, target.databaseUrl ? 'mysql' : 'sqlite');
    const oldKey = randomBytes(32);
    const oldVault = await PiiVault.open(db, new Keyring(oldKey));
    const service = new MemberService(db, oldVault);
    const members: Seeded[] = [];
    for (let i = 0; i < count; i++) {
      const phone = phoneOf(i);
      const email = `member${i}@example.com`;
      const view = await service.create({ name: `Member ${i}`, identities: { phone, email } });
      members.push({ id: view.id, phone: normaliseIdentity('phone', phone), email });
    }
    const erasedId = (await service.create({ name: 'Gone', identities: { email: 'gone@example.com' } })).id;
    // Erased as the privacy service does it (identities gone, data key destroyed), but keeping its old
    // keyId: whatever keyId an erased row has, there is nothing to re-wrap.
    await db.tx(async (m) => {
      await m.delete(MemberIdentity, { memberId: erasedId });
      await m.update(Member, { id: erasedId }, { name: null, wrappedKey: ERASED });
    });
    return {
      ds, db, databaseUrl: target.databaseUrl, oldKey, newKey: randomBytes(32), oldVault, members, erasedId,
      async close() { if (ds.isInitialized) await ds.destroy(); await target.drop(); },
    };
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await target.drop();
    throw err;
  }
}

/** Decrypts one identity of a member the way delivery's compose() does. */
async function readIdentity(db: Database, vault: PiiVault, memberId: number, kind: IdentityKind): Promise<string> {
  return db.read(async (m) => {
    const member = await m.findOneByOrFail(Member, { id: memberId });
    const identity = await m.findOneByOrFail(MemberIdentity, { memberId, kind });
    return vault.decrypt(vault.unwrap(member.wrappedKey), identity.valueEnc, identityAad(memberId, kind));
  });
}

async function expectAllReadable(w: World, vault: PiiVault, members: Seeded[] = w.members): Promise<void> {
  for (const s of members) {
    expect(await readIdentity(w.db, vault, s.id, 'phone'), `member ${s.id}`).to.equal(s.phone);
    expect(await readIdentity(w.db, vault, s.id, 'email'), `member ${s.id}`).to.equal(s.email);
  }
}

/** The member list's phone filter (a blind-index lookup) finds exactly the member with that phone. */
async function expectPhoneLookups(w: World, vault: PiiVault, members: Seeded[]): Promise<void> {
  const service = new MemberService(w.db, vault);
  for (const s of members) {
    const page = await service.list({ phone: s.phone, limit: 5 });
    expect(page.items.map((v) => v.id), `lookup of member ${s.id}`).to.deep.equal([s.id]);
  }
}

async function keyIds(db: Database): Promise<Map<number, string>> {
  const rows = await db.read((m) => m.find(Member, { order: { id: 'ASC' } }));
  return new Map(rows.map((r) => [r.id, r.keyId]));
}

async function secretsWrapping(db: Database): Promise<string> {
  const row = await db.read((m) => m.findOneByOrFail(Setting, { key: 'vault.secrets' }));
  return row.value.slice(0, row.value.indexOf(':'));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

for (const engine of ENGINES) {
  describe(`key rotation [${engine.name}]`, () => {
    let w: World;
    beforeEach(async () => { w = await setUp(engine); });
    afterEach(async () => { await w.close(); });

    it('keeps every member readable and findable before, during and after an online rotation', async () => {
      const oldId = w.oldVault.keyring.current.id;
      const vault = await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey]));
      const newId = vault.keyring.current.id;
      expect(newId).to.not.equal(oldId);

      // Before: a process restarted with the new key (and the old one as previous) reads everything.
      await expectAllReadable(w, vault);
      await expectPhoneLookups(w, vault, w.members.slice(0, 5));

      const progress: Array<[number, number]> = [];
      let createdMeanwhile: Seeded | null = null;
      const result = await rotateKeys(w.db, vault, {
        batchSize: 10,
        onProgress: async (done, total) => {
          progress.push([done, total]);
          if (progress.length !== 1) return;
          // During: between batches, some rows are on the new key and some still on the old one; both read.
          const ids = await keyIds(w.db);
          const rewrapped = w.members.filter((s) => ids.get(s.id) === newId);
          const pending = w.members.filter((s) => ids.get(s.id) === oldId);
          expect(rewrapped).to.have.length(10);
          expect(pending).to.have.length(MEMBERS - 10);
          await expectAllReadable(w, vault, [...rewrapped.slice(0, 3), ...pending.slice(0, 3)]);
          await expectPhoneLookups(w, vault, [rewrapped[0]!, pending[0]!, pending.at(-1)!]);
          // A server on the new key creates a member meanwhile: already current, never re-wrapped.
          const view = await new MemberService(w.db, vault).create({ name: 'New', identities: { phone: phoneOf(900), email: 'new@example.com' } });
          createdMeanwhile = { id: view.id, phone: normaliseIdentity('phone', phoneOf(900)), email: 'new@example.com' };
        },
      });

      expect(result).to.deep.equal({ rewrapped: MEMBERS, secrets: true, mailboxes: 0, wechatAccounts: 0 });
      expect(progress).to.deep.equal([[10, MEMBERS], [20, MEMBERS], [30, MEMBERS], [40, MEMBERS], [50, MEMBERS]]);
      expect(createdMeanwhile).to.not.equal(null);
      const everyone = [...w.members, createdMeanwhile!];

      // After: every live member and the installation secrets are on the new key; the erased row is left alone.
      const ids = await keyIds(w.db);
      for (const s of everyone) expect(ids.get(s.id), `member ${s.id}`).to.equal(newId);
      const erased = await w.db.read((m) => m.findOneByOrFail(Member, { id: w.erasedId }));
      expect(erased).to.include({ wrappedKey: ERASED, keyId: oldId });
      expect(await secretsWrapping(w.db)).to.equal(newId);
      await expectAllReadable(w, vault, everyone);
      await expectPhoneLookups(w, vault, [w.members[0]!, w.members[25]!, w.members.at(-1)!, createdMeanwhile!]);

      // A second run finds nothing to do.
      expect(await rotateKeys(w.db, vault, { batchSize: 10 })).to.deep.equal({ rewrapped: 0, secrets: false, mailboxes: 0, wechatAccounts: 0 });
    });

    it('after rotation the new key alone reads everything and the old key alone no longer opens the vault', async () => {
      await rotateKeys(w.db, await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey])), { batchSize: 10 });

      const newOnly = await PiiVault.open(w.db, new Keyring(w.newKey));
      await expectAllReadable(w, newOnly);
      await expectPhoneLookups(w, newOnly, w.members.slice(0, 5));
      // The installation secrets survived unchanged: same blind indexes, same token key.
      expect(newOnly.blindIndex('phone', w.members[0]!.phone)).to.equal(w.oldVault.blindIndex('phone', w.members[0]!.phone));
      expect(newOnly.tokenKey.equals(w.oldVault.tokenKey)).to.equal(true);

      const err = await rejection(PiiVault.open(w.db, new Keyring(w.oldKey)));
      expect(err.message).to.match(/master key \w+ is not configured/);
      // Nor does the old key unwrap any member's data key any more.
      const member = await w.db.read((m) => m.findOneByOrFail(Member, { id: w.members[0]!.id }));
      expect(() => w.oldVault.unwrap(member.wrappedKey)).to.throw(/is not configured/);
    });

    it('re-wraps WeChat Official Accounts\' AppSecret, Token and EncodingAESKey too', async () => {
      const department = (await new DepartmentService(w.db).create({ name: 'WeChat' })).id;
      const seal = (value: string, context: string) => w.oldVault.keyring.wrap(Buffer.from(value), context).wrapped;
      const id = await w.db.tx(async (m) => Number((await m.insert(WechatOfficialAccount, {
        name: 'Member care', appId: 'wx-rotate-test', departmentId: department, active: true,
        appSecretSealed: seal('app-secret-1', OFFICIAL_SECRET_CONTEXT.appSecret), tokenSealed: seal('token-1', OFFICIAL_SECRET_CONTEXT.token),
        encodingAesKeySealed: seal('aes-key-1', OFFICIAL_SECRET_CONTEXT.encodingAESKey),
      })).identifiers[0]!.id));
      const result = await rotateKeys(w.db, await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey])), { batchSize: 100 });
      expect(result.wechatAccounts).to.equal(1);
      const row = await w.db.read((m) => m.findOneByOrFail(WechatOfficialAccount, { id }));
      const newOnly = new Keyring(w.newKey);
      expect(newOnly.unwrap(row.appSecretSealed, OFFICIAL_SECRET_CONTEXT.appSecret).toString()).to.equal('app-secret-1');
      expect(newOnly.unwrap(row.tokenSealed, OFFICIAL_SECRET_CONTEXT.token).toString()).to.equal('token-1');
      expect(newOnly.unwrap(row.encodingAesKeySealed!, OFFICIAL_SECRET_CONTEXT.encodingAESKey).toString()).to.equal('aes-key-1');
      await w.db.tx((m) => m.delete(WechatOfficialAccount, { id }));
    });

    it('re-wraps mailboxes\' IMAP settings too, and a mailbox sealed under a missing key is reported, not fatal', async () => {
      const department = (await new DepartmentService(w.db).create({ name: 'Mail' })).id;
      const imap = { host: 'imap.example.com', port: 993, secure: true, user: 'desk', password: 'imap-secret-1' };
      const onOld = new MailboxService(w.db, w.oldVault);
      const { mailbox } = await onOld.create({ address: 'desk@example.com', departmentId: department, imap });
      await onOld.create({ address: 'plain@example.com', departmentId: department });

      // Dropping the old key before rotating: the mailbox says why, and the others still list and poll.
      const newOnlyBefore = new MailboxService(w.db, await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey])));
      const skipped: number[] = [];
      // (Only the keyring matters to mailboxes; the vault itself cannot open without the key its secrets are on.)
      const lacksOldKey = new MailboxService(w.db, { keyring: new Keyring(w.newKey) } as unknown as PiiVault);
      expect(await lacksOldKey.imapMailboxes((id) => skipped.push(id))).to.deep.equal([]);
      expect((await lacksOldKey.get(mailbox.id)).imap).to.have.property('unreadable').that.contains('keys:rotate');
      expect(skipped).to.deep.equal([mailbox.id]);

      const result = await rotateKeys(w.db, await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey])), { batchSize: 100 });
      expect(result.mailboxes).to.equal(1);
      const newOnly = new MailboxService(w.db, await PiiVault.open(w.db, new Keyring(w.newKey)));
      expect((await newOnly.imapMailboxes()).map((x) => x.settings)).to.deep.equal([imap]);
      expect((await newOnly.get(mailbox.id)).imap).to.include({ host: 'imap.example.com', password: '********' });
      expect((await newOnlyBefore.get(mailbox.id)).imap).to.include({ user: 'desk' });

      // Saving the settings back as a GET returned them keeps the stored password.
      const shown = (await newOnly.get(mailbox.id)).imap as typeof imap;
      await newOnly.update(mailbox.id, { imap: { ...shown, port: 143, secure: false } });
      expect((await newOnly.imapMailboxes())[0]!.settings).to.include({ port: 143, password: 'imap-secret-1' });
    });

    it('is resumable: a rotation that dies after a batch is finished by the next run', async () => {
      const vault = await PiiVault.open(w.db, new Keyring(w.newKey, [w.oldKey]));
      const err = await rejection(rotateKeys(w.db, vault, { batchSize: 10, onProgress: () => { throw new Error('killed'); } }));
      expect(err.message).to.equal('killed');
      const ids = [...(await keyIds(w.db)).values()];
      expect(ids.filter((id) => id === vault.keyring.current.id)).to.have.length(10);

      const lines: string[] = [];
      const result = await rotateKeys(w.db, vault, { batchSize: 10, onProgress: (done, total) => { lines.push(`${done}/${total}`); } });
      expect(result).to.deep.equal({ rewrapped: MEMBERS - 10, secrets: false, mailboxes: 0, wechatAccounts: 0 });
      expect(lines).to.deep.equal(['10/40', '20/40', '30/40', '40/40']);
      await expectAllReadable(w, await PiiVault.open(w.db, new Keyring(w.newKey)));
    });

    if (engine.name === 'mysql') {
      it('npm run keys:rotate rotates a MySQL database end to end and then has nothing left to do', async () => {
        await w.ds.destroy(); // the CLI is another process: nothing of this one stays connected
        const env = (masterKey: Buffer, previous: Buffer[]) => {
          const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: w.databaseUrl!, MEMBERDESK_MASTER_KEY: masterKey.toString('hex'), LOG_LEVEL: 'silent' };
          delete e.MEMBERDESK_MASTER_KEY_FILE;
          delete e.MEMBERDESK_PREVIOUS_MASTER_KEYS;
          if (previous.length) e.MEMBERDESK_PREVIOUS_MASTER_KEYS = previous.map((k) => k.toString('hex')).join(',');
          return e;
        };

        const first = await runCli(env(w.newKey, [w.oldKey]));
        expect(first.code, first.output).to.equal(0);
        expect(first.stdout).to.include(`rewrapped ${MEMBERS}/${MEMBERS} members`);
        expect(first.stdout).to.include(`done: ${MEMBERS} members, 0 mailbox IMAP settings and 0 WeChat Official Account secrets re-wrapped (installation secrets re-wrapped), 0 left on other keys`);

        // Step 3 of the operator flow: the old key is dropped; a second run has nothing to do.
        const second = await runCli(env(w.newKey, []));
        expect(second.code, second.output).to.equal(0);
        expect(second.stdout).to.include('done: 0 members, 0 mailbox IMAP settings and 0 WeChat Official Account secrets re-wrapped (installation secrets already current), 0 left on other keys');

        const ds = await createDataSource({ databaseUrl: w.databaseUrl, dataDir: null });
        try {
          const db = new Database(ds, 'mysql');
          const newOnly = await PiiVault.open(db, new Keyring(w.newKey));
          await expectAllReadable({ ...w, db }, newOnly);
          expect(await secretsWrapping(db)).to.equal(newOnly.keyring.current.id);
          await rejection(PiiVault.open(db, new Keyring(w.oldKey)));
        } finally {
          await ds.destroy();
        }
      });
    }
  });
}

/** `node --import tsx server/security/keys-rotate.cli.ts` (no npx: its wrapper adds nothing here). */
function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/security/keys-rotate.cli.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, output: `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}` }));
  });
}
