import { fileURLToPath } from 'node:url';
import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  applyFeatureRepo,
  onlineCacheFor,
  type RedisClient,
} from '@payments-mlops/feature-store';
import { createLogger, createMetrics, type ServiceApp } from '@payments-mlops/service-kit';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';
import { SERVICE_NAME, buildApp } from '../app.js';
import { FreshnessTracker } from '../domain/freshness.js';
import { Materializer } from '../domain/materialize-scheduler.js';

export const FEATURE_REPO = fileURLToPath(new URL('../../../../feature-repo/', import.meta.url));

export interface TestServer {
  app: ServiceApp;
  materializer: Materializer;
  store: RedisOnlineStore;
  /** The client-side cache in front of the store, when `onlineCacheMb` asked for one. */
  cache: ReturnType<typeof onlineCacheFor>;
  registry: RegistryCache;
  metrics: ReturnType<typeof createMetrics>;
  close(): Promise<void>;
}

/**
 * The app as main.ts builds it, over the test's own Postgres schema (warehouse, registry, push
 * tables) and Redis key prefix, with the project's feature repository applied.
 */
export async function startTestServer({
  pool,
  schema,
  redis,
  prefix,
  materializeIntervalMs,
  onlineCacheMb = 0,
}: {
  pool: pg.Pool;
  schema: string;
  redis: RedisClient;
  prefix: string;
  materializeIntervalMs?: number;
  /** MiB for the client-side cache; 0 (default) reads Redis every time, as main.ts by default. */
  onlineCacheMb?: number;
}): Promise<TestServer> {
  await migrateWarehouse(pool);
  await applyFeatureRepo({ directory: FEATURE_REPO, pool, appliedBy: 'test', registrySchema: schema });
  const registryStore = new PostgresRegistryStore({ pool, schema });
  const registry = new RegistryCache({ store: registryStore, project: 'payments_mlops', refreshIntervalMs: 60_000 });
  await registry.start();
  const logger = createLogger({ service: SERVICE_NAME, level: 'silent' });
  const metrics = createMetrics(SERVICE_NAME, { defaultMetrics: false });
  const store = new RedisOnlineStore({ redis, keyPrefix: prefix });
  const freshness = new FreshnessTracker(metrics.registry, metrics.prefix, () => registry.loaded);
  const materializer = new Materializer({
    pool, store, registry: registryStore, registryCache: registry, freshness, logger,
    ...(materializeIntervalMs === undefined ? {} : { intervalMs: materializeIntervalMs }),
  });
  const cache = onlineCacheFor(store, onlineCacheMb, { metrics });
  await cache?.ready();
  const app = await buildApp({ logger, metrics, registry, store, reader: cache, pool, materializer });
  await app.ready();
  return {
    app,
    materializer,
    store,
    cache,
    registry,
    metrics,
    async close() {
      registry.stop();
      await materializer.stop();
      await app.close();
      await cache?.close();
    },
  };
}
