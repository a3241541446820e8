import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ReadinessCheck } from './health.js';
import { LATENCY_BUCKETS_SECONDS, createMetrics } from './metrics.js';
import { createPgPool, pgReadiness } from './postgres.js';
import { buildTestApp, type TestApp } from './test-app.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function tracked(testApp: TestApp): TestApp {
  cleanups.push(() => testApp.app.close());
  return testApp;
}

const ScoreRequest = z
  .object({ payment_id: z.string().describe('The payment to score.') })
  .meta({ id: 'TestScoreRequest' });
const ScoreResponse = z.object({ score: z.number().min(0).max(1) });

const scoringApp = (readiness: ReadinessCheck[] = []) =>
  tracked(
    buildTestApp(
      (app) => {
        app.post(
          '/fraud/score',
          { schema: { body: ScoreRequest, response: { 200: ScoreResponse } } },
          () => ({ score: 0.12 }),
        );
        app.get(
          '/models/:name/versions/:version',
          { schema: { params: z.object({ name: z.string(), version: z.string() }) } },
          (request) => ({
            name: request.params.name,
          }),
        );
      },
      {
        readiness,
        openapi: { title: 'Fraud scoring', version: '1.2.3', description: 'Scores payments.' },
      },
    ),
  );

const failing = (name: string, message: string): ReadinessCheck => ({
  name,
  check: () => Promise.reject(new Error(message)),
});
const passing = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

/** A port on 127.0.0.1 with nothing listening: bound once to get a free number, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('/healthz', () => {
  it('answers ok without checking dependencies', async () => {
    const { app } = scoringApp([failing('postgres', 'down')]);
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('/readyz', () => {
  it('is ready with every check ok', async () => {
    const { app } = scoringApp([passing('postgres'), passing('redis')]);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('is not ready when one check fails, and names its error', async () => {
    const { app } = scoringApp([passing('postgres'), failing('model', 'fraud model not loaded')]);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not_ready',
      checks: { postgres: 'ok', model: 'fraud model not loaded' },
    });
  });

  it('fails a check that hangs past its timeout, running checks in parallel', async () => {
    const hanging: ReadinessCheck = {
      name: 'kafka',
      timeoutMs: 100,
      check: () => new Promise(() => {}),
    };
    const slow: ReadinessCheck = {
      name: 'redis',
      timeoutMs: 1000,
      check: () => new Promise((resolve) => setTimeout(resolve, 80)),
    };
    const { app } = scoringApp([hanging, slow]);
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(performance.now() - started).toBeLessThan(900);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not_ready',
      checks: { kafka: 'timed out after 100 ms', redis: 'ok' },
    });
  });

  it('is not ready when Postgres is not there (a pool pointed at a closed port)', async () => {
    const port = await closedPort();
    const pool = createPgPool(`postgres://postgres@127.0.0.1:${port}/payments`, {
      applicationName: 'service-kit-test',
      max: 1,
    });
    cleanups.push(() => pool.end());
    const { app } = scoringApp([pgReadiness(pool)]);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    const body = response.json<{ status: string; checks: Record<string, string> }>();
    expect(body.status).toBe('not_ready');
    expect(body.checks.postgres).toMatch(/ECONNREFUSED/);
  });
});

describe('/metrics', () => {
  it('exposes the request histogram with sub-millisecond buckets, labelled by route pattern', async () => {
    const { app, metrics } = scoringApp();
    await app.inject({ method: 'GET', url: '/models/fraud/versions/7' });
    await app.inject({ method: 'POST', url: '/fraud/score', payload: { payment_id: 'p_1' } });
    await app.inject({ method: 'POST', url: '/fraud/score', payload: {} });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(metrics.registry.contentType);
    const text = response.body;
    expect(text).toContain('# TYPE test_service_http_request_duration_seconds histogram');
    expect(text).toContain(
      'test_service_http_request_duration_seconds_bucket{le="0.0001",method="GET",route="/models/:name/versions/:version",status_code="200"}',
    );
    expect(text).toMatch(
      /test_service_http_request_duration_seconds_count\{method="POST",route="\/fraud\/score",status_code="200"\} 1\n/,
    );
    expect(text).toMatch(
      /test_service_http_request_duration_seconds_count\{method="POST",route="\/fraud\/score",status_code="400"\} 1\n/,
    );
    expect(text).not.toContain('/models/fraud/versions/7');
  });

  it('answers a known path asked with another method with 405 and Allow, an unknown path with 404', async () => {
    const { app } = scoringApp();
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/fraud/score' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', message: 'DELETE is not allowed on /fraud/score; it answers POST' });
    // Parameters match as fastify matches them; fastify answers HEAD wherever it answers GET.
    const put = await app.inject({ method: 'PUT', url: '/models/fraud/versions/7?x=1' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    // A method that carries a body, sent without its content type: still 405, not the parser's 400.
    const query = await app.inject({ method: 'QUERY' as 'POST', url: '/fraud/score' });
    expect(query.statusCode).toBe(405);
    expect(query.headers.allow).toBe('POST');
    const unknown = await app.inject({ method: 'DELETE', url: '/fraud/scores' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('checks a long path parameter with the route schema, not the router\'s bare 414', async () => {
    const { app } = scoringApp();
    const long = await app.inject({ method: 'GET', url: `/models/${'m'.repeat(300)}/versions/7` });
    expect(long.statusCode).toBe(200);
    expect(long.json()).toEqual({ name: 'm'.repeat(300) });
  });

  it('labels unknown paths as one bounded value, never the raw URL', async () => {
    const { app } = scoringApp();
    await app.inject({ method: 'GET', url: '/scan/a1' });
    await app.inject({ method: 'GET', url: '/scan/b2' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/_count\{method="GET",route="unmatched",status_code="404"\} 2\n/);
    expect(text).not.toContain('/scan/');
  });

  it('registers process metrics with the service prefix on its own registry', async () => {
    const metrics = createMetrics('feature-server');
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain('feature_server_http_request_duration_seconds');
    expect(names).toContain('feature_server_process_cpu_user_seconds_total');
    expect(names).toContain('feature_server_nodejs_eventloop_lag_seconds');
    // A second registry in the same process does not collide with the first.
    expect(() => createMetrics('feature-server', { defaultMetrics: false })).not.toThrow();
  });

  it('starts the latency buckets at 100 µs', () => {
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.0001);
    expect(LATENCY_BUCKETS_SECONDS.filter((bucket) => bucket < 0.001)).toHaveLength(3);
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(2.5);
  });
});

describe('/docs', () => {
  it('serves the OpenAPI document generated from the zod route schemas', async () => {
    const { app } = scoringApp();
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{
      openapi: string;
      info: unknown;
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>
      >;
      components?: { schemas?: Record<string, unknown> };
    }>();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({
      title: 'Fraud scoring',
      version: '1.2.3',
      description: 'Scores payments.',
    });
    expect(Object.keys(document.paths).sort()).toEqual([
      '/fraud/score',
      '/models/{name}/versions/{version}',
    ]);
    expect(JSON.stringify(document.paths['/fraud/score']?.post?.requestBody)).toContain(
      '#/components/schemas/TestScoreRequest',
    );
    expect(document.components?.schemas?.TestScoreRequest).toMatchObject({
      properties: { payment_id: { type: 'string', description: 'The payment to score.' } },
    });
  });

  it('lists only the named schemas its routes use, and survives ids that clash as X and XInput', async () => {
    const Dataset = z.object({ name: z.string() }).meta({ id: 'TestDataset' });
    const DatasetInput = z
      .object({ dataset: Dataset, context: z.string() })
      .meta({ id: 'TestDatasetInput' });
    const { app } = tracked(
      buildTestApp((app) => {
        app.post(
          '/datasets',
          { schema: { body: DatasetInput, response: { 200: Dataset } } },
          () => ({ name: 'd' }),
        );
      }),
    );
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const components = Object.keys(
      response.json<{ components: { schemas: object } }>().components.schemas,
    ).sort();
    expect(components).toEqual([
      'TestDataset',
      'TestDatasetInput',
      'TestDatasetInputSchema',
      'TestDatasetInputSchemaInput',
    ]);
  });

  it('serves Swagger UI with its assets from the app itself', async () => {
    const { app } = scoringApp();
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(?:cdn|unpkg|cdnjs)/);
    const script = /src="\.\/(static\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await app.inject({ method: 'GET', url: `/docs/${script}` });
    expect(asset.statusCode).toBe(200);
    expect(asset.body.length).toBeGreaterThan(1000);
  });

  it('refuses to start when a route was declared where the OpenAPI document cannot see it', async () => {
    const { app } = buildTestApp();
    app.get('/too-early', () => 'x');
    await expect(app.ready()).rejects.toThrow(/missing from \/docs: GET \/too-early/);
  });
});
