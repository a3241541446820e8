import { pairTotals } from './count-vectors.js';

/**
 * Jensen-Shannon distance (base 2, so in [0, 1]) between two count vectors over the same
 * categories: the square root of the mean Kullback-Leibler divergence of each from their mixture.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [totalP, totalQ] = pairTotals(p, q);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / totalP;
    const qi = q[i]! / totalQ;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergence += 0.5 * pi * Math.log2(pi / mi);
    if (qi > 0) divergence += 0.5 * qi * Math.log2(qi / mi);
  }
  return Math.sqrt(Math.max(divergence, 0));
}
