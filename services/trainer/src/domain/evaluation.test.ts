import { describe, expect, it } from 'vitest';
import { amountBand, binaryMetrics, calibrationCurve } from './evaluation.js';

describe('binaryMetrics', () => {
  it('with weights, equals the metrics of the rows repeated as many times (how sampled negatives are scored)', () => {
    const labels = [1, 0, 0, 1, 0, 0, 0];
    const scores = [0.9, 0.2, 0.65, 0.4, 0.1, 0.7, 0.3];
    const weights = [1, 3, 3, 1, 3, 3, 3];
    const repeated = { labels: [] as number[], scores: [] as number[] };
    labels.forEach((label, i) => {
      for (let k = 0; k < weights[i]!; k++) {
        repeated.labels.push(label);
        repeated.scores.push(scores[i]!);
      }
    });
    const weighted = binaryMetrics(labels, scores, true, weights);
    const expanded = binaryMetrics(repeated.labels, repeated.scores);
    for (const key of ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'ece'] as const) expect(weighted[key], key).toBeCloseTo(expanded[key], 10);
  });

  it('leaves ranking metrics undefined when the labels have one class', () => {
    expect(binaryMetrics([0, 0], [0.1, 0.2]).roc_auc).toBeNaN();
  });
});

describe('calibrationCurve', () => {
  it('gives mean predicted and observed rate per probability bin', () => {
    expect(calibrationCurve([0, 1, 1, 0], [0.05, 0.08, 0.95, 0.91], 10)).toEqual([
      { predicted: 0.065, observed: 0.5, rows: 2, weight: 2 },
      { predicted: 0.9299999999999999, observed: 0.5, rows: 2, weight: 2 },
    ]);
  });
});

describe('amountBand', () => {
  it('bands amounts in major units', () => {
    expect([500, 5_000, 20_000, 80_000, Number.NaN].map(amountBand)).toEqual(['<10', '10-100', '100-500', '>=500', 'missing']);
  });
});
