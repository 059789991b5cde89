import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityKind } from '../domain.js';
import { ValidationError } from '../errors.js';

/**
 * Canonical forms, so that "+86 138 0013 8000", "0086-13800138000" and "13800138000" are one
 * member. Phone numbers without a country code are read as mainland China numbers.
 */
export function normaliseIdentity(kind: IdentityKind, raw: string): string {
  const value = raw.trim();
  switch (kind) {
    case 'email': {
      const v = value.toLowerCase();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) || v.length > 254) throw new ValidationError('not an email address', { field: 'email' }, 'INVALID_EMAIL');
      return v;
    }
    case 'phone': {
      const digits = value.replace(/[\s\-().]/g, '').replace(/^00/, '+');
      const parsed = parsePhoneNumberFromString(digits, 'CN');
      if (!parsed || !parsed.isPossible()) throw new ValidationError('not a phone number', { field: 'phone' }, 'INVALID_PHONE');
      return parsed.number; // E.164
    }
    case 'wechat':
    case 'webchat':
      if (!value || value.length > 190) throw new ValidationError(`not a ${kind} id`, { field: kind }, 'INVALID_IDENTITY');
      return value;
  }
}

/** What a console shows without the pii:read permission. */
export function maskIdentity(kind: IdentityKind, normalised: string): string {
  switch (kind) {
    case 'email': {
      const [local = '', domain = ''] = normalised.split('@');
      return `${local.slice(0, 1)}***@${domain}`;
    }
    case 'phone': {
      const parsed = parsePhoneNumberFromString(normalised);
      const national = parsed ? String(parsed.nationalNumber) : normalised.replace(/\D/g, '');
      if (national.length <= 7) return `${national.slice(0, 2)}***${national.slice(-2)}`;
      return `${national.slice(0, 3)}****${national.slice(-4)}`;
    }
    case 'wechat':
    case 'webchat':
      return normalised.length <= 4 ? '****' : `${normalised.slice(0, 2)}***${normalised.slice(-2)}`;
  }
}

/** Associated data binding an encrypted identity to its member and kind: a value copied to another row fails to decrypt. */
export function identityAad(memberId: number, kind: IdentityKind): string {
  return `member:${memberId}:${kind}`;
}

/** A name as a console shows it when names are configured as PII: 张伟 → 张*, Emily Wong → E**** W***. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  return name.trim().split(/\s+/).map((word) => {
    const chars = [...word];
    return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
  }).join(' ');
}
