import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { BoostedModel } from './model.js';
import { toOnnx } from './onnx-export.js';
import { SeededRandom } from './random.js';
import { binaryData, multiclassData } from './test-support.js';
import { train } from './train.js';

const ROWS = 10_000;

/**
 * 10,000 rows that probe every split: a third straight from the data (NaN included), a third
 * with values exactly on a threshold of their feature, and a third one float32 step either side
 * of one, or a double that rounds onto it.
 */
function probeRows(model: BoostedModel, data: Dataset, seed: number): Float64Array[] {
  const random = new SeededRandom(seed);
  const thresholds = Array.from({ length: model.numFeatures }, () => [] as number[]);
  for (const tree of model.trees) {
    tree.splitFeature.forEach((f, node) => {
      if (!Number.isNaN(tree.threshold[node]!)) thresholds[f]!.push(tree.threshold[node]!);
    });
  }
  const step = (t: number, direction: 1 | -1): number => {
    const f32 = new Float32Array([t]);
    const bits = new Int32Array(f32.buffer);
    bits[0]! += (t >= 0 ? direction : -direction);
    return f32[0]!;
  };
  const numRows = data.columns[0]!.length;
  return Array.from({ length: ROWS }, (_, i) => {
    const row = Float64Array.from(data.columns, (column) => column[random.nextInt(numRows)]!);
    const kind = i % 3;
    for (let f = 0; f < row.length; f++) {
      const candidates = thresholds[f]!;
      if (kind === 0 || candidates.length === 0 || random.next() < 0.3) continue;
      const t = candidates[random.nextInt(candidates.length)]!;
      const variant = random.nextInt(4);
      row[f] = kind === 1 ? t : variant === 0 ? step(t, 1) : variant === 1 ? step(t, -1) : variant === 2 ? t + Math.abs(t) * 1e-12 : NaN;
    }
    return row;
  });
}

async function runOnnx(bytes: Uint8Array, rows: readonly ArrayLike<number>[], numFeatures: number): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new Float32Array(rows.length * numFeatures);
  rows.forEach((row, i) => input.set(row, i * numFeatures));
  try {
    return await session.run({ features: new ort.Tensor('float32', input, [rows.length, numFeatures]) });
  } finally {
    await session.release();
  }
}

describe('ONNX export', () => {
  it('binary: onnxruntime agrees with model.predict within 1e-5 on 10,000 rows with NaN and on-threshold values', async () => {
    const data = binaryData({ rows: 4000, seed: 11 });
    const { model } = train(data, { objective: 'binary', numRounds: 60 });
    const rows = probeRows(model, data, 1);
    const out = await runOnnx(toOnnx(model, { version: '3', digest: 'sha256:abc' }), rows, model.numFeatures);
    const probabilities = out.probabilities!.data as Float32Array;
    const ours = model.predict(rows);
    let worst = 0;
    for (let i = 0; i < ROWS; i++) {
      worst = Math.max(worst, Math.abs(probabilities[2 * i + 1]! - ours[i]!));
      expect(probabilities[2 * i]! + probabilities[2 * i + 1]!).toBeCloseTo(1, 6);
    }
    expect(worst).toBeLessThan(1e-5);
    expect(rows.some((r) => r.some(Number.isNaN))).toBe(true);
  });

  it('multiclass: onnxruntime agrees with model.predict within 1e-5 for every class', async () => {
    const data = multiclassData(3000, 12);
    const { model } = train(data, { objective: 'multiclass', numRounds: 30 });
    const rows = probeRows(model, data, 2);
    const out = await runOnnx(toOnnx(model, { version: '1', digest: 'd' }), rows, model.numFeatures);
    const probabilities = out.probabilities!.data as Float32Array;
    const labels = out.label!.data as BigInt64Array;
    const ours = model.predict(rows);
    let worst = 0;
    for (let j = 0; j < ours.length; j++) worst = Math.max(worst, Math.abs(probabilities[j]! - ours[j]!));
    expect(worst).toBeLessThan(1e-5);
    // The label output is the most probable class.
    const i = 17;
    const best = [0, 1, 2].reduce((a, c) => (ours[3 * i + c]! > ours[3 * i + a]! ? c : a), 0);
    expect(Number(labels[i])).toBe(best);
  });

  it('regression: a TreeEnsembleRegressor agrees with model.predict', async () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? NaN : i / 100));
    const y = x.map((v) => (Number.isNaN(v) ? 5 : Math.sqrt(v)));
    const { model } = train({ columns: [x], labels: y }, { objective: 'regression', numRounds: 30, minDataInLeaf: 5 });
    const rows = Array.from(x, (v) => [v]);
    const out = await runOnnx(toOnnx(model, { version: '1', digest: 'd' }), rows, 1);
    const values = out.variable!.data as Float32Array;
    model.predict(rows).forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThan(1e-5));
  });

  it('reads a tree from its root when the root is a categorical split (regression: the chain came after its subtrees and onnxruntime started mid-tree)', async () => {
    // Root: x1 ∈ {3, 7} (NaN right); left: x0 ≤ 0.5; a second tree sends only NaN of x1 left;
    // a third is a single leaf.
    const categoricalRoot = {
      numLeaves: 3,
      splitFeature: Int32Array.of(1, 0),
      threshold: Float64Array.of(NaN, 0.5),
      categories: [Int32Array.of(3, 7), null],
      defaultLeft: Uint8Array.of(0, 0),
      leftChild: Int32Array.of(1, ~0),
      rightChild: Int32Array.of(~2, ~1),
      splitGain: Float64Array.of(1, 1),
      internalCount: Float64Array.of(30, 20),
      leafValue: Float64Array.of(1, -1, 0.25),
      leafCount: Float64Array.of(10, 10, 10),
    };
    const nanOnly = {
      numLeaves: 2,
      splitFeature: Int32Array.of(1),
      threshold: Float64Array.of(NaN),
      categories: [new Int32Array(0)],
      defaultLeft: Uint8Array.of(1),
      leftChild: Int32Array.of(~0),
      rightChild: Int32Array.of(~1),
      splitGain: Float64Array.of(1),
      internalCount: Float64Array.of(30),
      leafValue: Float64Array.of(2, -0.5),
      leafCount: Float64Array.of(5, 25),
    };
    // A tree that could not split: one leaf, no branches.
    const stump = {
      numLeaves: 1,
      splitFeature: new Int32Array(0),
      threshold: new Float64Array(0),
      categories: [],
      defaultLeft: new Uint8Array(0),
      leftChild: new Int32Array(0),
      rightChild: new Int32Array(0),
      splitGain: new Float64Array(0),
      internalCount: new Float64Array(0),
      leafValue: Float64Array.of(0.125),
      leafCount: Float64Array.of(30),
    };
    const model = new BoostedModel({
      objective: 'binary',
      numClass: 1,
      numFeatures: 2,
      featureNames: ['x', 'code'],
      categoricalFeatures: [1],
      initScores: Float64Array.of(-1.125),
      trees: [categoricalRoot, nanOnly, stump],
    });
    const rows = [[0.2, 3], [0.9, 7], [0.2, 4], [0.2, NaN], [0.5, 7], [0.2, 7.5], [0.2, -3]].map((r) => Float64Array.from(r));
    const out = await runOnnx(toOnnx(model, { version: '1', digest: 'd' }), rows, 2);
    const probabilities = out.probabilities!.data as Float32Array;
    const ours = model.predict(rows);
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(Array.from(ours)).toEqual([-1 + 1 - 0.5, -1 - 1 - 0.5, -1 + 0.25 - 0.5, -1 + 0.25 + 2, -1 + 1 - 0.5, -1 + 0.25 - 0.5, -1 + 0.25 - 0.5].map(sigmoid));
    ours.forEach((p, i) => expect(Math.abs(probabilities[2 * i + 1]! - p)).toBeLessThan(1e-6));
  });

  it('is a TreeEnsembleClassifier of ai.onnx.ml opset 3 with BRANCH_LEQ splits, no ZipMap, and lineage metadata', () => {
    const data = binaryData({ rows: 1000, seed: 3 });
    const { model } = train(data, { objective: 'binary', numRounds: 5 });
    const bytes = toOnnx(model, { version: '7', digest: 'sha256:0123' });
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
    const nodes = decoded.graph!.node ?? [];
    expect(nodes.map((n) => [n.opType, n.domain])).toEqual([['TreeEnsembleClassifier', 'ai.onnx.ml']]);
    const modes = (nodes[0]!.attribute ?? []).find((a) => a.name === 'nodes_modes')!.strings!.map((s) => new TextDecoder().decode(s));
    expect(new Set(modes.filter((m) => m !== 'BRANCH_EQ' && m !== 'BRANCH_LT'))).toEqual(new Set(['BRANCH_LEQ', 'LEAF']));
    const metadata = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(metadata).toMatchObject({
      feature_names: JSON.stringify(['amount_z', 'device_age', 'mcc_code', 'noise', 'velocity']),
      model_version: '7',
      training_digest: 'sha256:0123',
      objective: 'binary',
    });
  });

  it('refuses feature names that do not match the model', () => {
    const data = binaryData({ rows: 500, seed: 3 });
    const { model } = train(data, { objective: 'binary', numRounds: 2 });
    expect(() => toOnnx(model, { featureNames: ['a'], version: '1', digest: 'd' })).toThrow(/1 feature names for a model of 5 features/);
  });
});
