import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ErrorBody, GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import { createOnlineRedis, type BatchViewInfo } from '@payments-mlops/feature-store';
import { test, waitFor } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import { startTestServer } from './testing/test-app.js';

/** A Redis of this test's own, on a free high port, so it can be stopped without touching the shared one. */
function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe('feature-server with Redis down', () => {
  test.for([
    { cache: 'off', onlineCacheMb: 0 },
    { cache: 'on', onlineCacheMb: 1 },
  ])('answers 503 naming the online store, and recovers without a restart when Redis returns (client-side cache $cache)', async ({ onlineCacheMb }, { pg }) => {
    const port = 26_000 + Math.floor(Math.random() * 2_000);
    let redisProcess = startRedis(port);
    onTestFinished(() => stopRedis(redisProcess));
    const redis = createOnlineRedis(`redis://127.0.0.1:${port}`, { failFast: true, commandTimeoutMs: 500 });
    redis.on('error', () => undefined); // connection errors are the point of this test
    onTestFinished(() => redis.disconnect());
    await waitFor(async () => (await redis.ping().catch(() => '')) === 'PONG', { timeoutMs: 5_000, description: 'the test Redis to start' });

    const server = await startTestServer({ pool: pg.pool, schema: pg.schema, redis, prefix: 'outage:', onlineCacheMb });
    onTestFinished(() => server.close());
    const { app, store, registry, cache } = server;
    const now = Date.now();
    await store.writeBatchRows(registry.catalog().view('merchant_stats') as BatchViewInfo, [{ key: 'mer_1', eventMs: now - 60_000, createdMs: now, values: [1, 2, 0.5, 3, 40, null] }]);
    const read = () =>
      app.inject({ method: 'POST', url: '/get-online-features', payload: { features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: ['mer_1'] } } });
    const customerCount = async () => (await read()).json<GetOnlineFeaturesResponse>().results[1]!.values[0];

    // Cached from its second read on.
    expect(await customerCount()).toBe(40);
    expect(await customerCount()).toBe(40);
    expect(await customerCount()).toBe(40);
    const cached = onlineCacheMb > 0;
    expect(cache?.stats().hits ?? 0).toBe(cached ? 1 : 0);

    await stopRedis(redisProcess);
    // A cached value is not served once the connection is seen gone: nothing would report a change.
    const down = await waitFor(async () => {
      const response = await read();
      return response.statusCode === 503 ? response : undefined;
    }, { timeoutMs: 2_000, description: 'a 503' });
    expect(down.json<ErrorBody>()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('Online store (Redis) is unavailable') });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    // Back empty (no persistence): the old value must not come back from any cache.
    redisProcess = startRedis(port);
    await waitFor(async () => (await read()).statusCode === 200, { timeoutMs: 10_000, intervalMs: 100, description: 'reads to succeed again' });
    expect(await customerCount()).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    // And the cache is in use again.
    await cache?.ready();
    await customerCount();
    await customerCount();
    const hits = cache?.stats().hits ?? 0;
    expect(await customerCount()).toBeNull();
    expect((cache?.stats().hits ?? 0) - hits).toBe(cached ? 1 : 0);
  });
});
