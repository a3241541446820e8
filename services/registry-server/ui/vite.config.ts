import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/**
 * Writes `.br` and `.gz` beside each compressible file of the build, so that registry-server
 * serves compressed assets without compressing anything while it runs.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'registry-ui:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const file = path.join(outDir, fileName);
        const body = await readFile(file);
        if (body.length < 1024) continue;
        await writeFile(
          `${file}.br`,
          await promisify(brotliCompress)(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        await writeFile(`${file}.gz`, await promisify(gzip)(body, { level: 9 }));
      }
    },
  };
}

/**
 * The registry UI's build: a single-page app written to dist/public, which registry-server serves
 * at `/` (src/routes/ui-assets.ts). Every file but index.html lands in assets/ with a content hash
 * in its name, so the server can cache those for a year. `pnpm dev` proxies the API to a
 * registry-server on 127.0.0.1:5000.
 */
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
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
