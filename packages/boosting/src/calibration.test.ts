import { describe, expect, it } from 'vitest';
import { calibrate, calibrateAll, fitIsotonic, fitPlatt } from './calibration.js';
import { expectedCalibrationError } from './metrics/probabilistic.js';
import { SeededRandom } from './random.js';

describe('isotonic calibration', () => {
  it('pools adjacent violators into the hand-computed step function', () => {
    // Labels by score: 0, 1, 0, 1, 1 → the violating pair (1, 0) pools to 0.5.
    const c = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5], [0, 1, 0, 1, 1]);
    expect(c.x).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(c.y).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(calibrate(c, 0.25)).toBeCloseTo(0.5, 12);
    expect(calibrate(c, 0.35)).toBeCloseTo(0.75, 12);
    expect(calibrate(c, -5)).toBe(0);
    expect(calibrate(c, 5)).toBe(1);
  });

  it('pools rows with the same score first', () => {
    const c = fitIsotonic([0.5, 0.5, 0.5, 0.9], [1, 0, 0, 1]);
    expect(c.y).toEqual([1 / 3, 1]);
  });

  it('is non-decreasing', () => {
    const random = new SeededRandom(1);
    const scores = Array.from({ length: 500 }, () => random.next());
    const labels = scores.map((s) => (random.next() < s * s ? 1 : 0));
    const { y } = fitIsotonic(scores, labels);
    for (let i = 1; i < y.length; i++) expect(y[i]!).toBeGreaterThanOrEqual(y[i - 1]!);
  });
});

describe('Platt calibration', () => {
  it('recovers the sigmoid that generated the labels', () => {
    const random = new SeededRandom(2);
    const scores = Array.from({ length: 20000 }, () => random.next() * 8 - 4);
    const labels = scores.map((s) => (random.next() < 1 / (1 + Math.exp(-(0.5 * s - 1))) ? 1 : 0));
    const c = fitPlatt(scores, labels);
    expect(c.a).toBeCloseTo(0.5, 1);
    expect(c.b).toBeCloseTo(-1, 1);
  });

  it('reduces the calibration error of over-confident scores', () => {
    const random = new SeededRandom(3);
    const truth = Array.from({ length: 5000 }, () => random.next() * 4 - 2);
    const labels = truth.map((t) => (random.next() < 1 / (1 + Math.exp(-t)) ? 1 : 0));
    // The model is three times too confident.
    const raw = truth.map((t) => 3 * t);
    const uncalibrated = raw.map((r) => 1 / (1 + Math.exp(-r)));
    const calibrated = calibrateAll(fitPlatt(raw, labels), raw);
    expect(expectedCalibrationError(labels, calibrated)).toBeLessThan(expectedCalibrationError(labels, uncalibrated) / 2);
  });

  it('refuses labels other than 0/1', () => {
    expect(() => fitPlatt([0.1, 0.2], [0, 2])).toThrow(/label at row 1 must be 0 or 1/);
  });
});
