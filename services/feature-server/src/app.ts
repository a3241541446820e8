import { createServiceApp, pgReadiness, type Logger, type ServiceApp, type ServiceMetrics } from '@payments-mlops/service-kit';
import type { OnlineStoreReader, RedisOnlineStore, RegistryCache } from '@payments-mlops/feature-store';
import type pg from 'pg';
import type { Materializer } from './domain/materialize-scheduler.js';
import { healthRoutes } from './routes/health.js';
import { materializeRoutes } from './routes/materialize.js';
import { onlineFeatureRoutes } from './routes/online-features.js';
import { pushRoutes } from './routes/push.js';

export const SERVICE_NAME = 'feature-server';

export interface FeatureServerDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  /** The current feature definitions, refreshed from the registry. */
  registry: RegistryCache;
  store: RedisOnlineStore;
  /** Where online reads go: the store itself unless a client-side cache is in front of it. */
  reader?: OnlineStoreReader | undefined;
  pool: pg.Pool;
  materializer: Materializer;
  clock?: () => number;
}

/**
 * feature-server's app: Feast's feature-server API (get-online-features, push, materialize,
 * materialize-incremental, health) plus /metrics, /docs, /healthz and /readyz. It never listens:
 * main.ts does, and tests call `app.inject()` with real Redis and Postgres.
 */
export async function buildApp(deps: FeatureServerDeps): Promise<ServiceApp> {
  const { registry, store, reader = store, pool, materializer, clock = Date.now } = deps;
  const app = createServiceApp({
    service: SERVICE_NAME,
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: 8 * 1024 * 1024,
    readiness: [
      { name: 'redis', check: async () => void (await store.redis.ping()) },
      pgReadiness(pool),
      {
        name: 'definitions',
        check: () => (registry.loaded ? Promise.resolve() : Promise.reject(new Error('no registry version loaded: run make features-apply'))),
      },
    ],
    openapi: {
      title: 'feature-server',
      version: '1.0',
      description: "Feast's feature server API over the Redis online store and the Postgres offline store, with TTL enforced on read.",
    },
  });
  await app.register(onlineFeatureRoutes, { registry, store: reader, clock });
  await app.register(pushRoutes, { registry, store, pool, clock });
  await app.register(materializeRoutes, { materializer });
  await app.register(healthRoutes, { registry });
  return app;
}
