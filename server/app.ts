import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { defineRoute } from './http/api.js';
import { bearerAuth } from './http/auth.js';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.js';
import { openApiDocument } from './http/openapi.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { callRoutes } from './http/routes/call.routes.js';
import { memberRoutes } from './http/routes/member.routes.js';
import { staffRoutes } from './http/routes/staff.routes.js';
import { ticketRoutes } from './http/routes/ticket.routes.js';
import type { Services } from './services.js';

export const VERSION = '0.1.0';
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web');

/** The HTTP app without listen(), so tests mount it on port 0. */
export function createApp(s: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', async (_req, res) => {
    const started = Date.now();
    try {
      await s.db.read((m) => m.query('SELECT 1'));
      res.json({ status: 'ok', version: VERSION, db: { engine: s.db.engine, ok: true, latencyMs: Date.now() - started } });
    } catch (err) {
      res.status(503).json({ status: 'degraded', version: VERSION, db: { engine: s.db.engine, ok: false, error: String((err as Error).message) } });
    }
  });

  const api = express.Router();
  api.use(express.json({ limit: '2mb' }));
  const auth = bearerAuth(s);
  authRoutes(api, auth, s);
  ticketRoutes(api, auth, s);
  callRoutes(api, auth, s);
  memberRoutes(api, auth, s);
  staffRoutes(api, auth, s);
  defineRoute(api, auth, { method: 'get', path: '/openapi.json', tag: 'meta', public: true, summary: 'This document.' },
    () => openApiDocument(VERSION));
  api.use(notFoundHandler);
  app.use('/api', api);

  app.use(express.static(webDir, { index: 'index.html' }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(s.log));
  return app;
}
