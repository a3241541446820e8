import { PostgresRegistryStore, layoutOf, type StoredViewInfo } from '@payments-mlops/feature-store';
import { test, waitFor } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import { startTestServer } from '../testing/test-app.js';

describe('scheduled incremental materialization', () => {
  test('runs on its interval and records where each view got to', async ({ pg, redis }) => {
    const server = await startTestServer({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix, materializeIntervalMs: 100 });
    onTestFinished(() => server.close());
    const { materializer, registry } = server;
    const catalog = registry.catalog();
    const [batch, stream] = ['merchant_stats', 'customer_activity'].map((name) => catalog.view(name) as StoredViewInfo);
    const started = Date.now();
    materializer.startSchedule();
    const store = new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema });
    await waitFor(async () => ((await store.lastMaterializedEnd('payments_mlops', batch!.name, layoutOf(batch!))) ?? 0) >= started, {
      timeoutMs: 10_000,
      description: 'a scheduled run to record merchant_stats',
    });
    await materializer.stop();
    expect(await store.lastMaterializedEnd('payments_mlops', stream!.name, layoutOf(stream!))).toBeGreaterThanOrEqual(started);
  });
});
