import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Where `pnpm --filter @payments-mlops/registry-ui build` writes the UI (from src/ and from dist/ alike). */
export const DEFAULT_UI_ASSETS_DIR = fileURLToPath(
  new URL('../../ui/dist/public/', import.meta.url),
);

/**
 * The UI's client-side routes: each answers index.html and the app routes in the browser. Listed
 * one by one rather than caught by a wildcard, so that nothing else (/api, /ajax-api, /docs,
 * /metrics, /healthz, /readyz, and their own 404 answers) is ever shadowed.
 */
export const UI_ROUTES = [
  '/',
  '/experiments',
  '/experiments/*',
  '/runs/*',
  '/compare',
  '/models',
  '/models/*',
] as const;

/** Built files with a content hash in their name never change: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: always revalidate it (cheap with its ETag). */
const REVALIDATE = 'no-cache';

// Artifact previews show user data: scripts only from this origin, images also from blob: URLs.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // uPlot positions its legend and cursor with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  type: string;
  etag: string;
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Reads the built UI into memory (a few hundred kilobytes), once, with the `.br` and `.gz` forms
 * the build wrote beside each file (vite.config.ts): nothing is compressed while serving. Until
 * the build exists every request looks again, so building while the server runs needs no restart.
 */
export class UiAssetBundle {
  private assets: Map<string, Asset> | undefined;

  constructor(readonly directory: string) {}

  async get(): Promise<ReadonlyMap<string, Asset> | undefined> {
    this.assets ??= await this.load();
    return this.assets;
  }

  private async load(): Promise<Map<string, Asset> | undefined> {
    let files: string[];
    try {
      files = await filesUnder(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const present = new Set(files);
    const assets = new Map<string, Asset>();
    for (const file of files) {
      if (file.endsWith('.br') || file.endsWith('.gz')) continue;
      const urlPath = `/${path.relative(this.directory, file).split(path.sep).join('/')}`;
      const body = await readFile(file);
      const asset: Asset = {
        type: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        body,
      };
      if (present.has(`${file}.br`)) asset.br = await readFile(`${file}.br`);
      if (present.has(`${file}.gz`)) asset.gzip = await readFile(`${file}.gz`);
      assets.set(urlPath, asset);
    }
    return assets.has('/index.html') ? assets : undefined;
  }
}

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header
    .split(',')
    .some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

function sendAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: Asset,
  cacheControl: string,
): FastifyReply {
  void reply
    .header('cache-control', cacheControl)
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  if (notModified(request, asset.etag)) return reply.code(304).send();
  void reply.type(asset.type);
  const accepted = request.headers['accept-encoding'] ?? '';
  if (asset.br && /\bbr\b/.test(accepted))
    return reply.header('content-encoding', 'br').send(asset.br);
  if (asset.gzip && /\bgzip\b/.test(accepted))
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Registry UI unavailable</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The registry UI has not been built</h1>
<p>This registry-server has no built web UI to serve. Build it with
<code>pnpm --filter @payments-mlops/registry-ui build</code>; the server picks it up without a restart.</p>
<p>The API is available: <a href="/docs">/docs</a>.</p>
</body></html>
`;

export interface UiAssetsOptions {
  /** The Vite build output; DEFAULT_UI_ASSETS_DIR unless given. */
  assetsDir?: string;
}

/** Serves the built single-page app: hashed assets, and index.html for every client-side route. */
export const uiAssets: FastifyPluginAsync<UiAssetsOptions> = (app, options) => {
  const bundle = new UiAssetBundle(options.assetsDir ?? DEFAULT_UI_ASSETS_DIR);

  const serve =
    (cacheControl: string, pathOf: (request: FastifyRequest) => string) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const assets = await bundle.get();
      if (assets === undefined) {
        request.log.warn({ directory: bundle.directory }, 'registry UI requested but not built');
        return reply
          .code(503)
          .header('cache-control', 'no-store')
          .header('retry-after', '30')
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT_PAGE);
      }
      const asset = assets.get(pathOf(request));
      if (asset === undefined)
        return reply
          .code(404)
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('Not found');
      if (asset.type.startsWith('text/html')) {
        void reply
          .header('content-security-policy', CONTENT_SECURITY_POLICY)
          .header('referrer-policy', 'same-origin');
      }
      return sendAsset(request, reply, asset, cacheControl);
    };

  const indexHtml = serve(REVALIDATE, () => '/index.html');
  for (const url of UI_ROUTES) app.get(url, { schema: { hide: true } }, indexHtml);
  app.get(
    '/assets/*',
    { schema: { hide: true } },
    serve(IMMUTABLE, (request) => `/assets/${(request.params as { '*': string })['*']}`),
  );
  return Promise.resolve();
};
