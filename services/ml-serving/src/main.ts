import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  createOnlineRedis,
  onlineCacheFor,
} from '@payments-mlops/feature-store';
import { KafkaPredictionPublisher } from '@payments-mlops/monitoring';
import { RegistryClient } from '@payments-mlops/registry-client';
import {
  clusterMetricsRegistry,
  createLogger,
  createMetrics,
  createPgPool,
  loadConfig,
  onPrimaryShutdown,
  runService,
  superviseWorkers,
} from '@payments-mlops/service-kit';
import cluster from 'node:cluster';
import { Kafka, logLevel } from 'kafkajs';
import { SERVICE_NAME, buildApp } from './app.js';
import { MlServingConfig } from './config.js';
import { policiesFromConfig } from './policies.js';
import { ServingFeatures } from './features/serving-features.js';
import { ModelSlots } from './models/model-slots.js';
import { ServingMetrics } from './serving-metrics.js';

const config = loadConfig(MlServingConfig);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
const clustered = config.SERVING_WORKERS > 1;
if (clustered && cluster.isPrimary)
  superviseWorkers({
    workers: config.SERVING_WORKERS,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
else await serve();

/** One serving process: the whole service when SERVING_WORKERS is 1, one worker of the cluster otherwise. */
async function serve(): Promise<void> {
  const metrics = createMetrics(SERVICE_NAME);
  const servingMetrics = new ServingMetrics(metrics);
  // A worker's /metrics answers for every worker (service-kit's worker-cluster.ts); set up
  // first, so a worker still loading its models already answers the primary's collection.
  const exposed = clustered
    ? { ...metrics, registry: clusterMetricsRegistry(metrics.registry) }
    : metrics;

  const pool = createPgPool(config.WAREHOUSE_DATABASE_URL, {
    applicationName: SERVICE_NAME,
    max: 2,
    logger,
  });
  const definitions = new RegistryCache({
    store: new PostgresRegistryStore({ pool, schema: config.FEATURE_REGISTRY_SCHEMA }),
    project: config.FEATURE_PROJECT,
    refreshIntervalMs: config.REGISTRY_REFRESH_MS,
    onError: (error) =>
      logger.error(
        { component: 'definitions', err: error },
        'could not refresh feature definitions',
      ),
    onVersion: (catalog) =>
      logger.info(
        { component: 'definitions', version: catalog.version },
        'feature definitions loaded',
      ),
  });
  await definitions.start();

  // No per-command timeout: ServingFeatures holds one deadline per request (a timer per
  // command cost three per fraud request), past which the request is answered degraded.
  const redis = createOnlineRedis(config.REDIS_URL, {
    failFast: true,
    connectionName: SERVICE_NAME,
  });
  redis.on('error', (error: Error) =>
    logger.warn({ component: 'redis', err: error.message }, 'redis connection error'),
  );
  const store = new RedisOnlineStore({
    redis,
    keyPrefix:
      config.SERVING_ONLINE_KEY_PREFIX ??
      definitions.loaded?.repo.config.online_store.key_prefix ??
      'fs:',
  });
  const cache = onlineCacheFor(store, config.SERVING_ONLINE_CACHE_MB, {
    metrics: { registry: metrics.registry, prefix: metrics.prefix },
    onError: (error) =>
      logger.warn({ component: 'online-cache', err: error.message }, 'online cache connection error'),
  });
  const features = new ServingFeatures({
    catalog: () => definitions.loaded,
    store: cache ?? store,
    logger: logger.child({ component: 'features' }),
    deadlineMs: config.SERVING_FEATURE_DEADLINE_MS,
  });

  const registry = new RegistryClient({
    baseUrl: config.MLFLOW_TRACKING_URI,
    ...(config.MLFLOW_TRACKING_TOKEN ? { token: config.MLFLOW_TRACKING_TOKEN } : {}),
  });
  const slots = new ModelSlots({
    registry,
    logger,
    metrics: servingMetrics,
    pollIntervalMs: config.SERVING_MODEL_POLL_MS,
  });
  await slots.start();

  let sink: KafkaPredictionPublisher | undefined;
  if (config.SERVING_PREDICTION_LOG_ENABLED) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    const kafka = new Kafka({
      clientId: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.WARN,
    });
    sink = new KafkaPredictionPublisher({
      kafka,
      topic: config.PREDICTION_LOG_TOPIC,
      sampleRate: config.SERVING_PREDICTION_LOG_SAMPLE_RATE,
      lingerMs: config.SERVING_PREDICTION_LOG_LINGER_MS,
      maxBatchChars: config.SERVING_PREDICTION_LOG_BATCH_KB * 1024,
      registry: metrics.registry,
      metricPrefix: metrics.prefix,
      onError: (error) =>
        logger.warn({ component: 'prediction-log', err: error }, 'prediction log publish failed'),
    });
    // Kafka being away must not keep serving from starting: the publisher buffers, then counts drops.
    await sink
      .start()
      .catch((error: unknown) =>
        logger.error(
          { component: 'prediction-log', err: error },
          'prediction log not connected; predictions are buffered',
        ),
      );
  }

  const app = await buildApp({
    logger,
    metrics: exposed,
    servingMetrics,
    slots,
    features,
    policies: policiesFromConfig(config),
    sink,
  });
  const running = await runService({
    app,
    host: config.HOST,
    port: config.PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: async () => {
      definitions.stop();
      await sink?.close();
      await slots.stop();
      await cache?.close();
      redis.disconnect();
      await pool.end();
    },
  });
  if (clustered) onPrimaryShutdown((reason) => running.shutdown(reason));
}
