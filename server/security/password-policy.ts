import { ValidationError } from '../errors.js';

/**
 * What a new agent password must be: at least 10 characters; shorter than 16 characters it needs two
 * kinds of characters (lower case, upper case, digits, anything else such as '-' or a space), from 16
 * on a passphrase of one kind is fine; not the agent's email or its local part; not a well-known
 * password. Applied when a password is set, never at login.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const PASSPHRASE_LENGTH = 16;

/** Well-known passwords long enough to pass the length rule (compared case-insensitively). */
const COMMON = new Set([
  'password123', 'password1234', 'password12', 'password1!', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'passwordpassword',
  '1234567890', '12345678910', '123456789a', 'a123456789', 'a1234567890', 'aa123456789', 'abc1234567', 'abc123456789',
  'qwertyuiop', 'qwertyuiop1', 'qwerty12345', 'qwerty123456', 'qwer1234qwer', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5',
  'q1w2e3r4t5y6', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', 'qazwsx123456', '123qweasdzxc', 'qweasdzxc123', 'asdfghjkl1', 'zxcvbnm123',
  'iloveyou12', 'iloveyou123', 'iloveyou!!', 'welcome123', 'welcome1234', 'admin12345', 'admin123456', 'administrator',
  'letmein123', 'changeme123', 'trustno1234', 'whatever123', 'sunshine123', 'princess123', 'football123', 'baseball123',
  'superman123', 'monkey12345', 'dragon12345', 'master12345', 'computer123', 'woaini1314', '5201314520', 'memberdesk1', 'memberdesk123',
]);

/** Human sentences naming what is missing; empty when the password is acceptable. */
export function passwordProblems(password: string, email?: string | null): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`use at least ${MIN_PASSWORD_LENGTH} characters (this one has ${length})`);
  if (length < PASSPHRASE_LENGTH && characterClasses(password) < 2) {
    problems.push(`mix at least two kinds of characters (lower case, upper case, digits, symbols such as - or space), or use ${PASSPHRASE_LENGTH} characters or more`);
  }
  const lowered = password.trim().toLowerCase();
  const mail = email?.trim().toLowerCase();
  if (mail && (lowered === mail || lowered === mail.split('@')[0])) problems.push('do not use the email address (or its part before @) as the password');
  if (COMMON.has(lowered)) problems.push('this is one of the most common passwords; choose another');
  return problems;
}

/** Throws 400 WEAK_PASSWORD naming every rule the password breaks. */
export function assertPasswordPolicy(password: string, email?: string | null): void {
  const problems = passwordProblems(password, email);
  if (!problems.length) return;
  throw new ValidationError(`the password is too weak: ${problems.join('; ')}`, problems.map((message) => ({ field: 'password', message })), 'WEAK_PASSWORD');
}

function characterClasses(password: string): number {
  let lower = false; let upper = false; let digit = false; let other = false;
  for (const ch of password) {
    if (/\p{Ll}/u.test(ch)) lower = true;
    else if (/\p{Lu}/u.test(ch)) upper = true;
    else if (/\p{Nd}/u.test(ch)) digit = true;
    else other = true;
  }
  return Number(lower) + Number(upper) + Number(digit) + Number(other);
}
