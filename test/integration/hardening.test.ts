import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Request, RequestHandler, Response } from 'express';
import { createClient } from 'redis';
import { SharedLoginThrottle } from '../../server/agents/login-throttle.js';
import { loadConfig } from '../../server/config.js';
import { ConfigError, RateLimitError } from '../../server/errors.js';
import { MemoryCounterStore, RedisCounterStore, rateLimit } from '../../server/http/rate-limit.js';
import { createLogger, silentLogger } from '../../server/logger.js';
import { DEMO_PASSWORD } from '../../server/demo/seed.js';
import { generatePassword } from '../../server/security/password.js';
import { passwordProblems } from '../../server/security/password-policy.js';
import { ENGINES } from '../helpers/engines.js';
import { startWorld, TEST_PASSWORD, type ApiResponse, type TestWorld } from '../helpers/harness.js';

const ALLOWED_ORIGIN = 'https://console.example.com';
const PUBLIC_LIMIT = 5;

for (const engine of ENGINES) {
  describe(`hardening [${engine.name}]`, () => {
    let w: TestWorld;
    before(async () => { w = await startWorld(engine, { app: { corsOrigins: [ALLOWED_ORIGIN], publicRatePerMinute: PUBLIC_LIMIT } }); });
    after(async () => { await w.stop(); });

    // The public limit is low here, so each test speaks from its own client address (X-Forwarded-For
    // is trusted from the loopback proxy) and never runs into another test's count.
    let seq = 0;
    const clientIp = () => `198.51.100.${++seq}`;
    const login = (email: string, password: string, ip = clientIp()) =>
      w.api('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
    /** A fresh agent with a token from a real login. */
    const newAgent = async () => {
      const email = `agent.${randomBytes(4).toString('hex')}@test.memberdesk`;
      const agent = await w.services.agents.create({ name: 'Revocable', email, password: TEST_PASSWORD, departmentIds: [w.deptA] });
      const res = await login(email, TEST_PASSWORD);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return { id: agent.id, email, token: res.body.token as string };
    };
    const me = (token: string) => w.api('GET', '/api/auth/me', { token });

    describe('security headers', () => {
      it('sets them on API answers, API errors and pages', async () => {
        const answers = [
          await w.api('GET', '/api/openapi.json', { headers: { 'x-forwarded-for': clientIp() } }),
          await w.api('GET', '/api/tickets'),
          await w.api('GET', '/api/no-such-route', { token: w.agentA.token }),
          await w.api('GET', '/'),
        ];
        expect(answers.map((r) => r.status)).to.deep.equal([200, 401, 404, 200]);
        for (const r of answers) {
          expect(r.headers.get('x-content-type-options')).to.equal('nosniff');
          expect(r.headers.get('x-frame-options')).to.equal('DENY');
          expect(r.headers.get('referrer-policy')).to.equal('no-referrer');
          expect(r.headers.get('cross-origin-opener-policy')).to.equal('same-origin');
          expect(r.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
          expect(r.headers.get('strict-transport-security'), 'no HSTS over plain http').to.equal(null);
          expect(r.headers.has('x-powered-by')).to.equal(false);
        }
        expect(answers[0]!.headers.get('content-security-policy')).to.include("default-src 'none'");
        const page = answers[3]!;
        expect(page.headers.get('content-type')).to.match(/^text\/html/);
        expect(page.headers.get('content-security-policy')).to.include("default-src 'self'").and.include("style-src 'self' 'unsafe-inline'");
        expect(page.headers.get('content-security-policy')).not.to.match(/script-src[^;]*unsafe-inline/);
      });

      it('adds Strict-Transport-Security only over HTTPS (here: from the trusted proxy)', async () => {
        const https = await w.api('GET', '/api/auth/me', { token: w.agentA.token, headers: { 'x-forwarded-proto': 'https' } });
        expect(https.status).to.equal(200);
        expect(https.headers.get('strict-transport-security')).to.match(/^max-age=\d{7,}/);
        expect((await w.api('GET', '/', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).to.match(/^max-age=/);
      });
    });

    describe('CORS', () => {
      it('lets an allowed origin call the API and answers its preflight with 204', async () => {
        const preflight = await w.api('OPTIONS', '/api/tickets', {
          headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
        });
        expect(preflight.status).to.equal(204);
        expect(preflight.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
        expect(preflight.headers.get('access-control-allow-methods')).to.include('POST').and.include('PATCH');
        const allowHeaders = preflight.headers.get('access-control-allow-headers')!.toLowerCase();
        expect(allowHeaders).to.include('authorization').and.include('content-type').and.include('idempotency-key');
        expect(preflight.headers.get('vary')).to.match(/origin/i);
        expect(preflight.headers.get('access-control-allow-credentials')).to.equal(null);

        const call = await w.api('GET', '/api/auth/me', { token: w.agentA.token, headers: { origin: ALLOWED_ORIGIN } });
        expect(call.status).to.equal(200);
        expect(call.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
        expect(call.headers.get('vary')).to.match(/origin/i);
      });

      it('gives any other origin no CORS headers, and its preflight 403 CORS_ORIGIN_NOT_ALLOWED', async () => {
        for (const origin of ['https://evil.example', 'https://console.example.com.evil.example', 'http://console.example.com', 'null']) {
          const preflight = await w.api('OPTIONS', '/api/tickets', { headers: { origin, 'access-control-request-method': 'GET' } });
          expect(preflight.status, origin).to.equal(403);
          expect(preflight.body.error.code).to.equal('CORS_ORIGIN_NOT_ALLOWED');
          expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
          const call = await w.api('GET', '/api/auth/me', { token: w.agentA.token, headers: { origin } });
          expect(call.headers.get('access-control-allow-origin'), origin).to.equal(null);
        }
      });

      it('leaves requests without Origin alone', async () => {
        const res = await w.api('GET', '/api/auth/me', { token: w.agentA.token });
        expect(res.status).to.equal(200);
        expect(res.headers.get('access-control-allow-origin')).to.equal(null);
      });

      it('reads the allow-list from MEMBERDESK_CORS_ORIGINS, none by default', () => {
        expect(loadConfig({}).corsOrigins).to.deep.equal([]);
        expect(loadConfig({ MEMBERDESK_CORS_ORIGINS: 'https://A.example.com, http://localhost:5173' }).corsOrigins)
          .to.deep.equal(['https://a.example.com', 'http://localhost:5173']);
        expect(() => loadConfig({ MEMBERDESK_CORS_ORIGINS: 'https://a.example.com/' })).to.throw(ConfigError, /MEMBERDESK_CORS_ORIGINS/);
        expect(() => loadConfig({ MEMBERDESK_CORS_ORIGINS: '*' })).to.throw(ConfigError, /MEMBERDESK_CORS_ORIGINS/);
      });
    });

    describe('token revocation', () => {
      it('logout revokes every token of the agent; a new login works', async () => {
        const a = await newAgent();
        const second = (await login(a.email, TEST_PASSWORD)).body.token as string;
        expect((await me(a.token)).status).to.equal(200);
        const out = await w.api('POST', '/api/auth/logout', { token: a.token });
        expect(out.status).to.equal(204);
        for (const token of [a.token, second]) {
          const res = await me(token);
          expect(res.status).to.equal(401);
          expect(res.body.error.code).to.equal('INVALID_TOKEN');
        }
        expect((await w.api('POST', '/api/auth/logout', { token: a.token })).status).to.equal(401);
        const again = await login(a.email, TEST_PASSWORD);
        expect(again.status).to.equal(200);
        expect((await me(again.body.token)).body.id).to.equal(a.id);
      });

      it('lets an admin revoke the tokens of another agent, and only an admin', async () => {
        const a = await newAgent();
        expect((await w.api('POST', `/api/agents/${a.id}/revoke-tokens`, { token: w.supervisorA.token })).status).to.equal(403);
        expect((await me(a.token)).status).to.equal(200);
        const revoked = await w.api('POST', `/api/agents/${a.id}/revoke-tokens`, { token: w.admin.token });
        expect(revoked.status).to.equal(204);
        expect((await me(a.token)).status).to.equal(401);
        expect((await me(w.admin.token)).status).to.equal(200);
        expect((await w.api('POST', '/api/agents/999999/revoke-tokens', { token: w.admin.token })).status).to.equal(404);
        expect((await login(a.email, TEST_PASSWORD)).status).to.equal(200);
      });

      it('revokes the tokens when the password changes', async () => {
        const a = await newAgent();
        const renamed = await w.api('PATCH', `/api/agents/${a.id}`, { token: w.admin.token, body: { name: 'Renamed' } });
        expect(renamed.status).to.equal(200);
        expect((await me(a.token)).status, 'other changes keep the tokens').to.equal(200);
        const changed = await w.api('PATCH', `/api/agents/${a.id}`, { token: w.admin.token, body: { password: 'Another-passphrase-7' } });
        expect(changed.status).to.equal(200);
        expect((await me(a.token)).status).to.equal(401);
        expect((await login(a.email, TEST_PASSWORD)).status).to.equal(401);
        expect((await login(a.email, 'Another-passphrase-7')).status).to.equal(200);
      });

      it('refuses tokens without a version (issued before revocation existed)', async () => {
        // Signed with the right key but carrying only sub/iat/exp: what the previous release issued.
        const body = Buffer.from(JSON.stringify({ sub: w.agentA.agentId, iat: 0, exp: 9e9 })).toString('base64url');
        const res = await me(`v1.${body}.${createHmac('sha256', w.services.vault.tokenKey).update(body).digest('base64url')}`);
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('INVALID_TOKEN');
      });
    });

    describe('password policy', () => {
      it('refuses weak passwords on create and change with 400 WEAK_PASSWORD saying what is missing', async () => {
        const create = (email: string, password: string) => w.api('POST', '/api/agents', { token: w.admin.token, body: { name: 'Weak', email, password } });
        const cases: [string, string, RegExp][] = [
          ['short@test.memberdesk', 'Sh0rt!', /at least 10 characters/],
          ['oneclass@test.memberdesk', 'abcdefghijkl', /two kinds of characters/],
          ['common@test.memberdesk', 'Password123', /most common passwords/],
          ['jane.doe-smith@test.memberdesk', 'Jane.Doe-Smith', /email address/],
          ['whole@test.memberdesk', 'whole@test.memberdesk', /email address/],
        ];
        for (const [email, password, why] of cases) {
          const res = await create(email, password);
          expect(res.status, password).to.equal(400);
          expect(res.body.error.code, password).to.equal('WEAK_PASSWORD');
          expect(res.body.error.message, password).to.match(why);
          expect(res.body.error.details[0]).to.include({ field: 'password' });
        }
        const emails: string[] = (await w.api('GET', '/api/agents', { token: w.admin.token })).body.items.map((a: { email: string }) => a.email);
        expect(cases.map(([email]) => email).filter((e) => emails.includes(e))).to.deep.equal([]);
        expect((await create('strong@test.memberdesk', 'a sentence of lower case words')).status).to.equal(201);

        const a = await newAgent();
        const change = await w.api('PATCH', `/api/agents/${a.id}`, { token: w.admin.token, body: { password: 'qwertyuiop' } });
        expect(change.body.error.code).to.equal('WEAK_PASSWORD');
        expect((await me(a.token)).status, 'a refused change revokes nothing').to.equal(200);
      });

      it('is not applied at login', async () => {
        const res = await login('agent.a@test.memberdesk', 'x');
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('INVALID_CREDENTIALS');
      });

      it('accepts the passwords of the tests, the demo and the generated first admin', () => {
        for (const p of [TEST_PASSWORD, DEMO_PASSWORD, 'a-long-password', 'crash-test-password', 'long-enough']) {
          expect(passwordProblems(p, 'someone@test.memberdesk'), p).to.deep.equal([]);
        }
        for (let i = 0; i < 200; i++) expect(passwordProblems(generatePassword(), 'admin@memberdesk.local')).to.deep.equal([]);
      });
    });

    describe('public rate limit', () => {
      it('answers 429 RATE_LIMITED with Retry-After once a client address goes over the limit', async () => {
        const ip = clientIp();
        const statuses: number[] = [];
        let limited: ApiResponse | null = null;
        // Windows are fixed minutes: a run crossing a minute boundary gets up to twice the limit before the 429.
        while (!limited && statuses.length <= 2 * PUBLIC_LIMIT) {
          const res = await w.api('GET', '/api/openapi.json', { headers: { 'x-forwarded-for': ip } });
          statuses.push(res.status);
          if (res.status === 429) limited = res;
        }
        expect(limited, statuses.join()).not.to.equal(null);
        const allowed = statuses.slice(0, -1);
        expect(allowed.every((s) => s === 200)).to.equal(true);
        expect(allowed.length).to.be.at.least(PUBLIC_LIMIT).and.at.most(2 * PUBLIC_LIMIT);
        expect(limited!.body.error.code).to.equal('RATE_LIMITED');
        const retryAfter = Number(limited!.headers.get('retry-after'));
        expect(retryAfter).to.be.within(1, 60);

        // Login is public too; the same client is limited there, others are not.
        expect((await login('agent.a@test.memberdesk', TEST_PASSWORD, ip)).status).to.equal(429);
        expect((await login('agent.a@test.memberdesk', TEST_PASSWORD)).status).to.equal(200);
        expect((await w.api('GET', '/api/openapi.json', { headers: { 'x-forwarded-for': clientIp() } })).status).to.equal(200);
      });

      it('does not count signed-in routes or /healthz', async () => {
        const ip = clientIp();
        for (let i = 0; i < PUBLIC_LIMIT * 2 + 1; i++) {
          expect((await w.api('GET', '/api/auth/me', { token: w.agentA.token, headers: { 'x-forwarded-for': ip } })).status).to.equal(200);
          expect((await w.api('GET', '/healthz', { headers: { 'x-forwarded-for': ip } })).status).to.equal(200);
        }
      });
    });

    describe('request size limits', () => {
      it('answers 413 BODY_TOO_LARGE for a JSON body over 2 MB', async () => {
        const big = { direction: 'inbound', phone: '13800138000', summary: 'x'.repeat(3 * 1024 * 1024), durationSeconds: 1 };
        const res = await w.api('POST', '/api/calls', { token: w.agentA.token, body: big });
        expect(res.status).to.equal(413);
        expect(res.body.error.code).to.equal('BODY_TOO_LARGE');
      });

      it('takes only small bodies on public routes', async () => {
        const res = await w.api('POST', '/api/auth/login', { body: { email: 'agent.a@test.memberdesk', password: 'x'.repeat(32 * 1024) }, headers: { 'x-forwarded-for': clientIp() } });
        expect(res.status).to.equal(413);
        expect(res.body.error.code).to.equal('BODY_TOO_LARGE');
      });
    });
  });
}

describe('rate counters', () => {
  it('counts per fixed window in memory, and blocks until a reset', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const store = new MemoryCounterStore({ now: () => now });
    expect([await store.hit('k', 60_000), await store.hit('k', 60_000), await store.hit('other', 60_000)]).to.deep.equal([1, 2, 1]);
    now = new Date('2030-01-01T00:00:59.999Z');
    expect(await store.hit('k', 60_000)).to.equal(3);
    now = new Date('2030-01-01T00:01:00Z');
    expect(await store.hit('k', 60_000)).to.equal(1);
    await store.block('k', 30_000);
    expect(await store.blockedMs('k')).to.equal(30_000);
    await store.reset('k', 60_000);
    expect(await store.blockedMs('k')).to.equal(0);
    expect(await store.hit('k', 60_000)).to.equal(1);
  });

  it('reads the public limit and Redis from the environment', () => {
    expect(loadConfig({})).to.include({ publicRatePerMinute: 120, redisUrl: null });
    expect(loadConfig({ MEMBERDESK_PUBLIC_RATE_PER_MINUTE: '30', REDIS_URL: 'redis://cache:6379/2' })).to.include({ publicRatePerMinute: 30, redisUrl: 'redis://cache:6379/2' });
    expect(() => loadConfig({ MEMBERDESK_PUBLIC_RATE_PER_MINUTE: '0', REDIS_URL: 'http://cache' })).to.throw(ConfigError, /MEMBERDESK_PUBLIC_RATE_PER_MINUTE[\s\S]*REDIS_URL/);
  });

  it('keeps counting in this process when Redis is unreachable, with a warning', async () => {
    const lines: string[] = [];
    const store = new RedisCounterStore('redis://127.0.0.1:1', createLogger('warn', (l) => lines.push(l)), { timeoutMs: 200 });
    try {
      expect([await store.hit('k', 60_000), await store.hit('k', 60_000)]).to.deep.equal([1, 2]);
      await store.block('k', 5_000);
      expect(await store.blockedMs('k')).to.be.within(1, 5_000);
      expect(lines.join('\n')).to.match(/redis counters unavailable/).and.not.match(/redis:\/\//);
    } finally {
      await store.close();
    }
  });
});

/** Redis for the shared-counter tests: REDIS_URL / 127.0.0.1:6379; like MySQL, required under CI=true. */
const redisUrl = await (async () => {
  const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const probe = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    await probe.close();
    return url;
  } catch (err) {
    if (process.env.CI === 'true' || process.env.TEST_REDIS_URL) throw new Error(`Redis is required for this run but ${url} does not answer: ${(err as Error).message}`);
    process.stderr.write(`note: Redis at ${url} not reachable; skipping the shared-counter tests\n`);
    return null;
  }
})();

if (redisUrl) {
  describe('rate counters shared through Redis', () => {
    const prefix = `md_test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const clock = { now: () => new Date('2030-01-01T00:00:30Z') };
    const stores: RedisCounterStore[] = [];
    const store = () => { const s = new RedisCounterStore(redisUrl, silentLogger, { prefix, clock }); stores.push(s); return s; };
    after(async () => {
      const admin = createClient({ url: redisUrl });
      await admin.connect();
      const keys: string[] = [];
      for await (const batch of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
      if (keys.length) await admin.del(keys);
      await admin.close();
      await Promise.all(stores.map((s) => s.close()));
    });

    /** Runs one request through a limiter; resolves with what it passed to next(). */
    const through = (limiter: RequestHandler, ip: string) =>
      new Promise<unknown>((resolve) => { void limiter({ ip } as Request, {} as Response, (err?: unknown) => resolve(err ?? null)); });

    it('shares one count between two limiter instances (two processes)', async () => {
      const make = () => rateLimit({ counter: store(), limit: 3, windowMs: 60_000, key: (req) => `public:ip:${req.ip}`, clock });
      const [one, two] = [make(), make()];
      const results = [await through(one, '203.0.113.1'), await through(two, '203.0.113.1'), await through(one, '203.0.113.1'), await through(two, '203.0.113.1')];
      expect(results.slice(0, 3)).to.deep.equal([null, null, null]);
      expect(results[3]).to.be.instanceOf(RateLimitError);
      expect((results[3] as RateLimitError).retryAfterSeconds).to.equal(30);
      expect(await through(one, '203.0.113.2')).to.equal(null);
    });

    it('shares the login throttle between processes', async () => {
      const [a, b] = [new SharedLoginThrottle(store(), 'email', 5), new SharedLoginThrottle(store(), 'email', 5)];
      for (let i = 0; i < 4; i++) await (i % 2 ? a : b).fail(['someone@example.com']);
      expect(await b.retryAfter(['someone@example.com'])).to.equal(0);
      await a.fail(['someone@example.com']);
      expect(await b.retryAfter(['someone@example.com'])).to.equal(30);
      await a.fail(['someone@example.com']);
      expect(await b.retryAfter(['someone@example.com'])).to.equal(60);
      expect(await b.retryAfter(['someone.else@example.com'])).to.equal(0);
      await b.succeed(['someone@example.com']);
      expect(await a.retryAfter(['someone@example.com'])).to.equal(0);
    });

    it('makes two servers given the same Redis share the public limit and the login throttle', async () => {
      const [one, two] = [
        await startWorld(ENGINES[0]!, { app: { counters: store(), publicRatePerMinute: 8 } }),
        await startWorld(ENGINES[0]!, { app: { counters: store(), publicRatePerMinute: 8 } }),
      ];
      try {
        const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
        const failures: number[] = [];
        for (let i = 0; i < 5; i++) {
          failures.push((await (i % 2 ? one : two).api('POST', '/api/auth/login', { body: { email: 'agent.b@test.memberdesk', password: 'wrong-password' }, ...from('203.0.113.10') })).status);
        }
        expect(failures).to.deep.equal([401, 401, 401, 401, 401]);
        const throttled = await one.api('POST', '/api/auth/login', { body: { email: 'agent.b@test.memberdesk', password: TEST_PASSWORD }, ...from('203.0.113.11') });
        expect(throttled.status).to.equal(429);
        expect(Number(throttled.headers.get('retry-after'))).to.equal(30);

        const statuses: number[] = [];
        for (let i = 0; i < 9; i++) statuses.push((await (i % 2 ? one : two).api('GET', '/api/openapi.json', from('203.0.113.12'))).status);
        expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 429]);
      } finally {
        await one.stop();
        await two.stop();
      }
    });
  });
}
