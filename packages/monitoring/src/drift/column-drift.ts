import type {
  CategoricalProfile,
  ColumnDrift,
  ColumnProfile,
  NumericProfile,
} from '@payments-mlops/contracts';
import { categoryCounts, sortedFinite, type ColumnValues } from '../column-values.js';
import { chiSquaredTest } from './chi-squared.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ksTwoSampleSorted } from './ks-test.js';
import { binSortedCounts, decileEdges, populationStabilityIndex } from './psi.js';
import { normalizedWasserstein } from './wasserstein.js';

export interface DriftThresholds {
  /** Wasserstein (normalised) and Jensen-Shannon distances above this are drift (0.1). */
  distance: number;
  /** K-S and chi-squared p-values below this are drift (0.05). */
  pValue: number;
  /** References with at most this many rows are tested (K-S, chi-squared), larger ones measured (1,000). */
  smallReferenceRows: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  distance: 0.1,
  pValue: 0.05,
  smallReferenceRows: 1_000,
};

function numericDrift(
  column: string,
  reference: NumericProfile,
  current: ColumnValues,
  t: DriftThresholds,
): ColumnDrift {
  const { sorted } = sortedFinite(current);
  const small = reference.count <= t.smallReferenceRows;
  const base = {
    column,
    kind: 'numeric' as const,
    current_count: sorted.length,
    reference_count: reference.count,
  };
  if (sorted.length === 0 || reference.sample.length === 0) {
    return {
      ...base,
      method: small ? 'ks' : 'wasserstein',
      statistic: small ? 1 : 0,
      threshold: small ? t.pValue : t.distance,
      drifted: false,
      psi: 0,
    };
  }
  const edges = decileEdges(reference.quantiles);
  const psi = populationStabilityIndex(
    binSortedCounts(reference.sample, edges),
    binSortedCounts(sorted, edges),
  );
  if (small) {
    const { pValue } = ksTwoSampleSorted(reference.sample, sorted);
    return {
      ...base,
      method: 'ks',
      statistic: pValue,
      threshold: t.pValue,
      drifted: pValue < t.pValue,
      psi,
    };
  }
  const distance = normalizedWasserstein(reference.sample, sorted, reference.std);
  return {
    ...base,
    method: 'wasserstein',
    statistic: distance,
    threshold: t.distance,
    drifted: distance > t.distance,
    psi,
  };
}

function categoricalDrift(
  column: string,
  reference: CategoricalProfile,
  current: ColumnValues,
  t: DriftThresholds,
): ColumnDrift {
  const { counts } = categoryCounts(current);
  const keys = new Set([...Object.keys(reference.frequencies), ...counts.keys()]);
  const referenceCounts = new Float64Array(keys.size);
  const currentCounts = new Float64Array(keys.size);
  let k = 0;
  let currentTotal = 0;
  for (const key of keys) {
    referenceCounts[k] = reference.frequencies[key] ?? 0;
    currentCounts[k] = counts.get(key) ?? 0;
    currentTotal += currentCounts[k]!;
    k++;
  }
  const small = reference.count <= t.smallReferenceRows;
  const base = {
    column,
    kind: 'categorical' as const,
    current_count: currentTotal,
    reference_count: reference.count,
  };
  if (currentTotal === 0 || reference.count === 0) {
    return {
      ...base,
      method: small ? 'chi_squared' : 'jensen_shannon',
      statistic: small ? 1 : 0,
      threshold: small ? t.pValue : t.distance,
      drifted: false,
      psi: 0,
    };
  }
  const psi = populationStabilityIndex(referenceCounts, currentCounts);
  if (small) {
    const { pValue } = chiSquaredTest(referenceCounts, currentCounts);
    return {
      ...base,
      method: 'chi_squared',
      statistic: pValue,
      threshold: t.pValue,
      drifted: pValue < t.pValue,
      psi,
    };
  }
  const distance = jensenShannonDistance(referenceCounts, currentCounts);
  return {
    ...base,
    method: 'jensen_shannon',
    statistic: distance,
    threshold: t.distance,
    drifted: distance > t.distance,
    psi,
  };
}

/**
 * One column of the current window against its reference profile: Wasserstein (numeric) or
 * Jensen-Shannon (categorical) above `smallReferenceRows` reference rows, K-S or chi-squared at
 * or below it; PSI always. An empty current column is reported, never called drifted.
 */
export function detectColumnDrift(
  column: string,
  reference: ColumnProfile,
  current: ColumnValues,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): ColumnDrift {
  return reference.kind === 'numeric'
    ? numericDrift(column, reference, current, thresholds)
    : categoricalDrift(column, reference, current, thresholds);
}
