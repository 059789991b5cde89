import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, RateLimitError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The one place that turns an error into an HTTP answer: {"error":{"code","message","details"}}. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      if (err instanceof RateLimitError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details ?? null } });
      return;
    }
    // body-parser errors carry a status and a type.
    const e = err as { status?: number; type?: string; message?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'INVALID_JSON', message: 'the body is not valid JSON', details: null } });
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BODY_TOO_LARGE', message: 'the body is larger than this endpoint accepts', details: null } });
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'BAD_REQUEST', message: e.message ?? 'bad request', details: null } });
      return;
    }
    log.error('unhandled error', { method: req.method, path: req.path, error: err instanceof Error ? err.stack : String(err) });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged', details: null } });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${req.method} ${req.path}`, details: null } });
};
