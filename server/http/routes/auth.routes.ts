import type { Router } from 'express';
import { AuthError, RateLimitError } from '../../errors.js';
import type { Services } from '../../services.js';
import { defineRoute, obj, str, type ApiServices } from '../api.js';

export function authRoutes(r: Router, auth: ApiServices, s: Services): void {
  defineRoute<Record<string, never>, never, { email: string; password: string }>(r, auth, {
    method: 'post', path: '/auth/login', tag: 'auth', public: true,
    summary: 'Exchange email and password for a bearer token. Repeated failures answer 429 with Retry-After.',
    body: obj({ email: str({ minLength: 3, maxLength: 190 }), password: str({ minLength: 1, maxLength: 200 }) }, ['email', 'password']),
    responseDescription: '{ token, expiresAt, agent }',
  }, async ({ body, req }) => {
    // Every attempt is audited, refused ones (wrong password, unknown address, throttled) as auth.login_failed.
    const ip = req.ip ?? null;
    const failed = (data: Record<string, unknown>) =>
      s.audit.append({ actor: { type: 'anonymous', id: null }, action: 'auth.login_failed', ip, data: { email: body.email.toLowerCase(), ...data } });
    const agent = await s.agents.authenticate(body.email, body.password, req.ip ?? 'unknown').catch(async (err: unknown) => {
      if (err instanceof RateLimitError) await failed({ reason: 'rate_limited' });
      throw err;
    });
    if (!agent) {
      await failed({});
      throw new AuthError('INVALID_CREDENTIALS', 'email or password is wrong');
    }
    await s.audit.append({ actor: { type: 'agent', id: agent.id }, action: 'auth.login', ip });
    const { token, expiresAt } = s.signer.issue(agent.id, agent.tokenVersion, s.clock.now());
    return { token, expiresAt: expiresAt.toISOString(), agent: await s.agents.get(agent.id) };
  });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'post', path: '/auth/logout', tag: 'auth', status: 204, roles: ['agent', 'supervisor', 'admin', 'analyst'],
    summary: 'Sign out: every token of the signed-in agent stops working, on all devices.',
  }, async ({ principal }) => { await s.agents.revokeTokens(principal.agentId, principal.agentId); });

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/auth/me', tag: 'auth', summary: 'The signed-in agent.', roles: ['agent', 'supervisor', 'admin', 'analyst'],
  }, ({ principal }) => s.agents.get(principal.agentId));

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/channels', tag: 'channels', summary: 'Configured channels and what they can do.', roles: ['agent', 'supervisor', 'admin', 'analyst'],
  }, () => ({ items: s.channels.list() }));
}
