import { createHmac, timingSafeEqual } from 'node:crypto';

/** `ver` is the agent's tokenVersion at issue time: bumping the version revokes every earlier token. */
export interface TokenClaims { sub: number; ver: number; iat: number; exp: number }

/**
 * Stateless signed agent tokens: v1.<claims>.<hmac>. The agent row is still read per request, so
 * deactivation bites at once, and so does a revocation (the row's tokenVersion no longer equals `ver`).
 */
export class TokenSigner {
  constructor(private readonly key: Buffer, private readonly ttlSeconds: number) {}

  issue(agentId: number, version: number, now: Date): { token: string; expiresAt: Date } {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: TokenClaims = { sub: agentId, ver: version, iat, exp: iat + this.ttlSeconds };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `v1.${body}.${this.sign(body)}`, expiresAt: new Date(claims.exp * 1000) };
  }

  verify(token: string, now: Date): TokenClaims | null {
    const [v, body, sig] = token.split('.');
    if (v !== 'v1' || !body || !sig) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      // Tokens from before revocation existed carry no version: they are refused, the agent logs in again.
      if (typeof claims.sub !== 'number' || typeof claims.exp !== 'number' || !Number.isInteger(claims.ver)) return null;
      return claims.exp * 1000 > now.getTime() ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
