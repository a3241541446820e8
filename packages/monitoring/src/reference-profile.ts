import {
  REFERENCE_PROFILE_FORMAT,
  type CategoricalProfile,
  type ModelTask,
  type NumericProfile,
  type ReferenceProfile,
} from '@payments-mlops/contracts';
import {
  categoryCounts,
  inferColumnKind,
  sortedFinite,
  type ColumnKind,
  type ColumnValues,
} from './column-values.js';

export interface ReferenceProfileInput {
  task: ModelTask;
  /** The training (or validation) columns by feature name, as the model's inputs are named. */
  features: Record<string, ColumnValues>;
  /** Overrides the kind inferred from the values (a number-coded category, say). */
  kinds?: Record<string, ColumnKind>;
  /** Predicted probability per class name, one entry per row. */
  scores: Record<string, ArrayLike<number>>;
  /** Values kept per numeric column for Wasserstein and K-S (5,000 by default). */
  sampleSize?: number;
  /** Points of the quantile sketch (101 by default: percentiles). */
  quantilePoints?: number;
  createdAt?: Date;
}

const DEFAULT_SAMPLE_SIZE = 5_000;
const DEFAULT_QUANTILE_POINTS = 101;

/** Linear interpolation between order statistics (numpy's default `linear` method). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Evenly spaced order statistics: deterministic, and uniform over the sorted values. */
function evenSample(sorted: Float64Array, size: number): number[] {
  if (sorted.length <= size) return Array.from(sorted);
  const out = new Array<number>(size);
  const step = sorted.length / size;
  for (let i = 0; i < size; i++) out[i] = sorted[Math.floor((i + 0.5) * step)]!;
  return out;
}

export function profileNumeric(
  values: ColumnValues,
  options: { sampleSize?: number; quantilePoints?: number } = {},
): NumericProfile {
  const { sorted, missing } = sortedFinite(values);
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
  const points = options.quantilePoints ?? DEFAULT_QUANTILE_POINTS;
  const quantiles =
    n === 0
      ? []
      : Array.from({ length: points }, (_, i) => quantileOfSorted(sorted, i / (points - 1)));
  return {
    kind: 'numeric',
    count: n,
    missing,
    mean,
    std: n > 0 ? Math.sqrt(squares / n) : 0,
    min: n > 0 ? sorted[0]! : 0,
    max: n > 0 ? sorted[n - 1]! : 0,
    quantiles,
    sample: evenSample(sorted, options.sampleSize ?? DEFAULT_SAMPLE_SIZE),
  };
}

export function profileCategorical(values: ColumnValues): CategoricalProfile {
  const { counts, missing } = categoryCounts(values);
  const frequencies: Record<string, number> = {};
  let count = 0;
  for (const [key, rows] of [...counts].sort((a, b) => b[1] - a[1])) {
    frequencies[key] = rows;
    count += rows;
  }
  return { kind: 'categorical', count, missing, frequencies };
}

/**
 * The profile the trainer writes at `monitoring/reference_profile.json` of a run: every model
 * input and every class score of the reference rows, in the form the drift monitor compares with.
 */
export function buildReferenceProfile(input: ReferenceProfileInput): ReferenceProfile {
  const options = { sampleSize: input.sampleSize, quantilePoints: input.quantilePoints };
  let rowCount = -1;
  const checkRows = (name: string, length: number): void => {
    if (rowCount === -1) rowCount = length;
    else if (length !== rowCount) {
      throw new RangeError(`column ${name} has ${length} rows, expected ${rowCount}`);
    }
  };
  const features: ReferenceProfile['features'] = {};
  for (const [name, values] of Object.entries(input.features)) {
    checkRows(name, values.length);
    const kind = input.kinds?.[name] ?? inferColumnKind(values);
    features[name] =
      kind === 'numeric' ? profileNumeric(values, options) : profileCategorical(values);
  }
  const scores: ReferenceProfile['scores'] = {};
  for (const [name, values] of Object.entries(input.scores)) {
    checkRows(`score ${name}`, values.length);
    scores[name] = profileNumeric(values, options);
  }
  return {
    format: REFERENCE_PROFILE_FORMAT,
    task: input.task,
    created_at: (input.createdAt ?? new Date()).toISOString(),
    row_count: Math.max(rowCount, 0),
    features,
    scores,
  };
}
