import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelTask } from '@payments-mlops/contracts';
import { parse } from 'yaml';
import { z } from 'zod';

/** Where the four declarative model definitions live: models/<task>/config.yaml. */
export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

const BoostingParams = z.strictObject({
  numRounds: z.number().int().min(1).max(5000),
  learningRate: z.number().positive().max(1),
  numLeaves: z.number().int().min(2).max(1024),
  maxDepth: z.number().int().min(0).optional(),
  minDataInLeaf: z.number().int().min(1),
  lambdaL2: z.number().min(0).optional(),
  featureFraction: z.number().positive().max(1).optional(),
  baggingFraction: z.number().positive().max(1).optional(),
  baggingFreq: z.number().int().min(0).optional(),
  scalePosWeight: z.number().positive().optional(),
  maxBin: z.number().int().min(2).max(255).optional(),
  earlyStoppingRounds: z.number().int().min(1),
  metric: z.enum(['binary_logloss', 'auc', 'average_precision', 'multi_logloss', 'multi_error']),
  seed: z.number().int(),
});
export type BoostingParams = z.infer<typeof BoostingParams>;

export const PrimaryMetric = z.enum(['pr_auc', 'roc_auc', 'policy_value']);
export type PrimaryMetric = z.infer<typeof PrimaryMetric>;

/** One model pipeline, as models/<task>/config.yaml declares it. */
export const ModelConfig = z.strictObject({
  task: ModelTask,
  description: z.string().min(1),
  feature_service: z.string().min(1),
  objective: z.enum(['binary', 'multiclass']),
  label: z.strictObject({
    definition: z.string().min(1).describe('What the label is, in words; the SQL lives in the pipeline code.'),
    /** Rows more recent than this at the cut-off are left out: their outcome may not be known yet. */
    delay_days: z.number().min(0),
  }),
  window: z.strictObject({
    /** Days of history, ending `label.delay_days` before the cut-off. */
    days: z.number().positive(),
    /** Most rows kept (the latest ones when more): bounds memory and time on large histories. */
    max_rows: z.number().int().positive().optional(),
    /**
     * Binary tasks: keep every positive and this share of the negatives (chosen by a hash of the
     * row key, so the same data gives the same rows), weighting the kept negatives by its inverse
     * in training and evaluation: a fraction of the work, the same estimates.
     */
    negative_sample_rate: z.number().positive().max(1).optional(),
  }),
  split: z.strictObject({ validation: z.number().positive().max(0.5), test: z.number().positive().max(0.5) }),
  params: BoostingParams,
  categories: z.strictObject({ min_count: z.number().int().min(1) }).default({ min_count: 20 }),
  primary_metric: PrimaryMetric,
  /** Binary tasks: the columns the evaluation breaks metrics down by. */
  segments: z.array(z.string().min(1)).default([]),
  /** Multiclass policy tasks: what a failed attempt costs, in units of one success. */
  failure_cost: z.number().min(0).default(0),
  gates: z.strictObject({
    min_improvement: z.number().min(0).describe('Over the champion, on the primary metric, on the same test set.'),
    max_calibration_worsening: z.number().min(0).describe('Expected calibration error may exceed the champion\'s by at most this.'),
    max_parity_error: z.number().positive().describe('Largest |ONNX − model| probability difference accepted.'),
    max_latency_p99_ms: z.number().positive().describe('onnxruntime, one row per call: p99 of the CPU time a call takes.'),
  }),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

/** Reads and validates models/<task>/config.yaml; every problem is named with its path. */
export async function loadModelConfig(task: ModelTask, directory = MODELS_DIR): Promise<ModelConfig> {
  const file = path.join(directory, task, 'config.yaml');
  const parsed = ModelConfig.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ModelConfigError(`${file}: ${problems.join('; ')}`);
  }
  if (parsed.data.task !== task) throw new ModelConfigError(`${file}: task is '${parsed.data.task}', expected '${task}'`);
  return parsed.data;
}
