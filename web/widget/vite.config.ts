import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The demo page goes beside the script, so the static files serve it too (the server also serves it at /widget-demo.html). */
function demoPage(): Plugin {
  return {
    name: 'memberdesk-widget-demo',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'widget-demo.html', source: readFileSync(path.join(here, 'demo.html'), 'utf8') });
    },
  };
}

/**
 * The embeddable chat widget: one self-contained IIFE (socket.io-client bundled) at web/dist/widget.js.
 * Built on its own (`npm run build:widget`), beside the console's build in the same directory.
 */
export default defineConfig({
  root: here,
  publicDir: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  plugins: [demoPage()],
  build: {
    outDir: path.resolve(here, '../dist'),
    emptyOutDir: false,
    copyPublicDir: false,
    target: 'es2019',
    sourcemap: false,
    lib: { entry: path.join(here, 'widget.ts'), name: 'MemberDeskChat', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
