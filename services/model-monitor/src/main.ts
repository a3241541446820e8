import { RegistryClient } from '@payments-mlops/registry-client';
import {
  createLogger,
  createMetrics,
  createPgPool,
  loadConfig,
  runService,
} from '@payments-mlops/service-kit';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { SERVICE_NAME, buildApp } from './app.js';
import { ModelMonitorConfig } from './config.js';
import { ModelMonitor } from './domain/model-monitor.js';
import { RegistryModelCatalog } from './domain/model-version-catalog.js';
import { PredictionSinkConsumer } from './domain/prediction-sink-consumer.js';
import { MonitorMetrics } from './monitor-metrics.js';
import { PredictionLogStore } from './stores/prediction-log-store.js';

const config = loadConfig(ModelMonitorConfig);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
const metrics = createMetrics(SERVICE_NAME);
const monitorMetrics = new MonitorMetrics(metrics.registry, metrics.prefix);

// The log lives in its own schema; the warehouse's label tables stay reachable through public.
const setup = new pg.Client({ connectionString: config.WAREHOUSE_DATABASE_URL });
await setup.connect();
await setup.query(`CREATE SCHEMA IF NOT EXISTS ${config.MONITOR_SCHEMA}`);
await setup.end();
const url = new URL(config.WAREHOUSE_DATABASE_URL);
url.searchParams.set('options', `-c search_path=${config.MONITOR_SCHEMA},public`);
const pool = createPgPool(url.toString(), { applicationName: SERVICE_NAME, max: 6, logger });

const store = new PredictionLogStore(pool, { retentionDays: config.PREDICTION_LOG_RETENTION_DAYS });
const applied = await store.migrate();
if (applied.length > 0) logger.info({ applied }, 'prediction log migrations applied');

const registry = new RegistryClient({
  baseUrl: config.MLFLOW_TRACKING_URI,
  ...(config.MLFLOW_TRACKING_TOKEN ? { token: config.MLFLOW_TRACKING_TOKEN } : {}),
});
const monitor = new ModelMonitor({
  store,
  pool,
  catalog: new RegistryModelCatalog(registry),
  metrics: monitorMetrics,
  logger,
  settings: {
    windowMinutes: config.MONITOR_WINDOW_MINUTES,
    maxWindowRows: config.MONITOR_MAX_WINDOW_ROWS,
    thresholds: {
      distance: config.DRIFT_DISTANCE_THRESHOLD,
      pValue: config.DRIFT_P_VALUE_THRESHOLD,
      smallReferenceRows: 1_000,
    },
    driftShare: config.DATASET_DRIFT_SHARE,
    performanceWindowDays: config.PERFORMANCE_WINDOW_DAYS,
    fraudMaturityDays: config.FRAUD_LABEL_MATURITY_DAYS,
    churnHorizonDays: config.CHURN_LABEL_HORIZON_DAYS,
    minLabelledRows: config.MONITOR_MIN_LABELLED_PREDICTIONS,
    minLabelledPerClass: config.MONITOR_MIN_LABELLED_PER_CLASS,
  },
});

let sink: PredictionSinkConsumer | undefined;
if (config.PREDICTION_SINK_ENABLED) {
  const kafka = new Kafka({
    clientId: SERVICE_NAME,
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
  });
  sink = new PredictionSinkConsumer({
    kafka,
    topic: config.PREDICTION_LOG_TOPIC,
    groupId: config.PREDICTION_SINK_GROUP_ID,
    store,
    metrics: monitorMetrics,
    logger: logger.child({ component: 'sink' }),
  });
}

let timer: NodeJS.Timeout | undefined;
let pass: Promise<unknown> = Promise.resolve();
const schedule = (): void => {
  if (config.MONITOR_INTERVAL_SECONDS === 0) return;
  timer = setTimeout(() => {
    pass = Promise.all([monitor.evaluateAll(), store.applyRetention()])
      .catch((error: unknown) =>
        logger.warn({ component: 'monitor', err: error }, 'monitoring pass failed'),
      )
      .finally(schedule);
  }, config.MONITOR_INTERVAL_SECONDS * 1_000);
};

const app = await buildApp({ logger, metrics, pool, monitor });
await runService({
  app,
  host: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    clearTimeout(timer);
    await pass;
    await sink?.stop();
    await pool.end();
  },
});

await sink?.start();
schedule();
