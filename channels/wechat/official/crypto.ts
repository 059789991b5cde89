import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Official Account callback's signatures and "safe mode" encryption (WeChat's WXBizMsgCrypt
 * scheme). Pure functions: no I/O, no clock.
 *
 * - URL verification and plaintext mode: `signature` = sha1 of the sorted, concatenated
 *   [token, timestamp, nonce].
 * - Safe mode: `msg_signature` = sha1 of sorted [token, timestamp, nonce, Encrypt].
 * - Encrypt = base64(AES-256-CBC(key, iv = key[0..16], pkcs7₃₂(random16 ‖ len₃₂BE ‖ msg ‖ appId)))
 *   with key = base64decode(EncodingAESKey + '=').
 */

/** sha1 hex of the parts sorted (byte order, as WeChat's samples sort) and concatenated. */
export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of a received signature (any case) with the expected one. */
export function signatureMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{40}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given.toLowerCase(), 'hex'));
}

export class WechatCryptoError extends Error {
  constructor(readonly code: 'INVALID_AES_KEY' | 'DECRYPT_FAILED' | 'APPID_MISMATCH', message: string) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

/** The 32-byte AES key of a 43-character EncodingAESKey; throws INVALID_AES_KEY otherwise. */
export function aesKeyOf(encodingAESKey: string): Buffer {
  if (!isEncodingAESKey(encodingAESKey)) throw new WechatCryptoError('INVALID_AES_KEY', 'EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  const key = Buffer.from(encodingAESKey + '=', 'base64');
  if (key.length !== 32) throw new WechatCryptoError('INVALID_AES_KEY', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export function isEncodingAESKey(value: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(value);
}

const BLOCK = 32;

/** Encrypts a message for `appId` (also what a test uses to play WeChat). `random16` only for fixed vectors. */
export function encryptMessage(encodingAESKey: string, appId: string, message: string, random16?: Buffer | string): string {
  const key = aesKeyOf(encodingAESKey);
  const random = random16 === undefined ? randomBytes(16) : Buffer.from(random16);
  if (random.length !== 16) throw new RangeError('random prefix must be 16 bytes');
  const body = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random, len, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/**
 * Decrypts an Encrypt value and checks that it was made for `appId` (a message encrypted for another
 * account under the same key is refused). Returns the message (the inner XML).
 */
export function decryptMessage(encodingAESKey: string, appId: string, encrypted: string): string {
  const key = aesKeyOf(encodingAESKey);
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('DECRYPT_FAILED', 'Encrypt is not a whole number of AES blocks');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new WechatCryptoError('DECRYPT_FAILED', 'Encrypt could not be decrypted');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new WechatCryptoError('DECRYPT_FAILED', 'bad padding (wrong EncodingAESKey?)');
  }
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new WechatCryptoError('DECRYPT_FAILED', 'decrypted message too short');
  const len = content.readUInt32BE(16);
  if (20 + len > content.length) throw new WechatCryptoError('DECRYPT_FAILED', 'decrypted length out of range (wrong EncodingAESKey?)');
  const receivedAppId = content.subarray(20 + len).toString('utf8');
  const a = Buffer.from(receivedAppId);
  const b = Buffer.from(appId);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new WechatCryptoError('APPID_MISMATCH', 'the message was encrypted for another AppID');
  return content.subarray(20, 20 + len).toString('utf8');
}
