/**
 * Wasserstein-1 distance between the empirical distributions of two sorted samples: the area
 * between their cumulative distribution functions, in one merge pass.
 */
export function wasserstein1Sorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('both samples need at least one value');
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0]!, b[0]!);
  let area = 0;
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    area += Math.abs(i / n - j / m) * (x - previous);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    previous = x;
  }
  return area;
}

/** Smallest divisor, so that a constant reference column does not divide by zero (as Evidently). */
const MIN_STD = 0.001;

/** W1 in units of the reference's standard deviation, comparable across features. */
export function normalizedWasserstein(
  referenceSorted: ArrayLike<number>,
  currentSorted: ArrayLike<number>,
  referenceStd: number,
): number {
  return wasserstein1Sorted(referenceSorted, currentSorted) / Math.max(referenceStd, MIN_STD);
}
