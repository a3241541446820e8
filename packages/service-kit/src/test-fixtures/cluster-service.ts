// A real clustered service for worker-cluster.test.ts, wired exactly as a service's main.ts is:
// WORKERS > 1 makes the primary supervise (the first worker `lead`, the others `serve`); each
// worker answers GET /role, counts it in a counter, exposes a gauge that differs per role (which
// the cluster reports as its minimum). CRASH_ON_START=1 makes every
// worker exit before it listens.
import cluster from 'node:cluster';
import { Counter, Gauge } from 'prom-client';
import { z } from 'zod';
import { createServiceApp } from '../app.js';
import { BaseServiceConfig, envBoolean, envInteger, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { runService } from '../run.js';
import {
  clusterMetricsRegistry,
  onPrimaryShutdown,
  superviseWorkers,
  workerRole,
} from '../worker-cluster.js';

const config = loadConfig(
  BaseServiceConfig.extend({
    WORKERS: envInteger({ min: 1 }).default(2),
    RESTART_LIMIT: envInteger({ min: 1 }).default(5),
    CRASH_ON_START: envBoolean.default(false),
  }),
);
const logger = createLogger({ service: 'cluster-service', level: config.LOG_LEVEL, pretty: false });

if (cluster.isPrimary)
  superviseWorkers({
    workers: config.WORKERS,
    roles: ['lead'],
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    restartLimit: config.RESTART_LIMIT,
  });
else await serve();

async function serve(): Promise<void> {
  if (config.CRASH_ON_START) process.exit(3);
  const role = workerRole() ?? 'single';
  const metrics = createMetrics('cluster-service', { defaultMetrics: false });
  const exposed = {
    ...metrics,
    registry: clusterMetricsRegistry(metrics.registry, {
      aggregators: { cluster_service_role_rank: 'min' },
    }),
  };
  const answered = new Counter({
    name: 'cluster_service_role_requests_total',
    help: 'GET /role answered.',
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'cluster_service_role_rank',
    help: '1 on the lead worker, 2 on the others.',
    registers: [metrics.registry],
  }).set(role === 'lead' ? 1 : 2);

  const app = createServiceApp({ service: 'cluster-service', logger, metrics: exposed });
  void app.register((instance, _options, done) => {
    instance.get(
      '/role',
      { schema: { response: { 200: z.object({ role: z.string(), pid: z.number() }) } } },
      () => {
        answered.inc();
        return Promise.resolve({ role, pid: process.pid });
      },
    );
    done();
  });
  const running = await runService({
    app,
    host: config.HOST,
    port: config.PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  onPrimaryShutdown((reason) => running.shutdown(reason));
}
