import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// Run from the repository root (`npm run build:web`); everything is relative to this folder.
const root = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(root, 'dist');

/**
 * web/dist is shared with the chat widget's build (widget.js, widget-demo.html), so it is not emptied:
 * only this build's previous output goes (the console's and the survey page's files), or hashed
 * bundles would pile up build after build.
 */
const OWN_PREFIXES = ['console-', 'survey-'];
const OWN_PAGES = ['index.html', 'survey.html'];

function removePreviousBuild(): Plugin {
  return {
    name: 'memberdesk-console-clean',
    apply: 'build',
    async buildStart() {
      const assets = path.join(outDir, 'assets');
      const old = await readdir(assets).catch(() => [] as string[]);
      await Promise.all([
        ...old.filter((f) => OWN_PREFIXES.some((p) => f.startsWith(p))).map((f) => rm(path.join(assets, f), { force: true })),
        ...OWN_PAGES.map((f) => rm(path.join(outDir, f), { force: true })),
      ]);
    },
  };
}

/** The dev server answers /survey/<token> with the survey page, as the real server does. */
function surveyDevRoute(): Plugin {
  return {
    name: 'memberdesk-survey-dev-route',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url && /^\/survey\/[^/?#]+/.test(req.url)) req.url = '/survey.html';
        next();
      });
    },
  };
}

/** The survey page's own files are named survey-*, the console's (and what both share) console-*. */
const isSurveyAsset = (a: { originalFileNames: readonly string[] }) =>
  a.originalFileNames.some((f) => /(^|[\\/])survey\.html$|[\\/]src[\\/]survey[\\/]/.test(f));

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  plugins: [removePreviousBuild(), surveyDevRoute()],
  // Vite 8's own oxc transform compiles JSX: no React plugin needed (no fast refresh, which a build does not use).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The agent console, and the member survey page (served for GET /survey/<token>).
      input: { index: path.join(root, 'index.html'), survey: path.join(root, 'survey.html') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'survey' ? 'assets/survey-[hash].js' : 'assets/console-[hash].js'),
        chunkFileNames: 'assets/console-[name]-[hash].js',
        assetFileNames: (asset) => (isSurveyAsset(asset) ? 'assets/survey-[hash][extname]' : 'assets/console-[hash][extname]'),
      },
    },
  },
  // `npx vite --config web/vite.config.ts` against a server on :3000 during development.
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
