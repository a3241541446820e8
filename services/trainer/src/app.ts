import { createServiceApp, pgReadiness, type Logger, type ServiceApp, type ServiceMetrics } from '@payments-mlops/service-kit';
import type pg from 'pg';
import type { JobRunner } from './jobs/job-runner.js';
import type { JobStore } from './jobs/job-store.js';
import { jobRoutes } from './routes/jobs.js';
import { webhookRoutes } from './routes/webhook.js';

export const SERVICE_NAME = 'trainer';

export interface TrainerAppDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  runner: JobRunner;
  jobs: JobStore;
  pool: pg.Pool;
  /** Whether feature definitions are loaded (training needs them). */
  definitionsLoaded: () => boolean;
  webhookToken?: string;
}

/** trainer's app: the jobs API and the retraining webhook. It never listens: main.ts does. */
export async function buildApp(deps: TrainerAppDeps): Promise<ServiceApp> {
  const app = createServiceApp({
    service: SERVICE_NAME,
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [
      pgReadiness(deps.pool),
      { name: 'definitions', check: () => (deps.definitionsLoaded() ? Promise.resolve() : Promise.reject(new Error('no feature definitions applied: run make features-apply'))) },
    ],
    openapi: { title: 'trainer', version: '1.0', description: 'Training jobs of the four models: on demand, on a schedule and on retraining alerts.' },
  });
  await app.register(jobRoutes, { runner: deps.runner, jobs: deps.jobs });
  await app.register(webhookRoutes, { runner: deps.runner, ...(deps.webhookToken ? { token: deps.webhookToken } : {}) });
  return app;
}
