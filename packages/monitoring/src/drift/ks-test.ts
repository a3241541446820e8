import { kolmogorovSurvival } from './special-functions.js';

export interface KsResult {
  /** Largest gap between the two empirical CDFs. */
  statistic: number;
  /** Asymptotic two-sided p-value, with Stephens' small-sample correction. */
  pValue: number;
}

/** Two-sample Kolmogorov-Smirnov test on sorted samples. */
export function ksTwoSampleSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('both samples need at least one value');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovSurvival((en + 0.12 + 0.11 / en) * d) };
}
