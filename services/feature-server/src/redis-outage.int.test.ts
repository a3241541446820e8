import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ErrorBody } from '@payments-mlops/contracts';
import { createOnlineRedis } from '@payments-mlops/feature-store';
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
  test('answers 503 naming the online store, and recovers without a restart when Redis returns', async ({ pg }) => {
    const port = 26_000 + Math.floor(Math.random() * 2_000);
    let redisProcess = startRedis(port);
    onTestFinished(() => stopRedis(redisProcess));
    const redis = createOnlineRedis(`redis://127.0.0.1:${port}`, { failFast: true, commandTimeoutMs: 500 });
    redis.on('error', () => undefined); // connection errors are the point of this test
    onTestFinished(() => redis.disconnect());
    await waitFor(async () => (await redis.ping().catch(() => '')) === 'PONG', { timeoutMs: 5_000, description: 'the test Redis to start' });

    const { app } = await startTestServer({ pool: pg.pool, schema: pg.schema, redis, prefix: 'outage:' });
    onTestFinished(() => app.close());
    const read = () =>
      app.inject({ method: 'POST', url: '/get-online-features', payload: { features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: ['mer_1'] } } });

    expect((await read()).statusCode).toBe(200);

    await stopRedis(redisProcess);
    const down = await read();
    expect(down.statusCode).toBe(503);
    expect(down.json<ErrorBody>()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('Online store (Redis) is unavailable') });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    redisProcess = startRedis(port);
    await waitFor(async () => (await read()).statusCode === 200, { timeoutMs: 10_000, intervalMs: 100, description: 'reads to succeed again' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
