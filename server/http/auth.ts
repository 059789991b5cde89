import type { Request } from 'express';
import type { Principal } from '../agents/principal.js';
import { AuthError } from '../errors.js';
import type { Services } from '../services.js';
import type { ApiServices } from './api.js';

/** Bearer token → principal; the agent row is read each time so deactivation, revocation and role changes apply at once. */
export function bearerAuth(s: Pick<Services, 'signer' | 'agents' | 'clock'>): ApiServices {
  return {
    async authenticate(req: Request): Promise<Principal> {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new AuthError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (from POST /api/auth/login)');
      const claims = s.signer.verify(match[1]!, s.clock.now());
      if (!claims) throw new AuthError('INVALID_TOKEN', 'the token is invalid or expired; log in again');
      const principal = await s.agents.principal(claims.sub, claims.ver);
      if (!principal) throw new AuthError('INVALID_TOKEN', 'this token was revoked (logout, password change) or the agent is no longer active; log in again');
      return principal;
    },
  };
}
