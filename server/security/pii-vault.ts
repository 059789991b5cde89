import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { Setting } from '../db/entities/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface MasterKey { id: string; wrapKey: Buffer }

/**
 * The master keys this process knows: the current one wraps new data keys; previous ones (during a
 * rotation) still unwrap what they wrapped. A key's id is a hash prefix, stored beside what it wrapped.
 */
export class Keyring {
  readonly current: MasterKey;
  private readonly byId = new Map<string, MasterKey>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const raw of [current, ...previous]) {
      if (raw.length !== 32) throw new ConfigError('a master key must be 32 bytes');
      const key = { id: createHash('sha256').update(raw).digest('hex').slice(0, 12), wrapKey: Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), 'memberdesk/wrap/v1', 32)) };
      if (!this.byId.has(key.id)) this.byId.set(key.id, key);
    }
    this.current = this.byId.values().next().value!;
  }

  get(id: string): MasterKey {
    const key = this.byId.get(id);
    if (!key) throw new ConfigError(`master key ${id} is not configured; add it to MEMBERDESK_PREVIOUS_MASTER_KEYS until rotation has finished`);
    return key;
  }

  wrap(secret: Buffer, context: string): { wrapped: string; keyId: string } {
    return { wrapped: `${this.current.id}:${seal(this.current.wrapKey, secret, context)}`, keyId: this.current.id };
  }

  unwrap(wrapped: string, context: string): Buffer {
    const at = wrapped.indexOf(':');
    if (at < 0) throw new Error('unrecognised wrapped key');
    return open(this.get(wrapped.slice(0, at)).wrapKey, wrapped.slice(at + 1), context);
  }
}

/**
 * Envelope encryption for member PII (ARCHITECTURE §9): each member has a random data key, stored
 * only wrapped by the master key; values are AES-256-GCM under that data key; lookups go through a
 * keyed blind index (HMAC of the normalised value) so a copied database reveals nothing and ingest
 * still finds a member with one equality query. The blind-index and token keys are installation
 * secrets, stored wrapped like data keys, so rotating the master key never changes an index.
 */
export class PiiVault {
  constructor(readonly keyring: Keyring, private readonly indexKey: Buffer, readonly tokenKey: Buffer) {}

  /** The vault of an installation: its secrets are read from the database, or created on first start. */
  static async open(db: Database, keyring: Keyring): Promise<PiiVault> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await db.read((m) => m.findOneBy(Setting, { key: SECRETS_KEY }));
      if (row) {
        const secrets = keyring.unwrap(row.value, SECRETS_KEY);
        return new PiiVault(keyring, secrets.subarray(0, 32), secrets.subarray(32, 64));
      }
      const { wrapped } = keyring.wrap(randomBytes(64), SECRETS_KEY);
      try {
        await db.tx((m) => m.insert(Setting, { key: SECRETS_KEY, value: wrapped }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another process created them first: read theirs
      }
    }
    throw new Error('could not create the vault secrets');
  }

  /** Re-wraps the installation secrets under the current master key (key rotation). */
  static async rewrapSecrets(db: Database, keyring: Keyring): Promise<boolean> {
    return db.tx(async (m) => {
      const row = await m.findOneByOrFail(Setting, { key: SECRETS_KEY });
      if (row.value.startsWith(`${keyring.current.id}:`)) return false;
      const { wrapped } = keyring.wrap(keyring.unwrap(row.value, SECRETS_KEY), SECRETS_KEY);
      await m.update(Setting, { key: SECRETS_KEY }, { value: wrapped });
      return true;
    });
  }

  newDataKey(): { dataKey: Buffer; wrapped: string; keyId: string } {
    const dataKey = randomBytes(32);
    return { dataKey, ...this.keyring.wrap(dataKey, 'data-key') };
  }

  unwrap(wrapped: string): Buffer {
    return this.keyring.unwrap(wrapped, 'data-key');
  }

  rewrap(wrapped: string): { wrapped: string; keyId: string } {
    return this.keyring.wrap(this.unwrap(wrapped), 'data-key');
  }

  encrypt(dataKey: Buffer, plaintext: string, context: string): string {
    return seal(dataKey, Buffer.from(plaintext, 'utf8'), context);
  }

  decrypt(dataKey: Buffer, sealed: string, context: string): string {
    return open(dataKey, sealed, context).toString('utf8');
  }

  /** A stable secret for another purpose (e.g. signing our email Message-IDs), derived from the index secret. */
  subKey(label: string): string {
    return createHmac('sha256', this.indexKey).update(`subkey\u0000${label}`).digest('hex');
  }

  blindIndex(kind: string, normalised: string): string {
    return createHmac('sha256', this.indexKey).update(`${kind}\u0000${normalised}`).digest('hex');
  }
}

const SECRETS_KEY = 'vault.secrets';

/** v1.<iv>.<ciphertext>.<tag>, base64url; `context` is bound as associated data. */
function seal(key: Buffer, plaintext: Buffer, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ['v1', iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function open(key: Buffer, sealed: string, context: string): Buffer {
  const [v, iv, ct, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || ct === undefined || !tag) throw new Error('unrecognised sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
}

export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new ConfigError('a master key must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * The master key comes from MEMBERDESK_MASTER_KEY, or a key file; on first start without either, a
 * key file is generated in the data directory, readable by its owner only (fine for one machine;
 * several processes need the same key from configuration). MEMBERDESK_PREVIOUS_MASTER_KEYS keeps
 * old keys readable while `npm run keys:rotate` re-wraps.
 */
export async function loadKeyring(
  opts: { masterKey: string | null; masterKeyFile: string | null; previousMasterKeys: string[]; dataDir: string },
  log: Logger,
): Promise<Keyring> {
  const previous = opts.previousMasterKeys.map(parseMasterKey);
  if (opts.masterKey) return new Keyring(parseMasterKey(opts.masterKey), previous);
  const file = opts.masterKeyFile ?? path.join(opts.dataDir, 'master.key');
  if (existsSync(file)) return new Keyring(parseMasterKey(await readFile(file, 'utf8')), previous);
  if (opts.masterKeyFile) throw new ConfigError(`MEMBERDESK_MASTER_KEY_FILE ${file} does not exist`);
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  log.warn('generated a new master key (owner-only file); back it up: without it member contact data cannot be read', { file });
  return new Keyring(key, previous);
}
