import { TOPICS } from '@payments-mlops/contracts';
import { BaseServiceConfig, envBoolean, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

const envNumber = (min: number, max: number) => z.coerce.number().min(min).max(max);

/** model-monitor's environment; every variable has a local default. */
export const ModelMonitorConfig = BaseServiceConfig.extend({
  PORT: envInteger({ min: 0, max: 65535 }).default(8004),
  WAREHOUSE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/payments'),
  /** Schema of the prediction log; the label tables are read from the warehouse's own (public). */
  MONITOR_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a schema name')
    .default('model_monitor'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((brokers) =>
      brokers
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    ),
  PREDICTION_LOG_TOPIC: z.string().default(TOPICS.predictions),
  PREDICTION_SINK_ENABLED: envBoolean.default(true),
  PREDICTION_SINK_GROUP_ID: z.string().default('model-monitor-sink'),
  /** Days of predictions kept; older day partitions are dropped. */
  PREDICTION_LOG_RETENTION_DAYS: envInteger({ min: 1 }).default(90),
  /** The rolling window the scheduled evaluation compares with each version's reference. */
  MONITOR_WINDOW_MINUTES: envInteger({ min: 1 }).default(60),
  /** Newest predictions read per window at most. */
  MONITOR_MAX_WINDOW_ROWS: envInteger({ min: 100 }).default(100_000),
  /** How often drift and performance gauges are recomputed; 0 turns the schedule off. */
  MONITOR_INTERVAL_SECONDS: envInteger({ min: 0 }).default(60),
  /** Distance (Wasserstein, Jensen-Shannon) above which a feature drifted. */
  DRIFT_DISTANCE_THRESHOLD: envNumber(0, 10).default(0.1),
  /** K-S and chi-squared p-value below which a feature drifted (small references). */
  DRIFT_P_VALUE_THRESHOLD: envNumber(0, 1).default(0.05),
  /** Share of drifted features at which the dataset drifted. */
  DATASET_DRIFT_SHARE: envNumber(0, 1).default(0.5),
  /** Rolling window of the realized performance (labels arrive late, so it is longer). */
  PERFORMANCE_WINDOW_DAYS: envInteger({ min: 1 }).default(30),
  /** Predictions younger than this have no final label yet (chargebacks take weeks). */
  FRAUD_LABEL_MATURITY_DAYS: envInteger({ min: 0 }).default(14),
  /** A customer who churns within this horizon after a churn prediction is a positive. */
  CHURN_LABEL_HORIZON_DAYS: envInteger({ min: 1 }).default(30),
  /** Labelled predictions a window needs before its degradation is reported (and can alert). */
  MONITOR_MIN_LABELLED_PREDICTIONS: envInteger({ min: 1 }).default(200),
  /** …and of each class (a fraud window needs this many chargebacks). */
  MONITOR_MIN_LABELLED_PER_CLASS: envInteger({ min: 1 }).default(10),
  MLFLOW_TRACKING_URI: z.string().default('http://127.0.0.1:5000'),
  MLFLOW_TRACKING_TOKEN: z.string().optional(),
});
export type ModelMonitorConfig = z.infer<typeof ModelMonitorConfig>;
