import { INFERENCE_API_INFO, MODEL_TASKS, REGISTERED_MODEL_NAMES } from '@payments-mlops/contracts';
import { createServiceApp, type Logger, type ServiceApp, type ServiceMetrics } from '@payments-mlops/service-kit';
import type { DecisionPolicy } from './domain/answers.js';
import type { PredictionSink } from '@payments-mlops/contracts';
import { Scorer } from './domain/scorer.js';
import type { SplitPolicy } from './domain/traffic-split.js';
import type { ServingFeatures } from './features/serving-features.js';
import type { ModelSlots } from './models/model-slots.js';
import { inferenceRoutes } from './routes/inference.js';
import type { ServingMetrics } from './serving-metrics.js';

export const SERVICE_NAME = 'ml-serving';

export interface MlServingDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  servingMetrics: ServingMetrics;
  slots: ModelSlots;
  features: ServingFeatures;
  policies: DecisionPolicy & { split: Readonly<Record<(typeof MODEL_TASKS)[number], SplitPolicy>> };
  sink?: PredictionSink | undefined;
  clock?: () => number;
}

/**
 * ml-serving's app: the four inference endpoints plus /metrics, /docs, /healthz and /readyz.
 * Ready once feature definitions are loaded and every endpoint has a champion; Redis is not a
 * readiness condition, since without it the endpoints still answer (degraded).
 */
export async function buildApp(deps: MlServingDeps): Promise<ServiceApp> {
  const { slots, features, servingMetrics, clock = Date.now } = deps;
  const app = createServiceApp({
    service: SERVICE_NAME,
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: 64 * 1024,
    readiness: [
      {
        name: 'feature_definitions',
        check: () => (features.loaded ? Promise.resolve() : Promise.reject(new Error('no feature definitions loaded: run make features-apply'))),
      },
      {
        name: 'models',
        check: () => {
          const missing = MODEL_TASKS.filter((task) => slots.model(task, 'champion') === undefined).map((task) => `${REGISTERED_MODEL_NAMES[task]}@champion`);
          return missing.length === 0 ? Promise.resolve() : Promise.reject(new Error(`not loaded: ${missing.join(', ')}`));
        },
      },
    ],
    openapi: INFERENCE_API_INFO,
  });
  const scorer = new Scorer({ slots, features, metrics: servingMetrics, policies: deps.policies.split });
  await app.register(inferenceRoutes, { scorer, policy: deps.policies, metrics: servingMetrics, sink: deps.sink, clock });
  return app;
}
