import { describe, expect, it } from 'vitest';
import { baseValues, explain, featureImportance, shapImportance, shapValues } from './explain.js';
import { BoostedModel } from './model.js';
import { exactShapley } from './shap-reference.js';
import { binaryData, multiclassData } from './test-support.js';
import { train } from './train.js';
import type { Tree } from './tree.js';

/**
 * A tree over 3 features where feature 0 is used twice on one path:
 *   node0: x0 ≤ 0.5 ? node1 : node2
 *   node1: x1 ≤ 0.3 ? leaf0 (4) : node3
 *   node3: x0 ≤ 0.2 ? leaf1 (−1) : leaf2 (2)
 *   node2: x2 ∈ {1, 4} ? leaf3 (3) : leaf4 (−2), NaN left
 */
const tinyTree: Tree = {
  numLeaves: 5,
  splitFeature: Int32Array.of(0, 1, 2, 0),
  threshold: Float64Array.of(0.5, Math.fround(0.3), NaN, Math.fround(0.2)),
  categories: [null, null, Int32Array.of(1, 4), null],
  defaultLeft: Uint8Array.of(0, 1, 1, 0),
  leftChild: Int32Array.of(1, ~0, ~3, ~1),
  rightChild: Int32Array.of(2, 3, ~4, ~2),
  splitGain: Float64Array.of(5, 3, 2, 1),
  internalCount: Float64Array.of(100, 60, 40, 35),
  leafValue: Float64Array.of(4, -1, 2, 3, -2),
  leafCount: Float64Array.of(25, 15, 20, 10, 30),
};

const tinyModel = new BoostedModel({
  objective: 'regression',
  numClass: 1,
  numFeatures: 3,
  featureNames: ['a', 'b', 'c'],
  categoricalFeatures: [2],
  initScores: Float64Array.of(0.5),
  trees: [tinyTree],
});

describe('TreeSHAP', () => {
  it.each([
    [[0.1, 0.9, 0]],
    [[0.4, 0.1, 4]],
    [[0.3, NaN, 7]],
    [[0.9, 0.5, 4]],
    [[0.9, 0.5, NaN]],
    [[0.2, 0.3, 1]],
  ])('equals the exact Shapley values of the tiny tree for %j', (row) => {
    const phi = shapValues(tinyModel, row);
    const exact = exactShapley(tinyTree, row, 3);
    exact.forEach((value, f) => expect(phi[f]).toBeCloseTo(value, 12));
  });

  it('holds local accuracy on a trained binary model: base + Σ contributions = raw score within 1e-6', () => {
    const data = binaryData({ rows: 2000, seed: 4 });
    const { model } = train(data, { objective: 'binary', numRounds: 40, baggingFraction: 0.8, seed: 3 });
    const rows = binaryData({ rows: 200, seed: 5 });
    for (let i = 0; i < 200; i++) {
      const row = rows.columns.map((c) => c[i]!);
      const e = explain(model, row);
      const sum = e.contributions.reduce((s, v) => s + v, e.baseValue);
      expect(Math.abs(sum - e.rawScore)).toBeLessThan(1e-6);
      expect(e.rawScore).toBeCloseTo(model.predictRaw([row])[0]!, 12);
    }
  });

  it('holds local accuracy for every class of a multiclass model', () => {
    const data = multiclassData(1500);
    const { model } = train(data, { objective: 'multiclass', numRounds: 20 });
    const base = baseValues(model);
    for (let i = 0; i < 50; i++) {
      const row = data.columns.map((c) => c[i]!);
      const raw = model.predictRaw([row]);
      const phi = shapValues(model, row);
      for (let c = 0; c < 3; c++) {
        const sum = phi.subarray(c * 3, c * 3 + 3).reduce((s, v) => s + v, base[c]!);
        expect(Math.abs(sum - raw[c]!)).toBeLessThan(1e-6);
      }
    }
  });

  it('gives reason codes: the top-k features by |contribution|, largest first, named', () => {
    const data = binaryData({ rows: 2000, seed: 4 });
    const { model } = train(data, { objective: 'binary', numRounds: 30 });
    const { reasons, contributions } = explain(model, [2.5, NaN, 3, 0.5, 1], { topK: 2 });
    expect(reasons).toHaveLength(2);
    expect(Math.abs(reasons[0]!.contribution)).toBeGreaterThanOrEqual(Math.abs(reasons[1]!.contribution));
    const largest = Math.max(...Array.from(contributions, Math.abs));
    expect(Math.abs(reasons[0]!.contribution)).toBe(largest);
    // A very high amount_z dominates this row's fraud score.
    expect(reasons[0]).toMatchObject({ feature: 0, name: 'amount_z', value: 2.5 });
    expect(reasons[0]!.contribution).toBeGreaterThan(0);
  });

  it('ranks global importance by gain and by mean |SHAP|, the noise feature last among the informative', () => {
    const data = binaryData({ rows: 2000, seed: 4 });
    const { model } = train(data, { objective: 'binary', numRounds: 30 });
    const byGain = featureImportance(model, 'gain');
    const byShap = shapImportance(model, binaryData({ rows: 300, seed: 6 }));
    expect(byGain[0]!.name).toBe('amount_z');
    expect(byShap[0]!.name).toBe('amount_z');
    expect(byShap.findIndex((f) => f.name === 'noise')).toBeGreaterThan(byShap.findIndex((f) => f.name === 'mcc_code'));
    expect(featureImportance(model, 'split').reduce((s, f) => s + f.importance, 0)).toBe(
      model.trees.reduce((s, t) => s + t.numLeaves - 1, 0),
    );
  });
});
