import { FraudScoreResponse, INFERENCE_EXAMPLES, MODEL_TASKS } from '@payments-mlops/contracts';
import { PostgresRegistryStore, RegistryCache, applyFeatureRepo } from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { startRegistryServer, startServiceProcess, test } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { describe, expect, onTestFinished } from 'vitest';
import { publishModel } from './testing/model-fixture.js';
import { FEATURE_REPO, REGISTRY_TOKEN } from './testing/serving-harness.js';

const fraudRequest = { ...INFERENCE_EXAMPLES.fraudScore.request, initiated_at: undefined };

function metricValue(metrics: string, line: string): number {
  const found = metrics.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return Number(found?.split(' ').at(-1) ?? Number.NaN);
}

describe('SERVING_WORKERS', () => {
  test('two workers answer on one port, /metrics adds them up, and SIGTERM drains both', async ({ pg, redis, s3 }) => {
    const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
    onTestFinished(() => registry.kill());
    await migrateWarehouse(pg.pool);
    await applyFeatureRepo({ directory: FEATURE_REPO, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    const definitions = new RegistryCache({ store: new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }), project: 'payments_mlops' });
    const catalog = (await definitions.start())!;
    definitions.stop();
    const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
    for (const task of MODEL_TASKS) await publishModel(client, catalog, task);

    const serving = await startServiceProcess('ml-serving', {
      WAREHOUSE_DATABASE_URL: pg.connectionString,
      FEATURE_REGISTRY_SCHEMA: pg.schema,
      REDIS_URL: redis.url,
      SERVING_ONLINE_KEY_PREFIX: redis.prefix,
      MLFLOW_TRACKING_URI: registry.url,
      MLFLOW_TRACKING_TOKEN: registry.token,
      SERVING_PREDICTION_LOG_ENABLED: 'false',
      SERVING_WORKERS: '2',
      LOG_LEVEL: 'info',
    });
    onTestFinished(() => serving.kill());

    // Both workers load every champion before they listen: the supervisor forked two.
    const loaded = async () => metricValue(await (await fetch(`${serving.url}/metrics`)).text(), 'ml_serving_model_loads_total{model="fraud-detector",alias="champion"}');
    await expect.poll(loaded, { timeout: 60_000, interval: 250 }).toBe(2);

    const answers = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const response = await fetch(`${serving.url}/fraud/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fraudRequest) });
        expect(response.status).toBe(200);
        return FraudScoreResponse.parse(await response.json());
      }),
    );
    expect(new Set(answers.map((answer) => answer.model.version))).toEqual(new Set(['1']));

    // Whichever worker answers the scrape, it reports the whole cluster.
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = await (await fetch(`${serving.url}/metrics`)).text();
      expect(metricValue(metrics, 'ml_serving_requests_total{endpoint="/fraud/score",status="200"}')).toBe(40);
      // One series per version served, at 1 however many workers serve it.
      expect(metricValue(metrics, 'ml_serving_model_info{endpoint="/fraud/score",model="fraud-detector",version="1",alias="champion"}')).toBe(1);
    }

    await serving.stop();
    expect(serving.output()).toContain('every worker has exited');
    expect(serving.output()).toContain('"failed":false');
  });
});
