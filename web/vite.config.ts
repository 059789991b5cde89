import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// Run from the repository root (`npm run build:web`); everything is relative to this folder.
const root = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(root, 'dist');

/**
 * web/dist is shared with the chat widget's build (widget.js, widget-demo.html), so it is not emptied:
 * only the console's previous output goes, or hashed bundles would pile up build after build.
 */
function removePreviousConsoleBuild(): Plugin {
  return {
    name: 'memberdesk-console-clean',
    apply: 'build',
    async buildStart() {
      const assets = path.join(outDir, 'assets');
      const old = await readdir(assets).catch(() => [] as string[]);
      await Promise.all([
        ...old.filter((f) => f.startsWith('console-')).map((f) => rm(path.join(assets, f), { force: true })),
        rm(path.join(outDir, 'index.html'), { force: true }),
      ]);
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  plugins: [removePreviousConsoleBuild()],
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
      output: {
        entryFileNames: 'assets/console-[hash].js',
        chunkFileNames: 'assets/console-[name]-[hash].js',
        assetFileNames: 'assets/console-[hash][extname]',
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
