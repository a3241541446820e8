import { pairTotals } from './count-vectors.js';

/** Share used for an empty bin, so that the logarithm stays finite (the usual PSI convention). */
const EMPTY_SHARE = 0.0001;

/** Population stability index Σ (c − r) ln(c / r) over the bins' shares of two count vectors. */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const [totalReference, totalCurrent] = pairTotals(reference, current);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]! / totalReference, EMPTY_SHARE);
    const c = Math.max(current[i]! / totalCurrent, EMPTY_SHARE);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * Counts of a sorted sample in the bins (−∞, e₀], (e₀, e₁], …, (eₖ₋₁, ∞) of sorted edges, in
 * one merge pass.
 */
export function binSortedCounts(sorted: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    while (bin < edges.length && v > edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts;
}

/** Distinct inner deciles of a reference's percentile sketch: the PSI bin edges of a numeric column. */
export function decileEdges(quantiles: readonly number[]): number[] {
  if (quantiles.length < 2) return [];
  const edges: number[] = [];
  for (let k = 1; k < 10; k++) {
    const position = (k / 10) * (quantiles.length - 1);
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, quantiles.length - 1);
    const edge = quantiles[lo]! + (position - lo) * (quantiles[hi]! - quantiles[lo]!);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}
