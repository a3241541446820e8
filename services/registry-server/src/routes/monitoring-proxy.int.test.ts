import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DriftReport, MlflowErrorBody, PerformanceReport } from '@payments-mlops/contracts';
import {
  seedMonitoredVersion,
  startLiveMonitor,
  startLiveRegistry,
  untilLogged,
} from '@payments-mlops/registry-ui/testing';
import { freePort, test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { startTestRegistry } from '../testing/registry-harness.js';

const DAY = 86_400_000;

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** Without computed_at, the one field two computations of the same report differ in. */
const stable = <T extends { computed_at: string }>({ computed_at: _at, ...report }: T) => report;

/** A local HTTP server standing in for a broken model-monitor; stopped by the caller. */
async function brokenMonitor(answer: (respond: (status: number, body: string) => void) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) =>
    answer((status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(body)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('model-monitor behind the registry (/ajax-api/monitoring)', () => {
  test('passes on the drift and performance reports of a real model-monitor, answers its 404 and 400, and 503 naming the URL once it stops', { timeout: 180_000 }, async ({ pg, s3, kafka, infra }) => {
    const monitorPort = await freePort();
    const monitorUrl = `http://127.0.0.1:${monitorPort}`;
    const registry = await startLiveRegistry({
      databaseUrl: pg.connectionString,
      s3: { ...infra.s3, bucket: s3.bucket },
      env: { MODEL_MONITOR_URL: monitorUrl, MODEL_MONITOR_TIMEOUT_MS: '20000' },
    });
    try {
      const seeded = await seedMonitoredVersion({ client: registry.client, pool: pg.pool, kafka: kafka.kafka, topic: kafka.topic });
      const monitor = await startLiveMonitor({ registryUrl: registry.url, schema: pg.schema, topic: kafka.topic, port: monitorPort });
      try {
        await untilLogged(pg.pool, seeded.predictions);
        const version = `/models/${seeded.model}/versions/${seeded.version}`;
        const proxied = `${registry.url}/ajax-api/monitoring${version}`;

        const hour = `from=${new Date(seeded.now - 3_600_000).toISOString()}&to=${new Date(seeded.now).toISOString()}`;
        const drift = await getJson<DriftReport>(`${proxied}/drift?${hour}`);
        expect(drift.status).toBe(200);
        expect(drift.body.window.rows).toBe(200);
        expect(drift.body.features.filter((f) => f.drifted).map((f) => f.column).sort()).toEqual([...seeded.driftedFeatures].sort());
        expect(Object.fromEntries(drift.body.features.map((f) => [f.column, f.method]))).toMatchObject({
          amount_cents: 'wasserstein',
          channel: 'jensen_shannon',
          device_age_days: 'ks',
          card_country: 'chi_squared',
        });
        expect(drift.body.dataset_drift).toBe(true);
        expect(stable(drift.body)).toEqual(stable((await getJson<DriftReport>(`${monitorUrl}${version}/drift?${hour}`)).body));

        // Five weeks back: labels final, the model already below its test PR AUC.
        const week = `from=${new Date(seeded.now - 35 * DAY).toISOString()}&to=${new Date(seeded.now - 28 * DAY).toISOString()}`;
        const performance = await getJson<PerformanceReport>(`${proxied}/performance?${week}`);
        expect(performance.status).toBe(200);
        expect(performance.body.realized.rows).toBe(300);
        expect(performance.body.realized.positives).toBe(30);
        expect(performance.body.primary_metric).toBe('pr_auc');
        expect(performance.body.test_metrics).toMatchObject({ pr_auc: 0.8 });
        expect(performance.body.degradation).toBeGreaterThan(0.1);
        expect(stable(performance.body)).toEqual(stable((await getJson<PerformanceReport>(`${monitorUrl}${version}/performance?${week}`)).body));

        const unknown = await getJson<MlflowErrorBody>(`${registry.url}/ajax-api/monitoring/models/${seeded.model}/versions/99/drift`);
        expect(unknown.status).toBe(404);
        expect(unknown.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining('model-monitor') });
        const badWindow = await getJson<MlflowErrorBody>(`${proxied}/drift?from=yesterday`);
        expect(badWindow.status).toBe(400);
        expect(badWindow.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('from') });
        const hugeVersion = await getJson<MlflowErrorBody>(`${registry.url}/ajax-api/monitoring/models/${seeded.model}/versions/3694669989/drift`);
        expect(hugeVersion.status).toBe(400);
        expect(hugeVersion.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'version'") });
        const longName = await getJson<MlflowErrorBody>(`${registry.url}/ajax-api/monitoring/models/${'m'.repeat(257)}/versions/1/drift`);
        expect(longName.status).toBe(400);
        expect(longName.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'name'") });
      } finally {
        await monitor.stop();
      }

      const away = await getJson<MlflowErrorBody>(`${registry.url}/ajax-api/monitoring/models/${seeded.model}/versions/${seeded.version}/drift`);
      expect(away.status).toBe(503);
      expect(away.body).toEqual({ error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringContaining(`model-monitor is not reachable at ${monitorUrl}`) });
      // The registry itself is unaffected.
      expect((await fetch(`${registry.url}/readyz`)).status).toBe(200);
    } finally {
      await registry.stop();
    }
  });

  test('answers 503 within the timeout when model-monitor accepts but never answers, 500 naming the field when its report breaks the contract, and lists both routes in /docs', async ({ pg }) => {
    const silent = await brokenMonitor(() => undefined);
    const malformed = await brokenMonitor((respond) => respond(200, JSON.stringify({ model: { name: 'fraud-detector', version: '1' }, features: 'none' })));
    const hanging = await startTestRegistry(pg.connectionString, { modelMonitor: { baseUrl: silent.url, timeoutMs: 300 } });
    try {
      const started = Date.now();
      const slow = await hanging.app.inject({ method: 'GET', url: '/ajax-api/monitoring/models/fraud-detector/versions/1/performance' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slow.statusCode).toBe(503);
      expect(slow.json<MlflowErrorBody>().message).toBe(`model-monitor at ${silent.url} did not answer within 300 ms`);
      const docs = await hanging.app.inject({ method: 'GET', url: '/docs/json' });
      expect(docs.statusCode).toBe(200);
      expect(Object.keys(docs.json<{ paths: Record<string, unknown> }>().paths)).toEqual(
        expect.arrayContaining(['/ajax-api/monitoring/models/{name}/versions/{version}/drift', '/ajax-api/monitoring/models/{name}/versions/{version}/performance']),
      );
    } finally {
      await hanging.close();
    }
    const broken = await startTestRegistry(pg.connectionString, { modelMonitor: { baseUrl: malformed.url, timeoutMs: 2_000 } });
    try {
      const wrong = await broken.app.inject({ method: 'GET', url: '/ajax-api/monitoring/models/fraud-detector/versions/1/drift' });
      expect(wrong.statusCode).toBe(500);
      expect(wrong.json<MlflowErrorBody>().message).toMatch(/drift report that does not match the contract \(window: /);
    } finally {
      await broken.close();
      silent.server.closeAllConnections();
      await Promise.all([silent, malformed].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
