import type { RequestHandler } from 'express';
import { ForbiddenError } from '../errors.js';

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';

/**
 * CORS for /api with an allow-list of exact origins (MEMBERDESK_CORS_ORIGINS). A listed origin gets
 * Access-Control-Allow-Origin and its preflights a 204; any other origin gets no CORS headers and its
 * preflights 403 CORS_ORIGIN_NOT_ALLOWED. Requests without Origin (same-origin GETs, curl, servers) pass
 * untouched. No credentials: the API authenticates with bearer tokens, not cookies.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    // The answer depends on Origin whenever some origin is allowed: caches must keep them apart.
    if (allowed.size) res.vary('Origin');
    const origin = req.get('origin');
    if (origin === undefined) return next();
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (!allowed.has(origin)) {
      if (preflight) return next(new ForbiddenError('this origin may not call the API from a browser (see MEMBERDESK_CORS_ORIGINS)', 'CORS_ORIGIN_NOT_ALLOWED'));
      return next();
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (!preflight) return next();
    res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
