import { PaymentEvent } from '@payments-mlops/contracts';
import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  StreamIngestor,
  createOnlineRedis,
  onlineCacheFor,
} from '@payments-mlops/feature-store';
import {
  clusterMetricsRegistry,
  createLogger,
  createMetrics,
  createPgPool,
  loadConfig,
  onPrimaryShutdown,
  runService,
  superviseWorkers,
  workerRole,
} from '@payments-mlops/service-kit';
import cluster from 'node:cluster';
import { Kafka, logLevel } from 'kafkajs';
import { SERVICE_NAME, buildApp } from './app.js';
import { FeatureServerConfig } from './config.js';
import { FreshnessTracker } from './domain/freshness.js';
import { Materializer } from './domain/materialize-scheduler.js';

const config = loadConfig(FeatureServerConfig);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
const clustered = config.FEATURE_SERVER_WORKERS > 1;
// With several workers, the first leads: stream ingestion and the materialization schedule must run once.
if (clustered && cluster.isPrimary)
  superviseWorkers({ workers: config.FEATURE_SERVER_WORKERS, roles: ['lead'], logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
else await serve();

/** One serving process: the whole server, or one worker of several (only the lead one consumes the stream and schedules). */
async function serve(): Promise<void> {
  const lead = (workerRole() ?? 'lead') === 'lead';
  const metrics = createMetrics(SERVICE_NAME);
  // A worker's /metrics answers for every worker; set up first, so a starting worker already
  // answers the primary's collection. Freshness is the freshest any worker knows of: a
  // materialization requested over HTTP is recorded by the worker that ran it.
  const exposed = clustered
    ? { ...metrics, registry: clusterMetricsRegistry(metrics.registry, { aggregators: { [`${metrics.prefix}view_freshness_seconds`]: 'min' } }) }
    : metrics;
  const pool = createPgPool(config.WAREHOUSE_DATABASE_URL, { applicationName: SERVICE_NAME, max: 8, logger });
  const redis = createOnlineRedis(config.REDIS_URL, { failFast: true, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, connectionName: SERVICE_NAME });
  redis.on('error', (error: Error) => logger.warn({ component: 'redis', err: error.message }, 'redis connection error'));

  const registryStore = new PostgresRegistryStore({ pool, schema: config.FEATURE_REGISTRY_SCHEMA });
  const registry = new RegistryCache({
    store: registryStore,
    project: config.FEATURE_PROJECT,
    refreshIntervalMs: config.REGISTRY_REFRESH_MS,
    onError: (error) => logger.error({ component: 'registry', err: error }, 'could not refresh feature definitions'),
    onVersion: (catalog) => logger.info({ component: 'registry', version: catalog.version }, 'feature definitions loaded'),
  });
  await registry.start();

  // The key prefix is part of the definitions (feature_store.yaml); until they load, the default.
  const store = new RedisOnlineStore({ redis, keyPrefix: registry.loaded?.repo.config.online_store.key_prefix ?? 'fs:' });

  let ingestor: StreamIngestor | undefined;
  if (config.STREAM_ENABLED && lead) {
    // kafkajs announces its v2 partitioner change on every start; this process only produces dead letters.
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    const kafka = new Kafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
    ingestor = new StreamIngestor({
      kafka,
      store,
      topic: config.STREAM_TOPIC,
      groupId: config.STREAM_GROUP_ID,
      plans: () =>
        (registry.loaded?.storedViews() ?? []).flatMap((view) => (view.kind === 'stream' && view.plan.topic === config.STREAM_TOPIC ? [view.plan] : [])),
      contract: PaymentEvent,
      maxEventTimeSkewMs: config.STREAM_MAX_EVENT_TIME_SKEW_MS,
      commitIntervalMs: config.STREAM_COMMIT_INTERVAL_MS,
      consumerConfig: {
        maxBytesPerPartition: config.STREAM_MAX_BYTES_PER_PARTITION,
        sessionTimeout: config.STREAM_SESSION_TIMEOUT_MS,
        heartbeatInterval: Math.min(3_000, Math.floor(config.STREAM_SESSION_TIMEOUT_MS / 3)),
      },
      metrics,
      logger: logger.child({ component: 'stream' }),
    });
  }

  const freshness = new FreshnessTracker(metrics.registry, metrics.prefix, () => registry.loaded, () => ingestor?.freshness() ?? new Map());
  const materializer = new Materializer({ pool, store, registry: registryStore, registryCache: registry, freshness, logger });
  await materializer.primeFreshness().catch((error: unknown) => logger.warn({ err: error }, 'could not read past materializations'));

  const cache = onlineCacheFor(store, config.ONLINE_CACHE_MB, {
    metrics,
    onError: (error) => logger.warn({ component: 'online-cache', err: error.message }, 'online cache connection error'),
  });

  const app = await buildApp({ logger, metrics: exposed, registry, store, reader: cache, pool, materializer });
  const running = await runService({
    app,
    host: config.HOST,
    port: config.PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: async () => {
      registry.stop();
      await materializer.stop();
      await ingestor?.stop();
      await cache?.close();
      redis.disconnect();
      await pool.end();
    },
  });
  if (clustered) onPrimaryShutdown((reason) => running.shutdown(reason));

  if (ingestor) {
    await ingestor.start();
    logger.info({ topic: config.STREAM_TOPIC, group: config.STREAM_GROUP_ID }, 'stream ingestion started');
  }
  if (config.MATERIALIZE_SCHEDULE_ENABLED && lead) materializer.startSchedule();
}
