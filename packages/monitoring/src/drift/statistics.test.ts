import { describe, expect, it } from 'vitest';
import { chiSquaredTest } from './chi-squared.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ksTwoSampleSorted } from './ks-test.js';
import { binSortedCounts, decileEdges, populationStabilityIndex } from './psi.js';
import { chiSquaredSurvival, kolmogorovSurvival, logGamma } from './special-functions.js';
import { normalizedWasserstein, wasserstein1Sorted } from './wasserstein.js';

// Expected values are worked out by hand from the definitions; the working is in each comment.

describe('wasserstein1Sorted', () => {
  it('is the shift between a sample and the same sample moved by one', () => {
    expect(wasserstein1Sorted([0, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(1, 12);
  });

  it('is the area between step CDFs: [0,0,1] vs [0,1,1] differ by 1/3 over [0,1)', () => {
    expect(wasserstein1Sorted([0, 0, 1], [0, 1, 1])).toBeCloseTo(1 / 3, 12);
  });

  it('handles samples of different sizes: [0,2] vs [1] is ½·1 + ½·1 = 1', () => {
    expect(wasserstein1Sorted([0, 2], [1])).toBeCloseTo(1, 12);
  });

  it('is zero for identical samples and symmetric', () => {
    expect(wasserstein1Sorted([1, 5, 9], [1, 5, 9])).toBe(0);
    expect(wasserstein1Sorted([0, 3], [1, 1, 2])).toBeCloseTo(
      wasserstein1Sorted([1, 1, 2], [0, 3]),
      12,
    );
  });

  it('divides by the reference std, and by 0.001 when the reference is constant', () => {
    expect(normalizedWasserstein([0, 1, 2, 3], [1, 2, 3, 4], 2)).toBeCloseTo(0.5, 12);
    expect(normalizedWasserstein([5, 5], [5, 6], 0)).toBeCloseTo(0.5 / 0.001, 9);
  });
});

describe('jensenShannonDistance (base 2)', () => {
  it('is 1 for disjoint distributions and 0 for equal ones', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannonDistance([2, 6], [1, 3])).toBeCloseTo(0, 12);
  });

  it('is sqrt(½KL(p‖m) + ½KL(q‖m)) for p = (½,½), q = (1,0): m = (¾,¼) gives 0.5579230', () => {
    // KL(p‖m) = ½log2(⅔) + ½log2(2) = 0.2075187; KL(q‖m) = log2(4/3) = 0.4150375.
    expect(jensenShannonDistance([5, 5], [10, 0])).toBeCloseTo(0.5579230452841438, 12);
  });
});

describe('ksTwoSampleSorted', () => {
  it('finds the largest CDF gap: [1,2,3,4] vs [3,4,5,6] is ½ at x = 2', () => {
    expect(ksTwoSampleSorted([1, 2, 3, 4], [3, 4, 5, 6]).statistic).toBeCloseTo(0.5, 12);
  });

  it('gives the asymptotic p-value with the Stephens correction: D = ½, n = m = 20 is 0.0081617', () => {
    // en = √10 = 3.162278; λ = (en + 0.12 + 0.11/en)·½ = 1.658531; Q(λ) = 2Σ(−1)^(k−1)e^(−2k²λ²).
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = Array.from({ length: 20 }, (_, i) => i + 10);
    const { statistic, pValue } = ksTwoSampleSorted(a, b);
    expect(statistic).toBeCloseTo(0.5, 12);
    expect(pValue).toBeCloseTo(0.008161678659143069, 10);
  });

  it('gives p = 1 for identical samples', () => {
    expect(ksTwoSampleSorted([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
  });
});

describe('chi-squared', () => {
  it('survival matches the closed forms: df 1 is erfc(√(x/2)), df 2 is e^(−x/2)', () => {
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquaredSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquaredSurvival(1, 2)).toBeCloseTo(Math.exp(-0.5), 12);
    // df 3: erfc(√(x/2)) + √(2x/π)·e^(−x/2) = 0.05 at x = 7.814728.
    expect(chiSquaredSurvival(7.814727903251178, 3)).toBeCloseTo(0.05, 9);
  });

  it('logGamma agrees with factorials', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 9);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 9);
  });

  it('tests current counts against reference shares: [50,50] vs [30,70] is χ² = 16, p = 6.334e-5', () => {
    // expected 50 and 50; (30−50)²/50 + (70−50)²/50 = 16; df 1; p = erfc(√8).
    const result = chiSquaredTest([50, 50], [30, 70]);
    expect(result.statistic).toBeCloseTo(16, 12);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.pValue).toBeCloseTo(6.334248366623977e-5, 12);
  });

  it('gives p = 0 when the current window has a category the reference never had', () => {
    expect(chiSquaredTest([10, 0], [5, 5]).pValue).toBe(0);
  });
});

describe('populationStabilityIndex', () => {
  it('is Σ(c − r)ln(c/r): shares (½,½) to (¼,¾) give 0.2746531', () => {
    // (¼ − ½)ln(½) + (¾ − ½)ln(3/2) = 0.1732868 + 0.1013663.
    expect(populationStabilityIndex([2, 2], [1, 3])).toBeCloseTo(0.2746530721670274, 12);
  });

  it('counts an empty bin as a share of 0.0001', () => {
    // (0.0001 − ½)ln(0.0002) + (1 − ½)ln(2) = 4.2586 + 0.3466.
    const expected = (0.0001 - 0.5) * Math.log(0.0001 / 0.5) + (1 - 0.5) * Math.log(1 / 0.5);
    expect(populationStabilityIndex([1, 1], [0, 4])).toBeCloseTo(expected, 12);
  });

  it('bins a sorted sample at right-closed edges', () => {
    expect(Array.from(binSortedCounts([0, 1, 1, 2, 3, 9], [1, 2]))).toEqual([3, 1, 2]);
  });

  it('takes the inner deciles of a percentile sketch, dropping repeated edges', () => {
    const percentiles = Array.from({ length: 101 }, (_, i) => i);
    expect(decileEdges(percentiles)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(decileEdges(Array.from({ length: 101 }, (_, i) => (i < 60 ? 0 : 1)))).toEqual([0, 1]);
  });
});

describe('kolmogorovSurvival', () => {
  it('is 1 near zero and small far out', () => {
    expect(kolmogorovSurvival(0.1)).toBe(1);
    // 2(e^−8 − e^−32 + …) = 6.7092e-4 at λ = 2.
    expect(kolmogorovSurvival(2)).toBeCloseTo(2 * (Math.exp(-8) - Math.exp(-32)), 14);
  });
});
