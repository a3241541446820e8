import { describe, expect, it } from 'vitest';
import { binaryLogloss, l2Regression, multiclassSoftmax, sigmoid } from './objectives.js';

/** Numerical first and second derivative of f at x. */
function derivatives(f: (x: number) => number, x: number): [number, number] {
  const e = 1e-4;
  return [(f(x + e) - f(x - e)) / (2 * e), (f(x + e) - 2 * f(x) + f(x - e)) / (e * e)];
}

describe('binary log-loss', () => {
  it('gradients and hessians are the derivatives of the weighted loss', () => {
    const scores = Float64Array.of(-2, 0.3, 1.7);
    const labels = Float64Array.of(1, 0, 1);
    const weights = Float64Array.of(1, 2, 0.5);
    const g = new Float64Array(3);
    const h = new Float64Array(3);
    binaryLogloss.computeGradients(scores, labels, weights, g, h);
    scores.forEach((s, i) => {
      const loss = (x: number): number =>
        -weights[i]! * (labels[i]! * Math.log(sigmoid(x)) + (1 - labels[i]!) * Math.log(1 - sigmoid(x)));
      const [d1, d2] = derivatives(loss, s);
      expect(g[i]).toBeCloseTo(d1, 6);
      expect(h[i]).toBeCloseTo(d2, 4);
    });
  });

  it('starts from the log-odds of the weighted positive rate', () => {
    const init = binaryLogloss.initScores(Float64Array.of(1, 0, 0, 0), Float64Array.of(3, 1, 1, 1));
    expect(init[0]).toBeCloseTo(Math.log(0.5 / 0.5), 12);
    expect(binaryLogloss.initScores(Float64Array.of(1, 0, 0, 0), undefined)[0]).toBeCloseTo(Math.log(1 / 3), 12);
  });
});

describe('multiclass softmax', () => {
  it('gradients are p − y and hessians LightGBM’s K/(K−1)·p(1−p)', () => {
    const k = 3;
    const objective = multiclassSoftmax(k);
    // Two rows, class-major scores.
    const scores = Float64Array.of(0.2, -1, 1.5, 0.1, -0.3, 0.4);
    const labels = Float64Array.of(2, 0);
    const g = new Float64Array(6);
    const h = new Float64Array(6);
    objective.computeGradients(scores, labels, undefined, g, h);
    for (let i = 0; i < 2; i++) {
      const row = [0, 1, 2].map((c) => scores[c * 2 + i]!);
      for (let c = 0; c < k; c++) {
        const loss = (x: number): number => {
          const z = row.map((v, j) => (j === c ? x : v));
          const logSum = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
          return logSum - z[labels[i]!]!;
        };
        const [d1, d2] = derivatives(loss, row[c]!);
        expect(g[c * 2 + i]).toBeCloseTo(d1, 6);
        expect(h[c * 2 + i]).toBeCloseTo((d2 * k) / (k - 1), 4);
      }
    }
  });

  it('starts from the log of each class prior', () => {
    const init = multiclassSoftmax(3).initScores(Float64Array.of(0, 1, 1, 2), undefined);
    expect(Array.from(init)).toEqual([Math.log(0.25), Math.log(0.5), Math.log(0.25)]);
  });
});

describe('L2 regression', () => {
  it('gradient is the residual and hessian the weight; it starts from the weighted mean', () => {
    const g = new Float64Array(2);
    const h = new Float64Array(2);
    l2Regression.computeGradients(Float64Array.of(1, 5), Float64Array.of(3, 2), Float64Array.of(1, 2), g, h);
    expect(Array.from(g)).toEqual([-2, 6]);
    expect(Array.from(h)).toEqual([1, 2]);
    expect(l2Regression.initScores(Float64Array.of(3, 6), Float64Array.of(2, 1))[0]).toBe(4);
  });
});
