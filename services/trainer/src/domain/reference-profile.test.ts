import { describe, expect, it } from 'vitest';
import { referenceRows } from './reference-profile.js';

const split = (train: number[], validation: number[], test: number[]) => ({
  split: {
    train: Int32Array.from(train),
    validation: Int32Array.from(validation),
    test: Int32Array.from(test),
    validationStartMs: 0,
    testStartMs: 0,
  },
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('referenceRows', () => {
  it('takes every period of the split, not only the test period, in row order', () => {
    const rows = referenceRows({ labels: { target: new Float64Array(300) } }, split(range(0, 200), range(200, 250), range(250, 300)), 42);
    expect(Array.from(rows)).toEqual(range(0, 300));
  });

  it('undoes negative sampling: positives are kept at the sampling rate, so the profile has the population share of fraud', () => {
    // 2,000 sampled negatives (30 % of 6,667, weight 1/0.3) and 2,000 positives (all, weight 1).
    const n = 4_000;
    const target = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const weight = Float64Array.from(target, (label) => (label === 1 ? 1 : 1 / 0.3));
    const rows = referenceRows({ labels: { target, weight } }, split(range(0, n), [], []), 42);
    const positives = Array.from(rows).filter((row) => target[row] === 1).length;
    const negatives = rows.length - positives;
    expect(negatives).toBe(2_000);
    // 2,000 × 0.3 = 600 expected; a binomial's standard deviation is about 20.
    expect(positives).toBeGreaterThan(520);
    expect(positives).toBeLessThan(680);
    expect(referenceRows({ labels: { target, weight } }, split(range(0, n), [], []), 42)).toEqual(rows);
  });

  it('keeps at most maxRows, spread over the whole span', () => {
    const rows = referenceRows({ labels: { target: new Float64Array(100_000) } }, split(range(0, 100_000), [], []), 7, 10_000);
    expect(rows.length).toBeLessThanOrEqual(10_000);
    expect(rows.length).toBeGreaterThan(9_500);
    expect(rows[0]!).toBeLessThan(100);
    expect(rows[rows.length - 1]!).toBeGreaterThan(99_900);
  });
});
