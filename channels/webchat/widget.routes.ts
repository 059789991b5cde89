import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WidgetRoutesOptions {
  /** Where `npm run build:widget` put widget.js (default web/dist). */
  distDir?: string;
  /** The demo page (default web/widget/demo.html). */
  demoFile?: string;
}

/**
 * GET /widget.js (the embeddable script, docs/webchat.md) and GET /widget-demo.html. The script is
 * loaded by other sites' pages: any origin may fetch it (also with `crossorigin`, and from pages
 * that require Cross-Origin-Resource-Policy). Mount before the static files.
 */
export function widgetRoutes(o: WidgetRoutesOptions = {}): Router {
  const distDir = o.distDir ?? path.join(root, 'web/dist');
  const demoFile = o.demoFile ?? path.join(root, 'web/widget/demo.html');
  const router = express.Router();
  router.get('/widget.js', (_req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    // Short: sites embed the unversioned URL, and a fix must reach them the same day.
    res.sendFile('widget.js', { root: distDir, maxAge: 5 * 60_000, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (err) => {
      if (!err) return;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        res.removeHeader('Cache-Control');
        res.status(404).type('text/plain').send('widget.js is not built: run npm run build:widget');
        return;
      }
      next(err);
    });
  });
  router.get('/widget-demo.html', (_req, res, next) => {
    res.sendFile(demoFile, (err) => { if (err) next(err); });
  });
  return router;
}
