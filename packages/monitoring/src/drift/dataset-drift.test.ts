import { describe, expect, it } from 'vitest';
import { buildReferenceProfile, profileCategorical, profileNumeric } from '../reference-profile.js';
import { detectColumnDrift } from './column-drift.js';
import { detectDatasetDrift } from './dataset-drift.js';

/** Deterministic values spread like a uniform sample on [lo, hi). */
const uniform = (n: number, lo: number, hi: number): number[] =>
  Array.from({ length: n }, (_, i) => lo + ((i + 0.5) / n) * (hi - lo));
const categories = (counts: Record<string, number>): string[] =>
  Object.entries(counts).flatMap(([k, n]) => Array<string>(n).fill(k));

describe('detectColumnDrift', () => {
  it('uses normalised Wasserstein above 1,000 reference rows: U[0,1) shifted by 0.1 is 0.1/std = 0.3464', () => {
    const reference = profileNumeric(uniform(2_000, 0, 1));
    const drift = detectColumnDrift('amount', reference, uniform(2_000, 0.1, 1.1));
    // std of U[0,1) is 1/√12 = 0.288675; W1 = 0.1.
    expect(drift.method).toBe('wasserstein');
    expect(drift.statistic).toBeCloseTo(0.1 / Math.sqrt(1 / 12), 3);
    expect(drift.drifted).toBe(true);
    expect(detectColumnDrift('amount', reference, uniform(3_000, 0, 1)).drifted).toBe(false);
  });

  it('uses K-S at 1,000 reference rows or fewer and calls a p-value below 0.05 drift', () => {
    const reference = profileNumeric(uniform(500, 0, 1));
    const same = detectColumnDrift('x', reference, uniform(400, 0, 1));
    expect(same).toMatchObject({ method: 'ks', drifted: false, threshold: 0.05 });
    const shifted = detectColumnDrift('x', reference, uniform(400, 0.3, 1.3));
    expect(shifted.method).toBe('ks');
    expect(shifted.statistic).toBeLessThan(1e-6);
    expect(shifted.drifted).toBe(true);
  });

  it('uses Jensen-Shannon for large categorical references, chi-squared for small ones', () => {
    const big = profileCategorical(categories({ web: 1_000, mobile_app: 1_000 }));
    const jsSame = detectColumnDrift('channel', big, categories({ web: 50, mobile_app: 50 }));
    expect(jsSame).toMatchObject({ method: 'jensen_shannon', drifted: false });
    expect(jsSame.statistic).toBeCloseTo(0, 12);
    const jsMoved = detectColumnDrift('channel', big, categories({ web: 100 }));
    // p = (½,½), q = (1,0): 0.5579230 (see statistics.test.ts).
    expect(jsMoved.statistic).toBeCloseTo(0.5579230452841438, 12);
    expect(jsMoved.drifted).toBe(true);
    const small = profileCategorical(categories({ web: 50, mobile_app: 50 }));
    const chi = detectColumnDrift('channel', small, categories({ web: 30, mobile_app: 70 }));
    expect(chi.method).toBe('chi_squared');
    expect(chi.statistic).toBeCloseTo(6.334248366623977e-5, 12);
    expect(chi.drifted).toBe(true);
  });

  it('reads logged booleans as the 1 and 0 of the training data: 20 % true against 50 % is W1 0.3 / std 0.5 = 0.6', () => {
    const reference = profileNumeric(Array.from({ length: 2_000 }, (_, i) => i % 2));
    const served = Array.from({ length: 1_000 }, (_, i) => i % 5 === 0);
    const drift = detectColumnDrift('is_new_device', reference, served);
    expect(drift).toMatchObject({ method: 'wasserstein', current_count: 1_000, drifted: true });
    expect(drift.statistic).toBeCloseTo(0.6, 3);
    const same = Array.from({ length: 1_000 }, (_, i) => i % 2 === 1);
    expect(detectColumnDrift('is_new_device', reference, same)).toMatchObject({ drifted: false, statistic: 0 });
  });

  it('reports an empty current column as not drifted', () => {
    const drift = detectColumnDrift('x', profileNumeric(uniform(2_000, 0, 1)), [null, null]);
    expect(drift).toMatchObject({ drifted: false, current_count: 0 });
  });
});

describe('detectDatasetDrift', () => {
  const reference = buildReferenceProfile({
    task: 'fraud',
    features: {
      amount: uniform(2_000, 0, 100),
      age: uniform(2_000, 18, 80),
      channel: categories({ web: 1_200, mobile_app: 800 }),
      velocity: uniform(2_000, 0, 10),
    },
    scores: { fraud: uniform(2_000, 0, 0.2) },
  });

  it('names only the shifted features, and calls dataset drift at a share of 0.5', () => {
    const report = detectDatasetDrift(reference, {
      features: {
        amount: uniform(1_000, 30, 130),
        age: uniform(1_000, 18, 80),
        channel: categories({ web: 100, mobile_app: 900 }),
        velocity: uniform(1_000, 0, 10),
      },
      scores: { fraud: uniform(1_000, 0, 0.2) },
    });
    expect(report.features.filter((f) => f.drifted).map((f) => f.column)).toEqual([
      'amount',
      'channel',
    ]);
    expect(report.drifted_share).toBe(0.5);
    expect(report.dataset_drift).toBe(true);
    expect(report.scores[0]).toMatchObject({ column: 'fraud', drifted: false });
  });

  it('does not call dataset drift when fewer than the configured share drifted', () => {
    const report = detectDatasetDrift(
      reference,
      {
        features: {
          amount: uniform(1_000, 30, 130),
          age: uniform(1_000, 18, 80),
          channel: categories({ web: 600, mobile_app: 400 }),
          velocity: uniform(1_000, 0, 10),
        },
        scores: {},
      },
      { driftShare: 0.5 },
    );
    expect(report.drifted_share).toBe(0.25);
    expect(report.dataset_drift).toBe(false);
  });
});
