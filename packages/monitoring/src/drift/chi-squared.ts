import { pairTotals } from './count-vectors.js';
import { chiSquaredSurvival } from './special-functions.js';

export interface ChiSquaredResult {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
}

/**
 * Goodness of fit of the current counts to the reference's category shares: expected counts are
 * the reference shares times the current total. A category the reference never saw makes the
 * statistic infinite (p-value 0): the current traffic has values the model was not trained on.
 */
export function chiSquaredTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): ChiSquaredResult {
  const [totalReference, totalCurrent] = pairTotals(reference, current);
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < reference.length; i++) {
    const expected = (reference[i]! / totalReference) * totalCurrent;
    const observed = current[i]!;
    if (expected === 0 && observed === 0) continue;
    categories++;
    statistic += expected === 0 ? Number.POSITIVE_INFINITY : (observed - expected) ** 2 / expected;
  }
  const degreesOfFreedom = Math.max(categories - 1, 1);
  return { statistic, degreesOfFreedom, pValue: chiSquaredSurvival(statistic, degreesOfFreedom) };
}
