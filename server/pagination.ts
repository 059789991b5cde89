import { ValidationError } from './errors.js';

export interface Page<T> { items: T[]; nextCursor: string | null }

/** Opaque keyset cursor: [sort value, id] of the last row of the previous page. */
export function encodeCursor(key: [string | number | null, number]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): [string | number | null, number] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'number') return v as [string | number | null, number];
  } catch { /* fall through */ }
  throw new ValidationError('cursor is not one this API issued', { field: 'cursor' }, 'INVALID_CURSOR');
}
