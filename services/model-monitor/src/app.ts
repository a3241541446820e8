import {
  createServiceApp,
  pgReadiness,
  type Logger,
  type ServiceApp,
  type ServiceMetrics,
} from '@payments-mlops/service-kit';
import type pg from 'pg';
import type { ModelMonitor } from './domain/model-monitor.js';
import { monitoringRoutes } from './routes/monitoring.js';

export const SERVICE_NAME = 'model-monitor';

export interface ModelMonitorDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  pool: pg.Pool;
  monitor: ModelMonitor;
}

/** model-monitor's app: the drift and performance API plus /metrics, /docs, /healthz, /readyz. */
export async function buildApp(deps: ModelMonitorDeps): Promise<ServiceApp> {
  const app = createServiceApp({
    service: SERVICE_NAME,
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [pgReadiness(deps.pool)],
    openapi: {
      title: 'model-monitor',
      version: '1.0',
      description:
        'Drift against each model version reference profile and performance with delayed labels, from the prediction log.',
    },
  });
  await app.register(monitoringRoutes, { monitor: deps.monitor });
  return app;
}
