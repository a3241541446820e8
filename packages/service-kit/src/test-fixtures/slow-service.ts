// A real service process for run.test.ts: a /slow route that takes SLOW_MS, and onShutdown that
// takes ON_SHUTDOWN_MS, run by runService exactly as a service's main.ts would.
import { z } from 'zod';
import { createServiceApp } from '../app.js';
import { BaseServiceConfig, envInteger, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { runService } from '../run.js';

const config = loadConfig(
  BaseServiceConfig.extend({
    SLOW_MS: envInteger({ min: 0 }),
    ON_SHUTDOWN_MS: envInteger({ min: 0 }).default(0),
  }),
);
const logger = createLogger({ service: 'slow-service', level: config.LOG_LEVEL, pretty: false });
const app = createServiceApp({
  service: 'slow-service',
  logger,
  metrics: createMetrics('slow-service', { defaultMetrics: false }),
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

void app.register((instance, _options, done) => {
  instance.get(
    '/slow',
    { schema: { response: { 200: z.object({ finished: z.boolean() }) } } },
    async () => {
      logger.info('slow request started');
      await sleep(config.SLOW_MS);
      return { finished: true };
    },
  );
  done();
});

await runService({
  app,
  host: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await sleep(config.ON_SHUTDOWN_MS);
    logger.info('resources released');
  },
});
