import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StoredAttachment } from '../../channels/channel.js';

/**
 * An upload answers with a signed token describing the stored file; a message accepts only such
 * tokens, so nobody can attach a file of another ticket by guessing or copying its content hash.
 */
export function signUpload(file: StoredAttachment, secret: string): string {
  const body = Buffer.from(JSON.stringify({ n: file.name, t: file.contentType, s: file.size, p: file.path })).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function verifyUpload(token: string, secret: string): StoredAttachment | null {
  const [body, sig] = token.split('.');
  if (!body || !sig) return null;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64url'));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { n: string; t: string; s: number; p: string };
    return { name: v.n, contentType: v.t, size: v.s, path: v.p };
  } catch {
    return null;
  }
}
