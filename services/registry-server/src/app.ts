import { REGISTRY_SECURITY_SCHEMES } from '@payments-mlops/contracts';
import { createServiceApp, pgReadiness, type Logger, type ServiceApp, type ServiceMetrics } from '@payments-mlops/service-kit';
import type pg from 'pg';
import { Counter } from 'prom-client';
import { apiRoutes } from './routes/api-routes.js';
import { artifactRoutes } from './routes/artifact-routes.js';
import { createAuthorizer, type AuthOptions } from './routes/auth.js';
import { monitoringProxyRoutes } from './routes/monitoring-proxy.js';
import { registryUi } from './routes/ui.js';
import { ArtifactCatalog } from './stores/artifacts/artifact-catalog.js';
import type { ArtifactStore } from './stores/artifacts/artifact-store.js';
import { ModelMonitorClient, type ModelMonitorClientOptions } from './stores/monitoring/model-monitor-client.js';
import type { StoreContext } from './stores/postgres/context.js';
import { poolDb } from './stores/postgres/db.js';
import { createPostgresRegistry } from './stores/postgres/registry-store.js';

export const SERVICE_NAME = 'registry-server';

export interface RegistryAppDeps {
  /** Connected to a database whose schema `prepareRegistryDatabase` brought up to date. */
  pool: pg.Pool;
  artifactStore: ArtifactStore;
  logger: Logger;
  metrics: ServiceMetrics;
  auth: AuthOptions;
  /** Default `mlflow-artifacts:/`: experiments keep artifacts behind this registry's proxy. */
  defaultArtifactRoot?: string;
  /** Default 5 GiB. */
  maxArtifactBytes?: number;
  /** model-monitor, read for the UI's Monitoring tab; default http://127.0.0.1:8004, 10 s timeout. */
  modelMonitor?: ModelMonitorClientOptions;
  now?: () => number;
}

/** The store context the app runs on, for callers that prepare the database before building it. */
export function storeContext(deps: Pick<RegistryAppDeps, 'pool' | 'defaultArtifactRoot' | 'now'>): StoreContext {
  return { db: poolDb(deps.pool), now: deps.now ?? Date.now, defaultArtifactRoot: deps.defaultArtifactRoot ?? 'mlflow-artifacts:/' };
}

/**
 * registry-server's app: MLflow's REST API 2.0 (tracking, model registry, artifact proxy) under
 * /api/2.0 and /ajax-api/2.0, the lineage extension, model-monitor's reports under
 * /ajax-api/monitoring for the UI, /metrics, /docs, /healthz and /readyz.
 * It never listens: main.ts does, and tests call `app.inject()`.
 */
export async function buildApp(deps: RegistryAppDeps): Promise<ServiceApp> {
  const context = storeContext(deps);
  const catalog = new ArtifactCatalog(deps.artifactStore, context.db, { maxBytes: deps.maxArtifactBytes ?? 5 * 1024 ** 3, now: context.now });
  const registry = createPostgresRegistry(context, catalog);
  const authorize = createAuthorizer(deps.auth);
  const artifactBytes = new Counter({
    name: `${deps.metrics.prefix}artifact_bytes_total`,
    help: 'Artifact bytes streamed through the proxy, by direction (upload or download).',
    labelNames: ['direction'] as const,
    registers: [deps.metrics.registry],
  });

  const app = createServiceApp({
    service: SERVICE_NAME,
    logger: deps.logger,
    metrics: deps.metrics,
    // A dataset input's schema and profile can reach megabytes; artifacts stream past this limit.
    bodyLimit: 32 * 1024 * 1024,
    readiness: [pgReadiness(deps.pool), { name: `artifacts-${deps.artifactStore.kind}`, check: () => deps.artifactStore.check() }],
    openapi: {
      title: 'registry-server',
      version: '2.0',
      description: "MLflow's REST API 2.0 (tracking, model registry, artifact proxy) on Postgres and S3, with model version lineage.",
      securitySchemes: REGISTRY_SECURITY_SCHEMES,
    },
  });
  await app.register(apiRoutes, { registry, authorize });
  await app.register(artifactRoutes, { catalog, authorize, artifactBytes });
  await app.register(registryUi, { pool: deps.pool, authorize });
  // Not a readiness check: the registry works without the monitor, and the UI says when it is away.
  const monitor = new ModelMonitorClient(deps.modelMonitor ?? { baseUrl: 'http://127.0.0.1:8004', timeoutMs: 10_000 });
  await app.register(monitoringProxyRoutes, { monitor, authorize });
  return app;
}
