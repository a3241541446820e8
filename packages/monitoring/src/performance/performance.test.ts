import { describe, expect, it } from 'vitest';
import { estimatedAccuracy, estimatedRocAuc } from './cbpe.js';
import { realizedPerformance, relativeDegradation } from './realized.js';

describe('CBPE estimates', () => {
  it('estimates accuracy as the mean confidence of each call: [0.8, 0.2, 0.6] is (0.8 + 0.8 + 0.6) / 3', () => {
    expect(estimatedAccuracy([0.8, 0.2, 0.6])).toBeCloseTo(2.2 / 3, 12);
    expect(estimatedAccuracy([])).toBeNull();
  });

  it('estimates ROC AUC from expected rates: [0.8, 0.2] gives 0.2·0.8/2 + 0.8·1.8/2 = 0.8', () => {
    // Expected positives 1.0 and negatives 1.0; after 0.8: TPR 0.8, FPR 0.2; after 0.2: (1, 1).
    expect(estimatedRocAuc([0.2, 0.8])).toBeCloseTo(0.8, 12);
  });

  it('moves tied scores together: four scores of 0.5 give the diagonal, 0.5', () => {
    expect(estimatedRocAuc([0.5, 0.5, 0.5, 0.5])).toBeCloseTo(0.5, 12);
  });

  it('is unknown when the scores expect a single class', () => {
    expect(estimatedRocAuc([0, 0])).toBeNull();
    expect(estimatedRocAuc([1, 1])).toBeNull();
  });

  it('matches the realized AUC on average when labels are drawn from calibrated scores', () => {
    // Labels drawn as Bernoulli(p) with a fixed sequence: the estimate and the realized value agree closely.
    let s = 7;
    const next = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const p = Array.from({ length: 20_000 }, () => next());
    const labels = p.map((pi) => (next() < pi ? 1 : 0));
    expect(estimatedRocAuc(p)!).toBeCloseTo(realizedPerformance(labels, p).roc_auc!, 1);
  });
});

describe('realizedPerformance', () => {
  it('computes ROC AUC, PR AUC, accuracy and calibration on labelled predictions', () => {
    // Scores rank both positives above both negatives: AUC 1, AP 1; at 0.5, 3 of 4 right.
    const m = realizedPerformance([1, 1, 0, 0], [0.9, 0.4, 0.3, 0.1]);
    expect(m).toMatchObject({ rows: 4, positives: 2, roc_auc: 1, pr_auc: 1, accuracy: 0.75 });
    // ECE over ten bins: |1 − 0.9| + |1 − 0.4| + |0 − 0.3| + |0 − 0.1|, each over 4.
    expect(m.calibration_error).toBeCloseTo((0.1 + 0.6 + 0.3 + 0.1) / 4, 12);
  });

  it('leaves ranking metrics unknown when one class is absent', () => {
    expect(realizedPerformance([0, 0], [0.1, 0.2])).toMatchObject({
      roc_auc: null,
      pr_auc: null,
      accuracy: 1,
    });
  });
});

describe('relativeDegradation', () => {
  it('is the relative drop from the test value', () => {
    expect(relativeDegradation(0.72, 0.8)).toBeCloseTo(0.1, 12);
    expect(relativeDegradation(0.9, 0.8)).toBeCloseTo(-0.125, 12);
    expect(relativeDegradation(null, 0.8)).toBeNull();
    expect(relativeDegradation(0.7, undefined)).toBeNull();
  });
});
