import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from './app.js';
import { createLogger } from './logger.js';
import { createMetrics, type ServiceMetrics } from './metrics.js';

export interface TestApp {
  app: ServiceApp;
  metrics: ServiceMetrics;
  /** Every line the app logged, parsed. */
  logs: Record<string, unknown>[];
}

/** A service app for the kit's own tests: fresh registry, logs captured in memory instead of stdout. */
export function buildTestApp(
  declareRoutes?: (app: Parameters<FastifyPluginCallbackZod>[0]) => void,
  options: Partial<Omit<ServiceAppOptions, 'logger' | 'metrics'>> = {},
): TestApp {
  const logs: Record<string, unknown>[] = [];
  const service = options.service ?? 'test-service';
  const logger = createLogger({
    service,
    level: 'info',
    destination: {
      write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
    },
  });
  const metrics = createMetrics(service, { defaultMetrics: false });
  const app = createServiceApp({ ...options, service, logger, metrics });
  if (declareRoutes) {
    void app.register((instance, _options, done) => {
      declareRoutes(instance);
      done();
    });
  }
  return { app, metrics, logs };
}
