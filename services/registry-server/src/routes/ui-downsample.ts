/**
 * Which points of a long metric history to keep so that a chart of it still shows what matters:
 * the series is cut into equal runs of consecutive points, and each run keeps its lowest and its
 * highest value, in their original order; the first and last points are always kept. Unlike
 * keeping every k-th point, a spike or a dip anywhere in the history survives. Non-finite values
 * (NaN, ±Infinity) never win the minimum or maximum; a run holding nothing else keeps its first
 * point so the gap still shows.
 *
 * Returns the kept indices, ascending; at most `maxPoints` (at least 4) of them.
 */
export function minMaxIndices(values: Float64Array, maxPoints: number): Uint32Array {
  const n = values.length;
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, index) => index);
  if (maxPoints < 4) throw new RangeError(`maxPoints must be at least 4, got ${maxPoints}`);

  const interior = n - 2;
  const buckets = Math.floor((maxPoints - 2) / 2);
  const kept = new Uint32Array(2 + 2 * buckets);
  let count = 0;
  kept[count++] = 0;
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const start = 1 + Math.floor((bucket * interior) / buckets);
    const end = 1 + Math.floor(((bucket + 1) * interior) / buckets);
    let low = -1;
    let high = -1;
    for (let index = start; index < end; index += 1) {
      const value = values[index]!;
      if (!Number.isFinite(value)) continue;
      if (low === -1 || value < values[low]!) low = index;
      if (high === -1 || value > values[high]!) high = index;
    }
    if (low === -1) {
      if (start < end) kept[count++] = start;
      continue;
    }
    kept[count++] = Math.min(low, high);
    if (low !== high) kept[count++] = Math.max(low, high);
  }
  kept[count++] = n - 1;
  return kept.slice(0, count);
}
