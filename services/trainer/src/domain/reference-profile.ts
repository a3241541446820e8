import { calibrateAll } from '@payments-mlops/boosting';
import type { ModelTask, ReferenceProfile } from '@payments-mlops/contracts';
import { buildReferenceProfile } from '@payments-mlops/monitoring';
import { testColumnsByName } from './evaluate-run.js';
import type { FittedModel } from './fit-model.js';
import type { TrainingSet } from './training-set.js';

/**
 * Rows the reference profile describes at most. Above 1,000 rows the monitor uses Wasserstein
 * and Jensen-Shannon distances, whose noise at this size is far below their 0.1 threshold; the
 * profile itself stays small (percentiles and 5,000 order statistics per column).
 */
export const REFERENCE_MAX_ROWS = 50_000;

/** A uniform number in [0, 1) from a row index and a seed (mulberry32's finaliser): the same data gives the same rows. */
function rowUniform(row: number, seed: number): number {
  let t = (Math.imul(row + 1, 0x9e3779b1) ^ Math.imul(seed, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * The rows of the whole training set (every period of the split) as the served traffic has them:
 * negative sampling kept every positive and a share of the negatives, weighted up; keeping each
 * row with probability weight / max weight undoes that, so the profile's shares are the
 * population's, not the sampled set's. At most `maxRows`, chosen uniformly; in time order.
 */
export function referenceRows(set: Pick<TrainingSet, 'labels'>, fitted: Pick<FittedModel, 'split'>, seed: number, maxRows = REFERENCE_MAX_ROWS): Int32Array {
  const all = [...fitted.split.train, ...fitted.split.validation, ...fitted.split.test].sort((a, b) => a - b);
  const weight = set.labels.weight;
  let maxWeight = 0;
  if (weight) for (const row of all) maxWeight = Math.max(maxWeight, weight[row]!);
  const kept = weight && maxWeight > 0 ? all.filter((row) => rowUniform(row, seed) < weight[row]! / maxWeight) : all;
  if (kept.length <= maxRows) return Int32Array.from(kept);
  const rate = maxRows / kept.length;
  return Int32Array.from(kept.filter((row) => rowUniform(row, seed ^ 0x5bd1e995) < rate).slice(0, maxRows));
}

/**
 * The reference profile written with the model (`monitoring/reference_profile.json`): every
 * model input but timestamps, and every class score, over `rows` of the training set, the scores the model's own
 * (calibrated for binary tasks), as serving answers them.
 */
export function buildRunReferenceProfile(task: ModelTask, set: Pick<TrainingSet, 'columns'>, fitted: FittedModel, rows: Int32Array, createdAt: Date): ReferenceProfile {
  const columns = testColumnsByName(set.columns, rows);
  const features: Record<string, Float64Array | (string | null)[]> = {};
  const kinds: Record<string, 'numeric' | 'categorical'> = {};
  fitted.inputs.forEach((input) => {
    const column = columns.get(input.name);
    // A timestamp's values move with the calendar (every week of serving would read as drift);
    // the model sees its age at the request, which the prediction log does not carry.
    if (column === undefined || column.dtype === 'Array(String)' || input.kind === 'age_days') return;
    features[input.name] = column.dtype === 'String' ? [...column.values] : column.values;
    kinds[input.name] = input.kind === 'categorical' ? 'categorical' : 'numeric';
  });
  const encoded = fitted.encoded.columns.map((column) => Float64Array.from(rows, (row) => column[row]!));
  const raw = fitted.model.predict({ columns: encoded });
  const probabilities = fitted.calibration ? calibrateAll(fitted.calibration, raw) : raw;
  const k = fitted.classes.length;
  const scores: Record<string, Float64Array> = {};
  fitted.classes.forEach((name, c) => {
    scores[name] =
      fitted.model.objective === 'multiclass'
        ? Float64Array.from({ length: rows.length }, (_, row) => probabilities[row * k + c]!)
        : Float64Array.from(probabilities, (p) => (c === 1 ? p : 1 - p));
  });
  return buildReferenceProfile({ task, features, kinds, scores, createdAt });
}
