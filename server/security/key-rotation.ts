import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database.js';
import { Mailbox, Member, WechatOfficialAccount } from '../db/entities/index.js';
import { IMAP_CONTEXT } from '../email/mailbox.service.js';
import { OFFICIAL_SECRET_CONTEXT } from '../wechat/official-account.service.js';
import { ERASED } from '../members/member.service.js';
import { PiiVault } from './pii-vault.js';

export interface RotateOptions {
  /** Members re-wrapped per transaction (default 1000): the rows of one batch are locked until it commits. */
  batchSize?: number;
  /** Called after each committed batch, outside any transaction; awaited, so it may read the database. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * Re-wraps everything the previous master keys wrapped under the keyring's current key, online:
 * the installation secrets first, then the members' data keys in batches of one transaction each,
 * then the mailboxes' sealed IMAP settings.
 * The data keys themselves never change, so encrypted values and blind indexes stay as they are and
 * a server reads a member the same way before and after its row is re-wrapped.
 *
 * Resumable: it picks the rows whose keyId is not the current one, so a crash (or a second run)
 * just carries on. Members created meanwhile by a server on the new key are already current.
 */
export async function rotateKeys(db: Database, vault: PiiVault, opts: RotateOptions = {}): Promise<{ rewrapped: number; secrets: boolean; mailboxes: number; wechatAccounts: number }> {
  const batchSize = opts.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const current = vault.keyring.current.id;
  const secrets = await PiiVault.rewrapSecrets(db, vault.keyring);

  // Erased members have no data key left to re-wrap.
  const stale = (m: EntityManager) => m.createQueryBuilder(Member, 'mb')
    .where('mb.keyId <> :current', { current }).andWhere('mb.wrappedKey <> :erased', { erased: ERASED });
  const total = await db.read((m) => stale(m).getCount());

  let done = 0;
  // SKIP LOCKED keeps the rotation from queueing behind ingest's member locks; when only locked rows
  // remain, a skip-locked batch comes back empty, so one plain batch (which waits for them) decides the end.
  let skipLocked = true;
  for (;;) {
    const n = await db.tx(async (m) => {
      const qb = stale(m).select(['mb.id', 'mb.wrappedKey']).orderBy('mb.id', 'ASC').limit(batchSize);
      const rows = await db.forUpdate(qb, skipLocked).getMany();
      for (const row of rows) {
        const { wrapped, keyId } = vault.rewrap(row.wrappedKey);
        await m.update(Member, { id: row.id }, { wrappedKey: wrapped, keyId });
      }
      return rows.length;
    });
    if (n === 0) {
      if (!skipLocked) break;
      skipLocked = false;
      continue;
    }
    skipLocked = true;
    done += n;
    // Members created meanwhile by a process still on an old key can push the count past the first estimate.
    await opts.onProgress?.(done, Math.max(total, done));
  }
  const mailboxes = await rewrapMailboxes(db, vault);
  const wechatAccounts = await rewrapWechatAccounts(db, vault);
  return { rewrapped: done, secrets, mailboxes, wechatAccounts };
}

/** Mailboxes' IMAP settings are sealed by the master key itself (few rows: one transaction). */
async function rewrapMailboxes(db: Database, vault: PiiVault): Promise<number> {
  const current = `${vault.keyring.current.id}:`;
  return db.tx(async (m) => {
    const rows = await db.forUpdate(m.createQueryBuilder(Mailbox, 'mb').where('mb.imapSealed IS NOT NULL')).getMany();
    let n = 0;
    for (const row of rows) {
      if (row.imapSealed!.startsWith(current)) continue;
      const plain = vault.keyring.unwrap(row.imapSealed!, IMAP_CONTEXT);
      await m.update(Mailbox, { id: row.id }, { imapSealed: vault.keyring.wrap(plain, IMAP_CONTEXT).wrapped });
      n++;
    }
    return n;
  });
}

/** Official Accounts' AppSecret, Token and EncodingAESKey, sealed by the master key like IMAP settings. */
async function rewrapWechatAccounts(db: Database, vault: PiiVault): Promise<number> {
  const current = `${vault.keyring.current.id}:`;
  const rewrap = (sealed: string, context: string) => (sealed.startsWith(current) ? sealed : vault.keyring.wrap(vault.keyring.unwrap(sealed, context), context).wrapped);
  return db.tx(async (m) => {
    const rows = await db.forUpdate(m.createQueryBuilder(WechatOfficialAccount, 'wa')).getMany();
    let n = 0;
    for (const row of rows) {
      const next = {
        appSecretSealed: rewrap(row.appSecretSealed, OFFICIAL_SECRET_CONTEXT.appSecret),
        tokenSealed: rewrap(row.tokenSealed, OFFICIAL_SECRET_CONTEXT.token),
        encodingAesKeySealed: row.encodingAesKeySealed === null ? null : rewrap(row.encodingAesKeySealed, OFFICIAL_SECRET_CONTEXT.encodingAESKey),
      };
      if (next.appSecretSealed === row.appSecretSealed && next.tokenSealed === row.tokenSealed && next.encodingAesKeySealed === row.encodingAesKeySealed) continue;
      await m.update(WechatOfficialAccount, { id: row.id }, next);
      n++;
    }
    return n;
  });
}
