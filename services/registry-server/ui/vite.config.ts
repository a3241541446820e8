import { defineConfig } from 'vite';

/**
 * The registry UI's build: a single-page app written to dist/public, which registry-server serves
 * at `/` (src/routes/ui-assets.ts). Every file but index.html lands in assets/ with a content hash
 * in its name, so the server can cache those for a year. `pnpm dev` proxies the API to a
 * registry-server on 127.0.0.1:5000.
 */
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Everything through /assets/, nothing inlined: the CSP allows scripts and styles from 'self' only.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/ajax-api': 'http://127.0.0.1:5000', '/api': 'http://127.0.0.1:5000' },
  },
});
