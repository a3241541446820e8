import { fileURLToPath } from 'node:url';
import { MODEL_TASKS, type ModelTask } from '@payments-mlops/contracts';
import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  applyFeatureRepo,
  createOnlineRedis,
  onlineCacheFor,
  type FeatureCatalog,
} from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { createLogger, createMetrics, type ServiceApp, type ServiceMetrics } from '@payments-mlops/service-kit';
import { startRegistryServer, type RegistryServerProcess } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { SERVICE_NAME, buildApp, type MlServingDeps } from '../app.js';
import { MlServingConfig } from '../config.js';
import type { PredictionSink } from '@payments-mlops/contracts';
import { ServingFeatures } from '../features/serving-features.js';
import { ModelSlots } from '../models/model-slots.js';
import { policiesFromConfig } from '../policies.js';
import { ServingMetrics } from '../serving-metrics.js';
import { publishModel, type PublishOptions } from './model-fixture.js';

export const FEATURE_REPO = fileURLToPath(new URL('../../../../feature-repo/', import.meta.url));

export interface ServingHarness {
  app: ServiceApp;
  registry: RegistryServerProcess;
  client: RegistryClient;
  catalog: FeatureCatalog;
  store: RedisOnlineStore;
  slots: ModelSlots;
  metrics: ServiceMetrics;
  publish: (task: ModelTask, options?: PublishOptions) => ReturnType<typeof publishModel>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  pg: { pool: pg.Pool; schema: string; connectionString: string };
  redis: { url: string; prefix: string };
  s3: { bucket: string; endpoint: string };
  /** Which tasks get a champion before the app starts (default all four). */
  champions?: readonly ModelTask[];
  /** Another Redis URL for the online store (an unreachable one for outage tests). */
  onlineRedisUrl?: string;
  pollIntervalMs?: number;
  env?: Record<string, string>;
  sink?: PredictionSink;
  publishOptions?: PublishOptions;
}

/**
 * ml-serving as main.ts assembles it, over the real services: a registry-server process on the
 * test's Postgres schema and S3 bucket with tiny trained models registered, the project's feature
 * definitions applied into that schema, and the online store under the test's Redis prefix.
 */
/** Registry writes in ml-serving's tests. */
export const REGISTRY_TOKEN = 'ml-serving-test-registry-token';

export async function startServingHarness(options: HarnessOptions): Promise<ServingHarness> {
  const { pg: database, redis, s3 } = options;
  const registry = await startRegistryServer({ databaseUrl: database.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
  const cleanups: (() => Promise<void> | void)[] = [() => registry.kill()];
  try {
    await migrateWarehouse(database.pool);
    await applyFeatureRepo({ directory: FEATURE_REPO, pool: database.pool, appliedBy: 'test', registrySchema: database.schema });
    const definitions = new RegistryCache({ store: new PostgresRegistryStore({ pool: database.pool, schema: database.schema }), project: 'payments_mlops', refreshIntervalMs: 60_000 });
    const catalog = (await definitions.start())!;
    cleanups.push(() => definitions.stop());

    const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
    const publish = (task: ModelTask, publishOptions?: PublishOptions) => publishModel(client, catalog, task, { ...options.publishOptions, ...publishOptions });
    for (const task of options.champions ?? MODEL_TASKS) await publish(task);

    // Test files share two cores: at the production 25 ms a busy moment would answer degraded by
    // chance. The deadline's own behaviour is tested in serving-features.test.ts.
    const config = MlServingConfig.parse({ SERVING_FEATURE_DEADLINE_MS: '2000', ...options.env });
    const logger = createLogger({ service: SERVICE_NAME, level: 'silent' });
    const metrics = createMetrics(SERVICE_NAME, { defaultMetrics: false });
    const servingMetrics = new ServingMetrics(metrics);
    const onlineRedis: Redis = createOnlineRedis(options.onlineRedisUrl ?? redis.url, { failFast: true });
    onlineRedis.on('error', () => undefined);
    cleanups.push(() => onlineRedis.disconnect());
    const store = new RedisOnlineStore({ redis: onlineRedis, keyPrefix: redis.prefix });
    // Tests write features and score at once: the client-side cache only when a test sets its variable.
    const cacheMb = options.env?.SERVING_ONLINE_CACHE_MB === undefined ? 0 : config.SERVING_ONLINE_CACHE_MB;
    const cache = onlineCacheFor(store, cacheMb, { metrics });
    if (cache) {
      cleanups.push(() => cache.close());
      await cache.ready();
    }
    const features = new ServingFeatures({ catalog: () => definitions.loaded, store: cache ?? store, logger, deadlineMs: config.SERVING_FEATURE_DEADLINE_MS });
    const slots = new ModelSlots({ registry: client, logger, metrics: servingMetrics, pollIntervalMs: options.pollIntervalMs ?? 200, releaseAfterMs: 2_000 });
    await slots.start();
    cleanups.push(() => slots.stop());
    const deps: MlServingDeps = { logger, metrics, servingMetrics, slots, features, policies: policiesFromConfig(config), sink: options.sink };
    const app = await buildApp(deps);
    await app.ready();
    cleanups.push(() => app.close());
    return {
      app,
      registry,
      client,
      catalog,
      store,
      slots,
      metrics,
      publish,
      close: () => runCleanups(cleanups),
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
