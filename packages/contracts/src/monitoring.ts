import { z } from 'zod';
import { EntityId, Timestamp } from './common.js';
import { ModelTask } from './training.js';

/*
 * Monitoring contracts: the prediction log ml-serving publishes on `ml.predictions`, the
 * reference profile the trainer writes at `monitoring/reference_profile.json` of each run, and
 * the drift and performance reports the model monitor answers with.
 */

/** The inference endpoint per task, as the prediction log and the serving metrics name it. */
export const MONITORED_ENDPOINTS = {
  fraud: '/fraud/score',
  retry: '/retry/strategy',
  churn: '/churn/predict',
  recovery: '/recovery/recommend',
} as const satisfies Record<ModelTask, string>;

const MAX_MODEL_VERSION = 2 ** 31 - 1;

/**
 * The path parameters of a model version's monitoring reports (model-monitor's, and the
 * registry's proxy of them). A version is a registry version number: MLflow stores it as a
 * 32-bit integer, so a longer number names no version and is refused here as bad input.
 */
export const ModelVersionPathParams = z.object({
  name: z
    .string()
    .min(1)
    .max(256)
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
    .describe('Registered model name, e.g. `fraud-detector`.'),
  version: z
    .string()
    .regex(/^[0-9]{1,10}$/, 'must be a version number')
    .refine((version) => Number(version) <= MAX_MODEL_VERSION, `must be a version number of at most ${MAX_MODEL_VERSION}`)
    .describe('Registered model version.'),
});

/** The value of one feature as the model saw it; null when missing. */
export const LoggedFeatureValue = z.union([z.number(), z.string().max(256), z.boolean(), z.null()]);
export type LoggedFeatureValue = z.infer<typeof LoggedFeatureValue>;

/** One served prediction, a message on `ml.predictions` and a row of the prediction log. */
export const PredictionLogRecord = z
  .object({
    request_id: z.string().min(1).max(128),
    task: ModelTask,
    endpoint: z.string().min(1).max(64).describe('The endpoint path, e.g. `/fraud/score`.'),
    entity_ids: z
      .record(z.string().min(1).max(64), EntityId)
      .describe(
        'The entities of the request by key name: `payment_id`, `customer_id`, `merchant_id`, …',
      ),
    features: z
      .record(z.string().min(1).max(128), LoggedFeatureValue)
      .describe('Every model input by feature name, as fed to the model (before encoding).'),
    scores: z
      .record(z.string().min(1).max(64), z.number().min(0).max(1))
      .describe('Probability per class name (binary tasks: both classes).'),
    model: z.object({
      name: z.string().min(1).max(256),
      version: z.string().min(1).max(32),
      alias: z.enum(['champion', 'challenger', 'shadow']),
    }),
    decision: z
      .string()
      .min(1)
      .max(64)
      .describe('What the answer told the caller: risk level, strategy, action.'),
    degraded: z.boolean(),
    latency_ms: z.number().min(0),
    timestamp: Timestamp.describe('When the prediction was answered.'),
  })
  .meta({ id: 'PredictionLogRecord' });
export type PredictionLogRecord = z.infer<typeof PredictionLogRecord>;

/** The Kafka header that names the form of a message on `ml.predictions`. */
export const PREDICTION_LOG_FORMAT_HEADER = 'format';
/** The Kafka header that gives the number of predictions in a batched message. */
export const PREDICTION_LOG_COUNT_HEADER = 'count';
/** Batched form: the value is newline-delimited JSON (see PredictionLogMessageHeaders). */
export const PREDICTION_LOG_NDJSON = 'payments-mlops.prediction-log.ndjson/1';

/**
 * The headers of a message on `ml.predictions`. Two forms are published and both must be read:
 * - batched (what ml-serving publishes): `format` is `payments-mlops.prediction-log.ndjson/1`,
 *   `count` the number of predictions, the key is absent, and the value is UTF-8 JSON objects
 *   separated by `\n` (no trailing newline; JSON text never holds a raw newline). Each line is
 *   one of:
 *   - a PredictionLogRecord;
 *   - a PredictionLogLayout: the feature names of the lines that name it further down the same
 *     message (it is not a prediction and is not counted);
 *   - a CompactPredictionLogRecord: a PredictionLogRecord whose `features` are the values alone,
 *     in the order of the layout its `layout` names.
 *   One message carries up to a few hundred predictions, so the producer encodes and checksums
 *   one Kafka record per batch, and each feature name once per message rather than per prediction.
 * - single: no `format` header, the key is the request id and the value one PredictionLogRecord.
 * A consumer treats a line (or a single value) that is not a valid prediction as malformed, and a
 * `count` larger than the predictions present as that many malformed predictions.
 */
export const PredictionLogMessageHeaders = z
  .object({
    format: z
      .literal(PREDICTION_LOG_NDJSON)
      .optional()
      .describe('Absent for the single form: the value is one PredictionLogRecord.'),
    count: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Predictions in the message (batched form).'),
  })
  .meta({ id: 'PredictionLogMessageHeaders' });
export type PredictionLogMessageHeaders = z.infer<typeof PredictionLogMessageHeaders>;

/** A line of a batched message naming the features of the compact lines that follow it. */
export const PredictionLogLayout = z
  .object({
    layout: z
      .string()
      .min(1)
      .max(256)
      .describe('Unique within the message, e.g. `fraud-detector@7`.'),
    features: z.array(z.string().min(1).max(128)).describe('Feature names, in value order.'),
  })
  .meta({ id: 'PredictionLogLayout' });
export type PredictionLogLayout = z.infer<typeof PredictionLogLayout>;

/** A prediction line of a batched message with its feature values in a layout's order. */
export const CompactPredictionLogRecord = PredictionLogRecord.omit({ features: true })
  .extend({
    layout: z.string().min(1).max(256),
    features: z.array(LoggedFeatureValue),
  })
  .meta({ id: 'CompactPredictionLogRecord' });
export type CompactPredictionLogRecord = z.infer<typeof CompactPredictionLogRecord>;

/**
 * The predictions of a message, each still to be checked against PredictionLogRecord: compact
 * lines are given their feature names, a line that is not JSON or names no layout of the message
 * is undefined, layout lines are left out. Undefined when `format` names a form not known here.
 */
export function readPredictionLogMessage(
  value: string,
  format: string | undefined,
): unknown[] | undefined {
  if (format === undefined) return [parseJson(value)];
  if (format !== PREDICTION_LOG_NDJSON) return undefined;
  if (value.length === 0) return [];
  const layouts = new Map<string, string[]>();
  const predictions: unknown[] = [];
  for (const line of value.split('\n')) {
    const parsed = parseJson(line);
    if (isObject(parsed) && !('request_id' in parsed) && 'layout' in parsed) {
      const layout = PredictionLogLayout.safeParse(parsed);
      // A layout line that is not one is a malformed prediction line.
      if (layout.success) layouts.set(layout.data.layout, layout.data.features);
      else predictions.push(undefined);
    } else if (isObject(parsed) && 'layout' in parsed) {
      predictions.push(expandCompact(parsed, layouts));
    } else predictions.push(parsed);
  }
  return predictions;
}

/** Names the values; the whole record is checked against PredictionLogRecord afterwards. */
function expandCompact(line: Record<string, unknown>, layouts: Map<string, string[]>): unknown {
  const { layout, features: values, ...rest } = line;
  const names = typeof layout === 'string' ? layouts.get(layout) : undefined;
  if (names === undefined || !Array.isArray(values) || values.length !== names.length)
    return undefined;
  const features: Record<string, unknown> = {};
  names.forEach((name, i) => (features[name] = values[i] as unknown));
  return { ...rest, features };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Where predictions go after each response; must never block or throw into the request. */
export interface PredictionSink {
  record(prediction: PredictionLogRecord): void;
  /**
   * The same as `record`, given the prediction already written as JSON (one line): a
   * PredictionLogRecord, or with `layout` a CompactPredictionLogRecord whose feature names
   * `layout.features` gives. A serializer compiled per model signature writes it several times
   * cheaper than building the object. Sinks that do not store JSON leave it out.
   */
  recordJson?(json: string, layout?: PredictionLogLayout): void;
}

/** A numeric column's distribution: moments, a quantile sketch and a sorted uniform sample. */
export const NumericProfile = z.object({
  kind: z.literal('numeric'),
  count: z.number().int().min(0).describe('Rows with a finite value.'),
  missing: z.number().int().min(0).describe('Rows where the value was null or NaN.'),
  mean: z.number(),
  std: z.number().min(0).describe('Population standard deviation.'),
  min: z.number(),
  max: z.number(),
  quantiles: z
    .array(z.number())
    .describe('Values at probabilities 0, 1/(n-1), …, 1 (101 points by default: percentiles).'),
  sample: z
    .array(z.number())
    .describe(
      'Sorted uniform sample of the finite values (all of them when few), for Wasserstein and K-S.',
    ),
});
export type NumericProfile = z.infer<typeof NumericProfile>;

/** A categorical column's distribution: the count per category value. */
export const CategoricalProfile = z.object({
  kind: z.literal('categorical'),
  count: z.number().int().min(0).describe('Rows with a value.'),
  missing: z.number().int().min(0),
  frequencies: z.record(z.string(), z.number().int().min(0)).describe('Rows per category value.'),
});
export type CategoricalProfile = z.infer<typeof CategoricalProfile>;

export const ColumnProfile = z.discriminatedUnion('kind', [NumericProfile, CategoricalProfile]);
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const REFERENCE_PROFILE_FORMAT = 'payments-mlops.reference-profile/1';

/** `monitoring/reference_profile.json`: what the served traffic is compared with. */
export const ReferenceProfile = z
  .object({
    format: z.literal(REFERENCE_PROFILE_FORMAT),
    task: ModelTask,
    created_at: Timestamp,
    row_count: z.number().int().min(0),
    features: z
      .record(z.string().min(1), ColumnProfile)
      .describe('Per model input, by feature name.'),
    scores: z
      .record(z.string().min(1), NumericProfile)
      .describe(
        'Per class name, the distribution of its predicted probability on the reference rows.',
      ),
  })
  .meta({ id: 'ReferenceProfile' });
export type ReferenceProfile = z.infer<typeof ReferenceProfile>;

export const DriftMethod = z.enum(['wasserstein', 'jensen_shannon', 'ks', 'chi_squared']);
export type DriftMethod = z.infer<typeof DriftMethod>;

/** One column's comparison of the current window with the reference. */
export const ColumnDrift = z.object({
  column: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  method: DriftMethod,
  /** Distance (wasserstein, jensen_shannon) or p-value (ks, chi_squared). */
  statistic: z.number(),
  threshold: z.number(),
  drifted: z.boolean(),
  psi: z.number(),
  current_count: z.number().int().min(0),
  reference_count: z.number().int().min(0),
});
export type ColumnDrift = z.infer<typeof ColumnDrift>;

export const DriftReport = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    window: z.object({ from: Timestamp, to: Timestamp, rows: z.number().int().min(0) }),
    features: z.array(ColumnDrift),
    scores: z.array(ColumnDrift),
    drifted_share: z.number().min(0).max(1),
    dataset_drift: z.boolean(),
    computed_at: Timestamp,
  })
  .meta({ id: 'DriftReport' });
export type DriftReport = z.infer<typeof DriftReport>;

export const PerformanceMetrics = z.object({
  rows: z.number().int().min(0),
  positives: z.number().int().min(0),
  roc_auc: z.number().nullable(),
  pr_auc: z.number().nullable(),
  accuracy: z.number().nullable(),
  /** Expected calibration error over ten equal-width score bins. */
  calibration_error: z.number().nullable(),
});
export type PerformanceMetrics = z.infer<typeof PerformanceMetrics>;

export const PerformanceReport = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    window: z.object({ from: Timestamp, to: Timestamp }),
    realized: PerformanceMetrics.describe('On the predictions whose labels have arrived.'),
    estimated: z
      .object({
        rows: z.number().int().min(0),
        roc_auc: z.number().nullable(),
        accuracy: z.number().nullable(),
      })
      .describe(
        'Confidence-based estimate (CBPE) over every prediction of the window, labelled or not.',
      ),
    test_metrics: z
      .record(z.string(), z.number())
      .describe("The version's test metrics in the registry run."),
    primary_metric: z.string(),
    degradation: z
      .number()
      .nullable()
      .describe('Relative drop of the primary metric against its test value.'),
    estimated_degradation: z
      .number()
      .nullable()
      .optional()
      .describe(
        'Relative drop of the estimated ROC AUC against test_roc_auc: a warning before labels arrive.',
      ),
    computed_at: Timestamp,
  })
  .meta({ id: 'PerformanceReport' });
export type PerformanceReport = z.infer<typeof PerformanceReport>;
