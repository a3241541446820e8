import type { LoggedFeatureValue } from '@payments-mlops/contracts';

/** A column of values: a typed array for numbers, or the values as logged (null when missing). */
export type ColumnValues = ArrayLike<number> | ReadonlyArray<LoggedFeatureValue | undefined>;

export type ColumnKind = 'numeric' | 'categorical';

/** Numeric when the first present value is a number (typed arrays always are). */
export function inferColumnKind(values: ColumnValues): ColumnKind {
  if (!Array.isArray(values)) return 'numeric';
  for (const v of values as ReadonlyArray<unknown>) {
    if (v === null || v === undefined) continue;
    return typeof v === 'number' ? 'numeric' : 'categorical';
  }
  return 'numeric';
}

/**
 * The finite numbers of a column, sorted ascending, and how many values were missing. Booleans
 * count as 1 and 0: training datasets carry them as numbers, serving logs them as JSON booleans.
 */
export function sortedFinite(values: ColumnValues): { sorted: Float64Array; missing: number } {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      if (Number.isFinite(v)) out[n++] = v;
    } else if (typeof v === 'boolean') out[n++] = v ? 1 : 0;
  }
  const sorted = out.subarray(0, n).sort();
  return { sorted, missing: values.length - n };
}

/** Rows per category, booleans and numbers as their string form; missing values apart. */
export function categoryCounts(values: ColumnValues): {
  counts: Map<string, number>;
  missing: number;
} {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      missing++;
      continue;
    }
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, missing };
}
