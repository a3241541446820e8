import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxClasses,
  confusionMatrix,
  multiclassAccuracy,
  multiclassLogLoss,
  thresholdMetrics,
} from './classification.js';
import { brierScore, expectedCalibrationError, logLoss } from './probabilistic.js';
import { averagePrecision, rocAuc } from './ranking.js';

describe('ranking metrics', () => {
  it('rocAuc matches the hand-computed pair count', () => {
    // Positive/negative pairs ordered correctly: (0.35 > 0.1), (0.8 > 0.1), (0.8 > 0.4) → 3 of 4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('rocAuc counts a tied positive/negative pair as one half', () => {
    // Pairs: (0.5 vs 0.5) ½, (0.5 vs 0.2) 1, (0.9 vs 0.5) 1, (0.9 vs 0.2) 1 → 3.5 / 4.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
  });

  it('rocAuc is NaN when only one class is present', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('rocAuc honours row weights like duplicated rows', () => {
    const weighted = rocAuc([0, 1, 0, 1], [0.3, 0.2, 0.1, 0.9], [2, 1, 1, 1]);
    const duplicated = rocAuc([0, 0, 1, 0, 1], [0.3, 0.3, 0.2, 0.1, 0.9]);
    expect(weighted).toBeCloseTo(duplicated, 12);
  });

  it('the unweighted fast path and the weighted path agree, ties included', () => {
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const labels = Array.from({ length: 5000 }, () => (next() < 0.1 ? 1 : 0));
    // Coarse scores: many ties between and within the classes.
    const scores = labels.map((y) => Math.round((next() + y * 0.3) * 40) / 40);
    const ones = labels.map(() => 1);
    expect(rocAuc(labels, scores)).toBeCloseTo(rocAuc(labels, scores, ones), 12);
    expect(averagePrecision(labels, scores)).toBeCloseTo(averagePrecision(labels, scores, ones), 12);
  });

  it('refuses NaN scores', () => {
    expect(() => rocAuc([0, 1], [0.5, NaN])).toThrow(/score at row 1 is NaN/);
  });

  it('averagePrecision is Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds', () => {
    // Ranked: 0.8 (+) P=1 R=½; 0.4 (−); 0.35 (+) P=⅔ R=1 → ½·1 + ½·⅔.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 12);
  });

  it('averagePrecision treats tied scores as one threshold', () => {
    // All tied: one threshold with P = ½, R = 1.
    expect(averagePrecision([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(0.5, 12);
  });
});

describe('probabilistic metrics', () => {
  it('logLoss is the mean negative log-likelihood', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
  });

  it('logLoss clips certain mistakes instead of returning Infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('brierScore is the mean squared error of the probabilities', () => {
    expect(brierScore([1, 0], [0.8, 0.3])).toBeCloseTo((0.04 + 0.09) / 2, 12);
  });

  it('expectedCalibrationError weighs each bin gap by its share of rows', () => {
    // Bin 0: {0.05 → 0}: gap 0.05. Bin 1: {0.15 → 0, 0.15 → 1}: |1 − 0.3| = 0.7. Bin 9: {0.95 → 1}: 0.05.
    expect(expectedCalibrationError([0, 0, 1, 1], [0.05, 0.15, 0.15, 0.95])).toBeCloseTo((0.05 + 0.7 + 0.05) / 4, 12);
  });

  it('expectedCalibrationError puts probability 1 in the last bin', () => {
    expect(expectedCalibrationError([1, 0], [1, 0])).toBe(0);
  });
});

describe('decision metrics', () => {
  it('thresholdMetrics counts the confusion cells and derives precision, recall and F1', () => {
    const m = thresholdMetrics([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.5], 0.5);
    expect(m).toMatchObject({ truePositives: 2, falseNegatives: 1, falsePositives: 1, trueNegatives: 1 });
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(accuracy([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.5])).toBeCloseTo(3 / 5, 12);
  });

  it('precision is NaN when nothing is flagged', () => {
    const m = thresholdMetrics([1, 0], [0.1, 0.2], 0.5);
    expect(m.precision).toBeNaN();
    expect(m.recall).toBe(0);
  });

  it('confusionMatrix is indexed [actual][predicted]', () => {
    expect(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
  });

  it('confusionMatrix rejects a class outside the range', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/label 3 at row 1/);
  });

  it('multiclass log-loss and accuracy read row-major probabilities', () => {
    const probabilities = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.4, 0.1];
    expect(multiclassLogLoss([0, 2, 1], probabilities, 3)).toBeCloseTo(
      -(Math.log(0.7) + Math.log(0.6) + Math.log(0.4)) / 3,
      12,
    );
    expect(Array.from(argmaxClasses(probabilities, 3))).toEqual([0, 2, 0]);
    expect(multiclassAccuracy([0, 2, 1], probabilities, 3)).toBeCloseTo(2 / 3, 12);
  });
});
