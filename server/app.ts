import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { defineRoute, routeSpecs } from './http/api.js';
import { bearerAuth } from './http/auth.js';
import { cors } from './http/cors.js';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.js';
import { openApiDocument } from './http/openapi.js';
import { MemoryCounterStore, rateLimit, type CounterStore } from './http/rate-limit.js';
import { auditRoutes } from './http/routes/audit.routes.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { callRoutes } from './http/routes/call.routes.js';
import { memberRoutes } from './http/routes/member.routes.js';
import { staffRoutes } from './http/routes/staff.routes.js';
import { slaRoutes } from './http/routes/sla.routes.js';
import { triageRoutes } from './http/routes/triage.routes.js';
import { emailRoutes } from './http/routes/email.routes.js';
import { wechatOfficialRoutes } from './http/routes/wechat.routes.js';
import { ticketRoutes } from './http/routes/ticket.routes.js';
import { reportRoutes } from './http/routes/report.routes.js';
import { securityHeaders } from './http/security-headers.js';
import { slaAckPage } from './http/sla-ack.page.js';
import { createSlackInteractions } from './notify/slack/slack-interactions.js';
import type { Services } from './services.js';
import { widgetRoutes } from '../channels/webchat/widget.routes.js';
import { surveyRoutes } from './http/routes/survey.routes.js';
import { suggestionRoutes } from './http/routes/suggestion.routes.js';
import { wechatBotRoutes } from './http/routes/wechat-bot.routes.js';
import type { WechatBot } from '../channels/wechat/bot/wechat-bot.js';

export const VERSION = '0.1.0';
// The console's build output (`npm run build:web`, also run by postinstall); hash routes need no fallback.
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface AppOptions {
  /** Exact origins browsers may call /api from (MEMBERDESK_CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
  /** Requests per minute and client IP to each public (token-less) endpoint; 120 by default. */
  publicRatePerMinute?: number;
  /**
   * Counters for the public rate limit and (when given) the login throttle, e.g. Redis shared by every
   * process (createCounterStore(config.redisUrl, log)); the caller closes them. Default: this app's memory.
   */
  counters?: CounterStore;
  /** Slack interactivity (Acknowledge / Take over buttons) at POST /slack/events; off when absent. */
  slack?: { signingSecret: string; token: string; apiUrl?: string };
  /** The WeChat personal-account bot (WECHATY_PUPPET), for its state and logout routes; absent: not configured. */
  wechatBot?: WechatBot | null;
  /** WeChat's API base (MEMBERDESK_WECHAT_API_URL): the Official Account door's access tokens and customer-service messages. */
  wechatApiUrl?: string;
}

/** Bodies a token-less client may send: a login is tiny. */
const PUBLIC_BODY_LIMIT = '16kb';

/** The HTTP app without listen(), so tests mount it on port 0. */
export function createApp(s: Services, o: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());

  app.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await s.db.read((m) => m.query('SELECT 1'));
      res.json({ status: 'ok', version: VERSION, db: { engine: s.db.engine, ok: true, latencyMs: Date.now() - started } });
    } catch (err) {
      s.log.error('health check failed', { error: String((err as Error).message) });
      res.status(503).json({ status: 'degraded', version: VERSION, db: { engine: s.db.engine, ok: false } });
    }
  });

  // Bolt verifies Slack's signature over the raw body: mounted before any body parser.
  if (o.slack) app.use(createSlackInteractions({ ...o.slack, actions: s.escalations, log: s.log }).router);
  app.use(slaAckPage(s));

  const api = express.Router();
  // Member data must not linger in browser or proxy caches.
  api.use((_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });
  const auth = bearerAuth(s);
  authRoutes(api, auth, s);
  ticketRoutes(api, auth, s);
  callRoutes(api, auth, s);
  memberRoutes(api, auth, s);
  staffRoutes(api, auth, s);
  emailRoutes(api, auth, s);
  wechatOfficialRoutes(api, auth, s, o);
  auditRoutes(api, auth, s);
  slaRoutes(api, auth, s);
  triageRoutes(api, auth, s);
  reportRoutes(api, auth, s);
  wechatBotRoutes(api, auth, s, o.wechatBot ?? null);
  surveyRoutes(api, auth, s);
  suggestionRoutes(api, auth, s);
  defineRoute(api, auth, { method: 'get', path: '/openapi.json', tag: 'meta', public: true, summary: 'This document.' },
    () => openApiDocument(VERSION));
  api.use(notFoundHandler);

  // Every route that needs no token: a per-IP limit, and a small body limit, before anything else runs.
  if (o.counters) s.agents.shareLoginThrottle(o.counters);
  const limitPerIp = rateLimit({
    counter: o.counters ?? new MemoryCounterStore(), limit: o.publicRatePerMinute ?? 120, windowMs: 60_000,
    key: (req) => `public:ip:${req.ip ?? 'unknown'}`,
  });
  const publicRoutes = express.Router();
  for (const spec of routeSpecs.filter((r) => r.public)) {
    publicRoutes[spec.method](spec.path, limitPerIp, express.json({ limit: PUBLIC_BODY_LIMIT }));
  }
  app.use('/api', cors(o.corsOrigins ?? []), publicRoutes, api);

  // The chat widget is embedded on other sites: its script is served with cross-origin headers.
  app.use(widgetRoutes());
  // The member's survey page (a separate bundle): one page for every link; it reads the token from its path.
  app.get('/survey/:token', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.sendFile(path.join(webDir, 'survey.html'), (err) => { if (err) next(); });
  });
  app.use(express.static(webDir, {
    index: 'index.html',
    // Vite names assets by content hash: cache them for good, and always revalidate the page that names them.
    setHeaders: (res, file) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(s.log));
  return app;
}
