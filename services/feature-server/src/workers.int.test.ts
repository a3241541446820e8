import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import { FeatureCatalog, PostgresRegistryStore, RedisOnlineStore, applyFeatureRepo } from '@payments-mlops/feature-store';
import { WORKERS_LISTENING } from '@payments-mlops/service-kit';
import { freePort, test, waitFor } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { describe, expect, onTestFinished } from 'vitest';
import { FEATURE_REPO } from './testing/test-app.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** One request on a connection of its own, so that node:cluster hands each to the next worker. */
async function post(url: string, body: object): Promise<{ status: number; body: string }> {
  const req = request(`${url}/get-online-features`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
  req.end(JSON.stringify(body));
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of response) text += String(chunk);
  return { status: response.statusCode ?? 0, body: text };
}

function metricValue(metrics: string, series: string): number {
  const found = metrics.split('\n').find((line) => line.startsWith(`${series} `));
  return Number(found?.split(' ').at(-1) ?? Number.NaN);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('feature-server with FEATURE_SERVER_WORKERS=2', () => {
  test('serves from two worker processes on one port, answers /metrics for both, and SIGTERM stops them all', async ({ pg, redis }) => {
    await migrateWarehouse(pg.pool);
    const directory = await mkdtemp(path.join(tmpdir(), 'feature-repo-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    await cp(FEATURE_REPO, directory, { recursive: true });
    const config = path.join(directory, 'feature_store.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('key_prefix: "fs:"', `key_prefix: "${redis.prefix}"`));
    await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    const stored = (await new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }).getVersion('payments_mlops'))!;
    const catalog = new FeatureCatalog(stored.repo, stored.version);
    const view = catalog.view('merchant_stats');
    if (view.kind !== 'batch') throw new Error('merchant_stats is a batch view');
    const now = Date.now();
    await new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix }).writeBatchRows(view, [
      { key: 'mer_1', eventMs: now - 60_000, createdMs: now, values: view.features.map((field) => (field.name === 'merchant_customer_count' ? 42 : null)) },
    ]);

    const port = await freePort();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      env: {
        ...process.env, PORT: String(port), LOG_LEVEL: 'error', WAREHOUSE_DATABASE_URL: pg.connectionString, REDIS_URL: redis.url,
        FEATURE_REGISTRY_SCHEMA: pg.schema, FEATURE_SERVER_WORKERS: '2', STREAM_ENABLED: 'false', MATERIALIZE_SCHEDULE_ENABLED: 'false',
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    // The primary says when every worker listens.
    const [notice] = (await once(child, 'message')) as [unknown];
    expect(notice).toBe(WORKERS_LISTENING);
    const workers = (await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).split(' ').filter(Boolean).map(Number);
    const serving: number[] = [];
    for (const pid of workers) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('main.ts')) serving.push(pid);
    expect(serving).toHaveLength(2);

    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 6; i++) {
      const answer = await post(url, { features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: ['mer_1'] } });
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body) as GetOnlineFeaturesResponse).results[1]).toMatchObject({ values: [42], statuses: ['PRESENT'] });
    }
    const invalid = await post(url, { features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: [42] } });
    expect(invalid.status).toBe(400);

    // Whichever worker takes the scrape, /metrics reports both.
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metricValue(metrics, 'feature_server_http_request_duration_seconds_count{method="POST",route="/get-online-features",status_code="200"}')).toBe(6);
      expect(metricValue(metrics, 'feature_server_http_request_duration_seconds_count{method="POST",route="/get-online-features",status_code="400"}')).toBe(1);
    }

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    await waitFor(() => Promise.resolve(serving.every((pid) => !alive(pid))), { timeoutMs: 5_000, intervalMs: 50, description: 'every worker to exit' });
  });
});
