import type { Router } from 'express';
import { AuthError } from '../../errors.js';
import type { Services } from '../../services.js';
import { defineRoute, obj, str, type ApiServices } from '../api.js';

export function authRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, never, { email: string; password: string }>(r, auth, {
    method: 'post', path: '/auth/login', tag: 'auth', public: true,
    summary: 'Exchange email and password for a bearer token. Repeated failures answer 429 with Retry-After.',
    body: obj({ email: str({ minLength: 3, maxLength: 190 }), password: str({ minLength: 1, maxLength: 200 }) }, ['email', 'password']),
    responseDescription: '{ token, expiresAt, agent }',
  }, async ({ body, req }) => {
    const agent = await s.agents.authenticate(body.email, body.password, req.ip ?? 'unknown');
    if (!agent) throw new AuthError('INVALID_CREDENTIALS', 'email or password is wrong');
    const { token, expiresAt } = s.signer.issue(agent.id, s.clock.now());
    return { token, expiresAt: expiresAt.toISOString(), agent: await s.agents.get(agent.id) };
  });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/auth/me', tag: 'auth', summary: 'The signed-in agent.',
  }, ({ principal }) => s.agents.get(principal.agentId));

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels', tag: 'channels', summary: 'Configured channels and what they can do.',
  }, () => ({ items: s.channels.list() }));
}
