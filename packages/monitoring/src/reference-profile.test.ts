import { ReferenceProfile } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { buildReferenceProfile, profileNumeric, quantileOfSorted } from './reference-profile.js';

describe('buildReferenceProfile', () => {
  it('profiles numeric and categorical columns and the scores, and the result parses as a ReferenceProfile', () => {
    const profile = buildReferenceProfile({
      task: 'fraud',
      features: {
        amount: [1, 2, 3, 4, null],
        channel: ['web', 'web', 'mobile_app', null, 'web'],
        is_new: [true, false, true, true, null],
      },
      scores: { legitimate: [0.9, 0.8, 0.7, 0.6, 0.5], fraud: [0.1, 0.2, 0.3, 0.4, 0.5] },
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(ReferenceProfile.parse(profile)).toEqual(profile);
    expect(profile.row_count).toBe(5);
    const amount = profile.features.amount!;
    expect(amount).toMatchObject({
      kind: 'numeric',
      count: 4,
      missing: 1,
      mean: 2.5,
      min: 1,
      max: 4,
    });
    // Population std of 1..4: sqrt(1.25).
    expect(amount.kind === 'numeric' && amount.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(profile.features.channel).toEqual({
      kind: 'categorical',
      count: 4,
      missing: 1,
      frequencies: { web: 3, mobile_app: 1 },
    });
    expect(profile.features.is_new).toMatchObject({
      kind: 'categorical',
      frequencies: { true: 3, false: 1 },
    });
    expect(profile.scores.fraud!.mean).toBeCloseTo(0.3, 12);
  });

  it('throws naming the column whose length differs', () => {
    expect(() =>
      buildReferenceProfile({ task: 'churn', features: { a: [1, 2], b: [1] }, scores: {} }),
    ).toThrow(/column b has 1 rows, expected 2/);
  });

  it('keeps an evenly spaced sample of at most sampleSize sorted values, and percentiles', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => 9_999 - i);
    const p = profileNumeric(values, { sampleSize: 100 });
    expect(p.sample).toHaveLength(100);
    expect(p.sample[0]).toBe(50);
    expect(p.sample[99]).toBe(9_950);
    expect(p.quantiles).toHaveLength(101);
    expect(p.quantiles[50]).toBeCloseTo(4_999.5, 9);
  });

  it('interpolates quantiles linearly between order statistics, as numpy does', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
