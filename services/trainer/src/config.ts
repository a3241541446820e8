import { MODEL_TASKS, ModelTask } from '@payments-mlops/contracts';
import { BaseServiceConfig, envBoolean, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** trainer's environment; every variable has a local default. */
export const TrainerConfig = BaseServiceConfig.extend({
  PORT: envInteger({ min: 0, max: 65535 }).default(8003),
  WAREHOUSE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/payments'),
  /** Job history: this schema of the warehouse database (created and migrated at start-up). */
  TRAINER_DB_SCHEMA: z.string().regex(SCHEMA_NAME, 'must be a schema name').default('trainer'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  FEATURE_PROJECT: z.string().default('payments_mlops'),
  FEATURE_REGISTRY_SCHEMA: z.string().regex(SCHEMA_NAME, 'must be a schema name').default('feature_store'),
  REGISTRY_REFRESH_MS: envInteger({ min: 100 }).default(2_000),
  MLFLOW_TRACKING_URI: z.url().default('http://127.0.0.1:5000'),
  MLFLOW_TRACKING_TOKEN: z.string().optional(),
  S3_ENDPOINT_URL: z.url().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().default('minioadmin'),
  AWS_SECRET_ACCESS_KEY: z.string().default('minioadmin'),
  /** Training snapshots (Parquet, named by digest) go to this bucket, created if missing. */
  TRAINER_DATASET_BUCKET: z.string().min(3).default('training-datasets'),
  /** Scratch space for artifacts before they are uploaded. */
  TRAINER_WORK_DIR: z.string().default('.data/trainer'),
  /** Run materialize-incremental before training, so serving has the features the model saw. */
  TRAINER_MATERIALIZE_FIRST: envBoolean.default(true),
  /** Retrain every task on a fixed interval. */
  TRAINER_SCHEDULE_ENABLED: envBoolean.default(false),
  TRAINER_SCHEDULE_INTERVAL_MINUTES: envInteger({ min: 1 }).default(1_440),
  TRAINER_SCHEDULE_TASKS: z
    .string()
    .default(MODEL_TASKS.join(','))
    .transform((text) => text.split(',').map((task) => task.trim()).filter(Boolean))
    .pipe(z.array(ModelTask).min(1)),
  /** Bearer token the retraining webhook requires; unset: no token needed (a developer's machine). */
  TRAINER_WEBHOOK_TOKEN: z.string().min(16).optional(),
  /** Jobs kept running at once across tasks (one per task at most, whatever this says). */
  TRAINER_MAX_CONCURRENT_JOBS: envInteger({ min: 1, max: 4 }).default(1),
});
export type TrainerConfig = z.infer<typeof TrainerConfig>;
