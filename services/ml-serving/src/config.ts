import { MODEL_TASKS, RECOVERY_ACTIONS, TOPICS, type ModelTask, type RecoveryAction } from '@payments-mlops/contracts';
import { BaseServiceConfig, envBoolean, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

const probability = z.coerce.number({ error: 'must be a number' }).min(0, { error: 'must be at least 0' }).max(1, { error: 'must be at most 1' });

/** `fraud=0.1,retry=0.5`: a value per model task, tasks left out take the default. */
function perTask<T>(value: z.ZodType<T>, fallback: T) {
  return z
    .string()
    .transform((text, context) => {
      const out = Object.fromEntries(MODEL_TASKS.map((task) => [task, fallback])) as Record<ModelTask, T>;
      for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const [task, raw] = entry.split('=').map((part) => part.trim());
        if (!MODEL_TASKS.includes(task as ModelTask) || raw === undefined) {
          context.addIssue({ code: 'custom', message: `'${entry}' must be <task>=<value> with task one of ${MODEL_TASKS.join(', ')}` });
          return z.NEVER;
        }
        const parsed = value.safeParse(raw);
        if (!parsed.success) {
          context.addIssue({ code: 'custom', message: `${task}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
          return z.NEVER;
        }
        out[task as ModelTask] = parsed.data;
      }
      return out;
    })
    .default(Object.fromEntries(MODEL_TASKS.map((task) => [task, fallback])) as Record<ModelTask, T>);
}

const taskList = z
  .string()
  .transform((text, context) => {
    const tasks = text.split(',').map((part) => part.trim()).filter(Boolean);
    const wrong = tasks.filter((task) => !MODEL_TASKS.includes(task as ModelTask));
    if (wrong.length > 0) context.addIssue({ code: 'custom', message: `unknown task ${wrong.join(', ')}; tasks are ${MODEL_TASKS.join(', ')}` });
    return new Set(tasks as ModelTask[]);
  })
  .default(new Set<ModelTask>());

/** `reminder_email=5,card_update_request=20`: cost of each recovery action in minor units. */
const actionCosts = z
  .string()
  .transform((text, context) => {
    const costs: Partial<Record<RecoveryAction, number>> = {};
    for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [action, raw] = entry.split('=').map((part) => part.trim());
      const cost = Number(raw);
      if (!RECOVERY_ACTIONS.includes(action as RecoveryAction) || !Number.isInteger(cost) || cost < 0) {
        context.addIssue({ code: 'custom', message: `'${entry}' must be <action>=<non-negative integer cents>, action one of ${RECOVERY_ACTIONS.join(', ')}` });
        return z.NEVER;
      }
      costs[action as RecoveryAction] = cost;
    }
    return costs;
  })
  .default({});

/** ml-serving's environment; every variable has a local default. */
export const MlServingConfig = BaseServiceConfig.extend({
  PORT: envInteger({ min: 0, max: 65535 }).default(8002),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  /** The feature definitions (feature registry) live in the warehouse database. */
  WAREHOUSE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/payments'),
  FEATURE_PROJECT: z.string().default('payments_mlops'),
  FEATURE_REGISTRY_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a schema name').default('feature_store'),
  REGISTRY_REFRESH_MS: envInteger({ min: 100 }).default(2_000),
  /** Overrides feature_store.yaml's online key prefix (a benchmark's own keys in a shared Redis). */
  SERVING_ONLINE_KEY_PREFIX: z.string().min(1).optional(),
  MLFLOW_TRACKING_URI: z.url().default('http://127.0.0.1:5000'),
  MLFLOW_TRACKING_TOKEN: z.string().optional(),
  /** How often the model aliases are checked for a new version. */
  SERVING_MODEL_POLL_MS: envInteger({ min: 100 }).default(5_000),
  /**
   * Memory for entity view states kept in this process and answered without a Redis round trip
   * until Redis reports them changed (server-assisted client-side caching, one Redis node only),
   * in MiB per serving process; 0 turns it off. A state takes about 0.4 kB (a batch row) to a few
   * kB (a busy entity's window state).
   */
  SERVING_ONLINE_CACHE_MB: envInteger({ min: 0, max: 65_536 }).default(64),
  /** Past this, the online features are given up and the request is answered degraded. */
  SERVING_FEATURE_DEADLINE_MS: envInteger({ min: 1, max: 10_000 }).default(25),
  /** Share of each task's traffic routed to `challenger` (by entity hash), e.g. `fraud=0.1`. */
  SERVING_CHALLENGER_WEIGHTS: perTask(probability, 0),
  /** Tasks whose challenger scores every request in shadow (logged, never returned), e.g. `fraud,churn`. */
  SERVING_SHADOW_TASKS: taskList,
  FRAUD_REVIEW_THRESHOLD: probability.default(0.35),
  FRAUD_DECLINE_THRESHOLD: probability.default(0.8),
  CHURN_MEDIUM_THRESHOLD: probability.default(0.3),
  CHURN_HIGH_THRESHOLD: probability.default(0.6),
  CHURN_HORIZON_DAYS: envInteger({ min: 1, max: 366 }).default(30),
  /** The platform cap on attempts per payment, whatever the card network allows. */
  RETRY_MAX_ATTEMPTS: envInteger({ min: 1, max: 50 }).default(8),
  /** The shortest delay before a retry is submitted. */
  RETRY_MIN_DELAY_SECONDS: envInteger({ min: 0, max: 86_400 }).default(60),
  /**
   * Reason codes by exact path-dependent TreeSHAP (`treeshap`, milliseconds per request on 200
   * deep trees) or by decision-path attribution (`path`, microseconds; additive, not Shapley).
   */
  SERVING_REASONS: z.enum(['treeshap', 'path']).default('treeshap'),
  /**
   * Serving processes (node:cluster): 1 serves in this process; more fork that many workers, each
   * with its own models and clients, on the shared port, and the primary only supervises them.
   */
  SERVING_WORKERS: envInteger({ min: 1, max: 64 }).default(1),
  /** Publish every answer to the prediction log (Kafka), off the request path. */
  SERVING_PREDICTION_LOG_ENABLED: envBoolean.default(true),
  /** Share of answers published to the prediction log. */
  SERVING_PREDICTION_LOG_SAMPLE_RATE: probability.default(1),
  /** Longest an answer waits to be published (Kafka's linger.ms). */
  SERVING_PREDICTION_LOG_LINGER_MS: envInteger({ min: 0, max: 60_000 }).default(200),
  /**
   * Most JSON in one produce request, in KiB; a full batch goes before its linger is over
   * (Kafka's batch.size). kafkajs encodes a request in one synchronous stretch, ~7 ms per MB here.
   */
  SERVING_PREDICTION_LOG_BATCH_KB: envInteger({ min: 1, max: 16_384 }).default(64),
  PREDICTION_LOG_TOPIC: z.string().min(1).default(TOPICS.predictions),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((brokers) => brokers.split(',').map((broker) => broker.trim()).filter(Boolean)),
  /** Cost of each recovery action in minor units, overriding the defaults. */
  RECOVERY_ACTION_COSTS_CENTS: actionCosts,
}).check((context) => {
  const config = context.value;
  if (config.FRAUD_REVIEW_THRESHOLD > config.FRAUD_DECLINE_THRESHOLD) {
    context.issues.push({ code: 'custom', input: config.FRAUD_REVIEW_THRESHOLD, path: ['FRAUD_REVIEW_THRESHOLD'], message: 'must be at most FRAUD_DECLINE_THRESHOLD' });
  }
  if (config.CHURN_MEDIUM_THRESHOLD > config.CHURN_HIGH_THRESHOLD) {
    context.issues.push({ code: 'custom', input: config.CHURN_MEDIUM_THRESHOLD, path: ['CHURN_MEDIUM_THRESHOLD'], message: 'must be at most CHURN_HIGH_THRESHOLD' });
  }
});
export type MlServingConfig = z.infer<typeof MlServingConfig>;
