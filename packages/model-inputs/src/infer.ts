import type { FeatureValueType, ModelInput, ModelInputKind } from '@payments-mlops/contracts';
import type { DatasetColumnLike } from './encode.js';

/** The shape of feature-store's ResolvedFeature that inference reads. */
export interface FeatureLike {
  field: { name: string; dtype: FeatureValueType };
}

export interface InferOptions {
  /** A value seen fewer times than this in the training set is left out: it scores as unknown. */
  minCategoryCount?: number;
  /** At most this many categories per input, the most frequent (boosting keeps 254 per split). */
  maxCategories?: number;
}

/** A feature type's input kind; lists (Array(String)) have none and are left out of the vector. */
export function inputKindOf(dtype: FeatureValueType): ModelInputKind | undefined {
  switch (dtype) {
    case 'Int64':
    case 'Float64':
      return 'numeric';
    case 'Bool':
      return 'boolean';
    case 'UnixTimestamp':
      return 'age_days';
    case 'String':
      return 'categorical';
    case 'Array(String)':
      return undefined;
  }
}

/**
 * The model's input vector from a feature service's resolved features and its training set:
 * each feature's kind from its type, and for categorical ones the values seen at least
 * `minCategoryCount` times, most frequent first (ties by value, so the list is deterministic).
 */
export function inferModelInputs(
  features: readonly FeatureLike[],
  dataset: { columns: readonly DatasetColumnLike[] },
  { minCategoryCount = 10, maxCategories = 254 }: InferOptions = {},
): ModelInput[] {
  const byName = new Map(dataset.columns.map((column) => [column.name, column]));
  const inputs: ModelInput[] = [];
  for (const { field } of features) {
    const kind = inputKindOf(field.dtype);
    if (kind === undefined) continue;
    if (kind !== 'categorical') {
      inputs.push({ name: field.name, kind });
      continue;
    }
    const column = byName.get(field.name);
    if (column === undefined || column.dtype !== 'String') throw new Error(`dataset lacks String column '${field.name}'`);
    inputs.push({ name: field.name, kind, categories: frequentValues(column.values, minCategoryCount, maxCategories) });
  }
  return inputs;
}

function frequentValues(values: readonly (string | null)[], minCount: number, maxCount: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count >= minCount)
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxCount)
    .map(([value]) => value);
}
