import { describe, expect, it } from 'vitest';
import { BoostingInputError } from './errors.js';
import { multiclassAccuracy } from './metrics/classification.js';
import { rocAuc } from './metrics/ranking.js';
import type { ObjectiveName } from './params.js';
import { binaryData, multiclassData } from './test-support.js';
import { train } from './train.js';
import { maxDepth } from './tree.js';

const small = binaryData({ rows: 3000, seed: 1 });
const holdout = binaryData({ rows: 2000, seed: 2 });

describe('training a binary model', () => {
  it('learns the synthetic fraud signal (test AUC above 0.9)', () => {
    const { model } = train(small, { objective: 'binary', numRounds: 60 });
    expect(rocAuc(holdout.labels, model.predict(holdout))).toBeGreaterThan(0.9);
  });

  it('is deterministic for a seed, bagging and feature subsampling included', () => {
    const params = { objective: 'binary', numRounds: 15, baggingFraction: 0.7, featureFraction: 0.6, seed: 7 } as const;
    const a = train(small, params).model.toJSON();
    const b = train(small, params).model.toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = train(small, { ...params, seed: 8 }).model.toJSON();
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('bounds trees by numLeaves and maxDepth, and leaves by minDataInLeaf', () => {
    const { model } = train(small, { objective: 'binary', numRounds: 5, numLeaves: 7, maxDepth: 3, minDataInLeaf: 40 });
    for (const tree of model.trees) {
      expect(tree.numLeaves).toBeLessThanOrEqual(7);
      expect(maxDepth(tree)).toBeLessThanOrEqual(3);
      for (const count of tree.leafCount) expect(count).toBeGreaterThanOrEqual(30);
    }
  });

  it.each([
    ['high', 0.9, false],
    ['low', 0.1, true],
  ] as const)('learns where missing values go: NaN behaving like %s values is sent with them', (_, like, nanLeft) => {
    const n = 2000;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? NaN : (i % 97) / 97));
    const labels = x.map((v) => (Number.isNaN(v) ? like : v) > 0.5 ? 1 : 0);
    const { model } = train({ columns: [x], labels }, { objective: 'binary', numRounds: 20 });
    const [missing, likeValue, otherValue] = model.predict([[NaN], [like], [1 - like]]);
    expect(missing).toBeCloseTo(likeValue!, 6);
    expect(Math.abs(missing! - otherValue!)).toBeGreaterThan(0.5);
    expect(model.trees[0]!.defaultLeft[0]).toBe(nanLeft ? 1 : 0);
  });

  it('splits the categorical feature natively: risky codes 3 and 7 score higher', () => {
    const { model } = train(small, { objective: 'binary', numRounds: 30 });
    const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((code) => model.predict([[0, 0.5, code, 0.5, 0]])[0]!);
    const risky = Math.min(scores[3]!, scores[7]!);
    const others = scores.filter((_, code) => code !== 3 && code !== 7);
    expect(risky).toBeGreaterThan(Math.max(...others));
    expect(model.trees.some((t) => t.categories.some((c) => c !== null))).toBe(true);
  });

  it('routes an unseen category like the rare ones (right of every categorical split)', () => {
    const { model } = train(small, { objective: 'binary', numRounds: 10 });
    expect(() => model.predict([[0, 0.5, 12345, 0.5, 0]])).not.toThrow();
  });

  it('scalePosWeight raises the log-odds of fraud (starting log(weight) higher)', () => {
    const plain = train(small, { objective: 'binary', numRounds: 20 }).model.predictRaw(holdout);
    const weighted = train(small, { objective: 'binary', numRounds: 20, scalePosWeight: 5 }).model.predictRaw(holdout);
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(weighted) - mean(plain)).toBeGreaterThan(0.5);
  });

  it('stops early when the validation metric stops improving, keeping the best round', () => {
    const { model, evals } = train(small, { objective: 'binary', numRounds: 400, learningRate: 0.3, earlyStoppingRounds: 10, metric: 'auc' }, { valid: holdout });
    expect(evals.stoppedEarly).toBe(true);
    expect(evals.roundsTrained).toBe(evals.bestIteration + 10);
    expect(model.numRounds).toBe(evals.bestIteration);
    expect(evals.valid[evals.bestIteration - 1]).toBe(evals.bestScore);
    expect(Math.max(...evals.valid)).toBe(evals.bestScore);
  });
});

describe('other objectives', () => {
  it('multiclass softmax separates three classes', () => {
    const data = multiclassData(3000);
    const test = multiclassData(1000, 3);
    const { model } = train(data, { objective: 'multiclass', numRounds: 40 });
    expect(model.numClass).toBe(3);
    expect(model.trees.length).toBe(120);
    const probabilities = model.predict(test);
    for (let i = 0; i < 10; i++) expect(probabilities[3 * i]! + probabilities[3 * i + 1]! + probabilities[3 * i + 2]!).toBeCloseTo(1, 12);
    // The classes overlap (noise in the latent score): 0.74 is near the best possible; a constant guess gets 0.4.
    expect(multiclassAccuracy(test.labels, probabilities, 3)).toBeGreaterThan(0.7);
  });

  it('L2 regression fits a smooth function', () => {
    const n = 2000;
    const x = Float64Array.from({ length: n }, (_, i) => (i / n) * 6);
    const y = x.map((v) => Math.sin(v) * 3);
    const { model } = train({ columns: [x], labels: y }, { objective: 'regression', numRounds: 100, minDataInLeaf: 5 });
    const predicted = model.predict({ columns: [x] });
    const rmse = Math.sqrt(predicted.reduce((s, p, i) => s + (p - y[i]!) ** 2, 0) / n);
    expect(rmse).toBeLessThan(0.1);
  });
});

describe('bad input is refused before any work, with a message naming the problem', () => {
  const base = { columns: [Float64Array.of(1, 2, 3, 4)], labels: Float64Array.of(0, 1, 0, 1) };

  it.each<[string, Parameters<typeof train>[0], Parameters<typeof train>[1], RegExp]>([
    ['columns of different lengths', { columns: [Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 2)], labels: base.labels }, { objective: 'binary' }, /column 1 has 2 rows but column 0 has 4/],
    ['labels of another length', { columns: base.columns, labels: Float64Array.of(0, 1) }, { objective: 'binary' }, /labels has 2 entries but the columns have 4 rows/],
    ['a constant label', { columns: base.columns, labels: Float64Array.of(1, 1, 1, 1) }, { objective: 'binary' }, /label is constant/],
    ['a non-finite label', { columns: base.columns, labels: Float64Array.of(0, NaN, 1, 0) }, { objective: 'regression' }, /label at row 1 is not a finite number/],
    ['a binary label other than 0/1', { columns: base.columns, labels: Float64Array.of(0, 2, 1, 0) }, { objective: 'binary' }, /binary labels must be 0 or 1/],
    ['an unknown objective', base, { objective: 'poisson' as ObjectiveName }, /unknown objective 'poisson'/],
    ['an invalid parameter', base, { objective: 'binary', numLeaves: 1, learningRate: -1 }, /numLeaves must be an integer ≥ 2.*learningRate must be/],
    ['a categorical code that is not a non-negative integer', { ...base, categoricalFeatures: [0], columns: [Float64Array.of(1, 2.5, 3, 4)] }, { objective: 'binary' }, /category codes are integers/],
    ['early stopping without a validation set', base, { objective: 'binary', earlyStoppingRounds: 5 }, /needs a validation set/],
    ['mismatched weights', { ...base, weights: Float64Array.of(1, 1) }, { objective: 'binary' }, /weights has 2 entries for 4 rows/],
  ])('%s', (_name, dataset, params, message) => {
    expect(() => train(dataset, params)).toThrow(BoostingInputError);
    expect(() => train(dataset, params)).toThrow(message);
  });

  it('a validation set with another number of features', () => {
    expect(() => train(base, { objective: 'binary' }, { valid: { columns: [base.columns[0]!, base.columns[0]!], labels: base.labels } })).toThrow(
      /validation data has 2 features but the training data has 1/,
    );
  });

  it('predicting with the wrong number of features', () => {
    const { model } = train(small, { objective: 'binary', numRounds: 2 });
    expect(() => model.predict([[1, 2, 3]])).toThrow(/row 0 has 3 features; the model expects 5/);
    expect(() => model.predict({ columns: [Float64Array.of(1)] })).toThrow(/1 feature columns; the model expects 5/);
  });
});
