import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Envelope encryption for member PII (ARCHITECTURE §9): each member has a random data key, stored
 * only wrapped by the master key; values are AES-256-GCM under that data key; lookups go through a
 * keyed blind index (HMAC of the normalised value) so a copied database reveals nothing and ingest
 * still finds a member with one equality query.
 */
export class PiiVault {
  private readonly wrapKey: Buffer;
  private readonly indexKey: Buffer;
  readonly tokenKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new ConfigError('the master key must be 32 bytes');
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
    this.wrapKey = derive('memberdesk/wrap-data-keys/v1');
    this.indexKey = derive('memberdesk/blind-index/v1');
    this.tokenKey = derive('memberdesk/agent-tokens/v1');
  }

  newDataKey(): { dataKey: Buffer; wrapped: string } {
    const dataKey = randomBytes(32);
    return { dataKey, wrapped: seal(this.wrapKey, dataKey, 'data-key') };
  }

  unwrap(wrapped: string): Buffer {
    return open(this.wrapKey, wrapped, 'data-key');
  }

  encrypt(dataKey: Buffer, plaintext: string, context: string): string {
    return seal(dataKey, Buffer.from(plaintext, 'utf8'), context);
  }

  decrypt(dataKey: Buffer, sealed: string, context: string): string {
    return open(dataKey, sealed, context).toString('utf8');
  }

  blindIndex(kind: string, normalised: string): string {
    return createHmac('sha256', this.indexKey).update(`${kind}\u0000${normalised}`).digest('hex');
  }
}

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
  if (key.length !== 32) throw new ConfigError('MEMBERDESK_MASTER_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * The master key comes from MEMBERDESK_MASTER_KEY, or a key file; on first start without either, a
 * key file is generated in the data directory (fine for one machine; several processes need the
 * same key from configuration).
 */
export async function loadMasterKey(
  opts: { masterKey: string | null; masterKeyFile: string | null; dataDir: string },
  log: Logger,
): Promise<Buffer> {
  if (opts.masterKey) return parseMasterKey(opts.masterKey);
  const file = opts.masterKeyFile ?? path.join(opts.dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(await readFile(file, 'utf8'));
  if (opts.masterKeyFile) throw new ConfigError(`MEMBERDESK_MASTER_KEY_FILE ${file} does not exist`);
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  log.warn('generated a new master key; back it up: without it member contact data cannot be read', { file });
  return key;
}
