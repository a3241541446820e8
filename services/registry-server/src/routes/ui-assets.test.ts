import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import {
  createLogger,
  createMetrics,
  createServiceApp,
  type ServiceApp,
} from '@payments-mlops/service-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UI_ROUTES, uiAssets } from './ui-assets.js';

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('registry ui '.repeat(300))});`;

let directory: string;
let app: ServiceApp;

async function buildUi(): Promise<void> {
  await mkdir(path.join(directory, 'assets'), { recursive: true });
  await writeFile(path.join(directory, 'index.html'), INDEX_HTML);
  await writeFile(path.join(directory, 'assets', 'index-Ab12Cd.js'), SCRIPT);
  // The build writes compressed forms beside the files (vite.config.ts); the server never compresses.
  await writeFile(path.join(directory, 'assets', 'index-Ab12Cd.js.br'), brotliCompressSync(SCRIPT));
}

beforeEach(async () => {
  directory = path.join(await mkdtemp(path.join(tmpdir(), 'registry-ui-')), 'public');
  app = createServiceApp({
    service: 'registry-server',
    logger: createLogger({ service: 'registry-server', level: 'silent' }),
    metrics: createMetrics('registry-server', { defaultMetrics: false }),
  });
  await app.register(uiAssets, { assetsDir: directory });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await rm(path.dirname(directory), { recursive: true, force: true });
});

describe('uiAssets', () => {
  it('answers every client-side route with index.html, revalidated on each visit and behind a content security policy', async () => {
    await buildUi();
    for (const url of [
      '/',
      '/experiments',
      '/experiments/3',
      '/runs/abc/artifacts',
      '/compare?runs=a,b',
      '/models',
      '/models/fraud/versions/2',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toBe(INDEX_HTML);
    }
    expect(UI_ROUTES).toContain('/runs/*');
  });

  it('serves hashed assets cached for a year, in the compressed form the build wrote when the client takes it, and 304 when the ETag matches', async () => {
    await buildUi();
    const response = await app.inject({
      method: 'GET',
      url: '/assets/index-Ab12Cd.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(SCRIPT);

    const plain = await app.inject({
      method: 'GET',
      url: '/assets/index-Ab12Cd.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    expect(
      (await app.inject({ method: 'GET', url: '/assets/index-Ab12Cd.js.br' })).statusCode,
    ).toBe(404);

    const again = await app.inject({
      method: 'GET',
      url: '/assets/index-Ab12Cd.js',
      headers: { 'if-none-match': String(response.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 404, not index.html, for an asset that does not exist', async () => {
    await buildUi();
    const response = await app.inject({ method: 'GET', url: '/assets/index-Zz99.js' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('answers 503 with a page naming the build command while the UI is not built, and serves it once built, without a restart', async () => {
    const missing = await app.inject({ method: 'GET', url: '/experiments' });
    expect(missing.statusCode).toBe(503);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.body).toContain('pnpm --filter @payments-mlops/registry-ui build');

    await buildUi();
    const built = await app.inject({ method: 'GET', url: '/experiments' });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe(INDEX_HTML);
  });

  it('leaves the service routes and unknown paths alone', async () => {
    await buildUi();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics' })).headers['content-type'],
    ).toContain('text/plain');
    const unknown = await app.inject({ method: 'GET', url: '/experimentsx' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
