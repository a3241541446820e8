import { z } from 'zod';
import { RECOVERY_ACTIONS, RETRY_STRATEGIES } from './events.js';

/*
 * What a trained model version carries in the registry, so that the trainer that writes it and
 * ml-serving that loads it agree on every byte: the registered model names, the artifact layout
 * under a run, and the signature that says how a feature vector is built, what the ONNX graph
 * answers and how its scores are calibrated.
 */

/** The four model tasks of the platform, one feature service and one endpoint each. */
export const MODEL_TASKS = ['fraud', 'churn', 'retry', 'recovery'] as const;
export const ModelTask = z.enum(MODEL_TASKS);
export type ModelTask = z.infer<typeof ModelTask>;

/** Registered model name per task. */
export const REGISTERED_MODEL_NAMES = {
  fraud: 'fraud-detector',
  churn: 'churn-predictor',
  retry: 'retry-strategy',
  recovery: 'recovery-recommender',
} as const satisfies Record<ModelTask, string>;

/** Outcome classes of the multiclass tasks, in the order of the model's probability outputs. */
export const MODEL_CLASSES = {
  fraud: ['legitimate', 'fraud'],
  churn: ['retained', 'churned'],
  retry: RETRY_STRATEGIES,
  recovery: RECOVERY_ACTIONS,
} as const satisfies Record<ModelTask, readonly string[]>;

/** The aliases a version may hold: serving routes to `champion` and `challenger`. */
export const MODEL_ALIASES = { champion: 'champion', challenger: 'challenger' } as const;

/** Artifact paths under a run's artifact root. The version's source is `<run artifact uri>/model`. */
export const MODEL_ARTIFACTS = {
  onnx: 'model/model.onnx',
  json: 'model/model.json',
  signature: 'model/signature.json',
  referenceProfile: 'monitoring/reference_profile.json',
  evaluation: 'evaluation/metrics.json',
} as const;

/** How one input of the model's vector is derived from the features the feature service returns. */
export const ModelInputKind = z
  .enum(['numeric', 'boolean', 'categorical', 'age_days'])
  .describe(
    '`numeric`: the number as is. `boolean`: 1 or 0. `categorical`: the index of the value in ' +
      '`categories`; a value not listed, or a missing one, is NaN (the model learned a direction ' +
      'for missing values). `age_days`: a timestamp feature turned into days before the scoring ' +
      'time (event_timestamp in training, the request time in serving). Missing values (any ' +
      'status but PRESENT) are NaN in every kind.',
  );
export type ModelInputKind = z.infer<typeof ModelInputKind>;

export const ModelInput = z
  .object({
    name: z.string().min(1).describe('Feature name as the feature service names it (no view prefix).'),
    kind: ModelInputKind,
    categories: z
      .array(z.string())
      .optional()
      .describe('Categorical inputs only: the known values; a value is encoded as its index.'),
  })
  .meta({ id: 'ModelInput' });
export type ModelInput = z.infer<typeof ModelInput>;

export const ScoreCalibration = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('isotonic'), x: z.array(z.number()), y: z.array(z.number()) }),
    z.object({ kind: z.literal('platt'), a: z.number(), b: z.number() }),
  ])
  .describe("Binary tasks: applied to the ONNX graph's positive-class probability (boosting's calibrate).");
export type ScoreCalibration = z.infer<typeof ScoreCalibration>;

/** `model/signature.json`: everything serving needs besides the ONNX bytes. */
export const ModelSignature = z
  .object({
    format: z.literal('payments-mlops.model-signature/1'),
    task: ModelTask,
    objective: z.enum(['binary', 'multiclass']),
    classes: z.array(z.string().min(1)).min(2).describe('Class names in the order of the probability outputs.'),
    feature_service: z.object({ name: z.string().min(1), version: z.string().min(1) }),
    inputs: z.array(ModelInput).min(1).describe("The model's input vector, in order."),
    onnx: z.object({
      path: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      input_name: z.string().min(1),
      probabilities_output: z.string().min(1),
    }),
    calibration: ScoreCalibration.nullable(),
    /** Trees in the model (for the serving latency budget) and training seed (reproducibility). */
    num_trees: z.number().int().min(1),
    seed: z.number().int(),
    trained_at: z.string().datetime(),
    dataset_digest: z.string().min(1).describe('Digest of the training snapshot (the lineage tag repeated).'),
  })
  .meta({ id: 'ModelSignature', description: 'How to feed and read a registered model version.' });
export type ModelSignature = z.infer<typeof ModelSignature>;
