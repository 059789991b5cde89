import type { RequestHandler } from 'express';

/**
 * Our own static pages: everything from this origin only. Styles also inline, because web/index.html
 * carries an inline <style>; scripts never inline.
 */
const PAGE_CSP = [
  "default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "object-src 'none'",
  "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
/** JSON answers load nothing. */
const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers every answer carries; mounted first so errors and 404s get them too. */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    const api = req.path === '/healthz' || req.path === '/api' || req.path.startsWith('/api/');
    res.setHeader('Content-Security-Policy', api ? API_CSP : PAGE_CSP);
    // Only over HTTPS (directly, or from a trusted proxy's X-Forwarded-Proto): browsers ignore it on http anyway.
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
