import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The signed link in a survey email: `<surveyId>.<nonce>.<mac>`. The MAC (HMAC-SHA256 under a key derived
 * from the master key) makes the id and nonce unforgeable; whether the survey can still be answered (sent,
 * not expired, not answered, not cancelled) is the database's to say, so a link is single-use and expires
 * with its survey.
 */
export class SurveyLinks {
  constructor(private readonly key: string, private readonly publicUrl: string) {}

  static nonce(): string {
    return randomBytes(12).toString('base64url');
  }

  token(surveyId: number, nonce: string): string {
    return `${surveyId}.${nonce}.${this.mac(surveyId, nonce)}`;
  }

  url(surveyId: number, nonce: string): string {
    return `${this.publicUrl}/survey/${this.token(surveyId, nonce)}`;
  }

  /** The survey a token names, or null when it is malformed or its MAC does not match (tampered). */
  verify(token: string): { surveyId: number; nonce: string } | null {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{8,32})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const surveyId = Number(m[1]);
    const expected = Buffer.from(this.mac(surveyId, m[2]!));
    const given = Buffer.from(m[3]!);
    return expected.length === given.length && timingSafeEqual(expected, given) ? { surveyId, nonce: m[2]! } : null;
  }

  private mac(surveyId: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`survey:${surveyId}:${nonce}`).digest('base64url');
  }
}
