import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import { explain, shapValues } from './explain.js';
import { gaussLegendre } from './gauss-legendre.js';
import { BoostedModel } from './model.js';
import { SeededRandom } from './random.js';
import { exactShapley, randomRow, randomTree, type RandomTreeOptions } from './shap-reference.js';
import { binaryData, multiclassData } from './test-support.js';
import { train } from './train.js';
import { expectedValue, type Tree } from './tree.js';

/** Within 1e-9 of the reference, relative to the reference's largest |value|. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const scale = Math.max(...Array.from(expected, Math.abs), 1e-300);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `feature ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(1e-9 * scale);
  }
}

function modelOf(trees: Tree[], numFeatures: number, numClass = 1, categorical: readonly number[] = []): BoostedModel {
  return new BoostedModel({
    objective: numClass > 1 ? 'multiclass' : 'regression',
    numClass,
    numFeatures,
    featureNames: Array.from({ length: numFeatures }, (_, f) => `f${f}`),
    categoricalFeatures: [...categorical],
    initScores: new Float64Array(numClass).fill(0.25),
    trees,
  });
}

/** Local accuracy: base + Σ φ equals the raw score, for every class. */
function expectLocalAccuracy(model: BoostedModel, row: ArrayLike<number>, phi: Float64Array): void {
  const raw = model.predictRaw([row]);
  const f = model.numFeatures;
  for (let c = 0; c < model.numClass; c++) {
    let base = model.initScores[c]!;
    model.trees.forEach((tree, t) => {
      if (t % model.numClass === c) base += expectedValue(tree);
    });
    const total = phi.subarray(c * f, (c + 1) * f).reduce((s, v) => s + v, base);
    expect(Math.abs(total - raw[c]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(raw[c]!)));
  }
}

/** One tree at a time against brute force and Algorithm 2, and local accuracy. */
function checkTrees(seed: number, count: number, options: RandomTreeOptions, compareAlgorithm2 = true): void {
  const random = new SeededRandom(seed);
  for (let n = 0; n < count; n++) {
    const tree = randomTree(random, options);
    const model = modelOf([tree], options.numFeatures, 1, options.categorical);
    for (let r = 0; r < 4; r++) {
      const row = randomRow(random, options.numFeatures, options.categorical);
      const fast = shapValues(model, row);
      expectClose(fast, exactShapley(tree, row, options.numFeatures));
      if (compareAlgorithm2) expectClose(fast, shapValues(model, row, { algorithm: 'lundberg' }));
      expectLocalAccuracy(model, row, fast);
    }
  }
}

describe('Linear TreeSHAP', () => {
  it('integrates with Gauss–Legendre rules exact to degree 2q − 1 on [0, 1]', () => {
    for (let q = 1; q <= 16; q++) {
      const { nodes, weights } = gaussLegendre(q);
      for (let degree = 0; degree <= 2 * q - 1; degree++) {
        const integral = nodes.reduce((s, t, k) => s + weights[k]! * t ** degree, 0);
        expect(Math.abs(integral - 1 / (degree + 1))).toBeLessThan(1e-14);
      }
    }
  });

  it('equals brute-force Shapley values and Algorithm 2 on random trees whose paths repeat features, with NaN rows', () => {
    checkTrees(11, 150, { numFeatures: 4, numLeaves: 12 });
    checkTrees(12, 100, { numFeatures: 7, numLeaves: 31 });
  });

  it('equals brute force and Algorithm 2 with categorical splits', () => {
    checkTrees(13, 120, { numFeatures: 5, numLeaves: 16, categorical: [1, 3] });
  });

  it('equals brute force on deep trees (a chain 24 splits deep over 8 features) and on wide deep trees', () => {
    checkTrees(14, 40, { numFeatures: 8, numLeaves: 25, chain: true });
    checkTrees(15, 20, { numFeatures: 10, numLeaves: 60 });
  });

  it('equals brute force when a child has no training cover (a zero fraction of 0), where Algorithm 2 divides by zero', () => {
    checkTrees(16, 150, { numFeatures: 5, numLeaves: 14, emptyLeafChance: 0.3 }, false);
  });

  it('gives zeros for single-leaf trees and keeps local accuracy beside them', () => {
    const random = new SeededRandom(17);
    const single = randomTree(random, { numFeatures: 3, numLeaves: 1 });
    const trees = [single, randomTree(random, { numFeatures: 3, numLeaves: 6 }), single];
    const row = randomRow(random, 3);
    expect(Array.from(shapValues(modelOf([single], 3), row))).toEqual([0, 0, 0]);
    const model = modelOf(trees, 3);
    const phi = shapValues(model, row);
    expectClose(phi, shapValues(model, row, { algorithm: 'lundberg' }));
    expectLocalAccuracy(model, row, phi);
  });

  it('agrees with Algorithm 2 for every class of a random multiclass ensemble, and explains one class alone', () => {
    const random = new SeededRandom(18);
    const trees = Array.from({ length: 3 * 12 }, (_, t) =>
      randomTree(random, { numFeatures: 6, numLeaves: t % 5 === 0 ? 1 : 2 + random.nextInt(30), categorical: [2] }),
    );
    const model = modelOf(trees, 6, 3, [2]);
    for (let r = 0; r < 30; r++) {
      const row = randomRow(random, 6, [2]);
      const phi = shapValues(model, row);
      expectClose(phi, shapValues(model, row, { algorithm: 'lundberg' }));
      expectLocalAccuracy(model, row, phi);
      const e = explain(model, row, { classIndex: 1 });
      expect(Array.from(e.contributions)).toEqual(Array.from(phi.subarray(6, 12)));
    }
  });

  it('agrees with Algorithm 2 on trained binary and multiclass models (NaN, categorical, 31 leaves)', () => {
    const data = binaryData({ rows: 3000, seed: 21, missing: 0.2 });
    const { model } = train(data, { objective: 'binary', numRounds: 30, numLeaves: 31, minDataInLeaf: 5 });
    const rows = binaryData({ rows: 50, seed: 22, missing: 0.3 });
    for (let i = 0; i < 50; i++) {
      const row = rows.columns.map((c) => c[i]!);
      expectClose(shapValues(model, row), shapValues(model, row, { algorithm: 'lundberg' }));
    }
    const multi = train(multiclassData(1500), { objective: 'multiclass', numRounds: 10, numLeaves: 31 }).model;
    const multiRows = multiclassData(40, 23);
    for (let i = 0; i < 40; i++) {
      const row = multiRows.columns.map((c) => c[i]!);
      expectClose(shapValues(multi, row), shapValues(multi, row, { algorithm: 'lundberg' }));
    }
  });
});

describe('explain reason codes', () => {
  /** The reference: every feature sorted by |contribution|, lower index first on ties, zeros dropped. */
  function sortedReasons(contributions: Float64Array, topK: number): number[] {
    return Array.from(contributions.keys())
      .sort((a, b) => Math.abs(contributions[b]!) - Math.abs(contributions[a]!) || a - b)
      .slice(0, topK)
      .filter((f) => contributions[f] !== 0);
  }

  it('selects the same top k as a full sort: ties to the lower index, zero contributions left out, k beyond the non-zero features', () => {
    const random = new SeededRandom(31);
    // Few distinct leaf values and features never split on give ties and exact zeros.
    const trees = Array.from({ length: 20 }, () => {
      const tree = randomTree(random, { numFeatures: 6, numLeaves: 1 + random.nextInt(6) });
      tree.leafValue.forEach((v, i) => (tree.leafValue[i] = Math.sign(v)));
      return tree;
    });
    const model = modelOf(trees, 12);
    for (let r = 0; r < 200; r++) {
      const row = randomRow(random, 12);
      for (const topK of [0, 1, 3, 5, 12, 20]) {
        const { reasons, contributions } = explain(model, row, { topK });
        expect(reasons.map((reason) => reason.feature)).toEqual(sortedReasons(contributions, topK));
        for (const reason of reasons) {
          expect(reason).toEqual({ feature: reason.feature, name: `f${reason.feature}`, value: row[reason.feature], contribution: contributions[reason.feature] });
        }
      }
    }
  });
});

describe('explain raw score', () => {
  it('equals predictRaw to the bit, from the same walk as the contributions (binary, and each class of a multiclass model)', () => {
    const binary = train(binaryData({ rows: 2000, seed: 41 }), { objective: 'binary', numRounds: 20 }).model;
    const rows = binaryData({ rows: 30, seed: 42 });
    for (let i = 0; i < 30; i++) {
      const row = rows.columns.map((c) => c[i]!);
      expect(explain(binary, row, { topK: 3 }).rawScore).toBe(binary.predictRaw([row])[0]);
    }
    const multi = train(multiclassData(1500), { objective: 'multiclass', numRounds: 8 }).model;
    const multiRows = multiclassData(20, 43);
    for (let i = 0; i < 20; i++) {
      const row = multiRows.columns.map((c) => c[i]!);
      const raw = multi.predictRaw([row]);
      for (let c = 0; c < 3; c++) expect(explain(multi, row, { classIndex: c }).rawScore).toBe(raw[c]);
      expect(explain(multi, row).rawScore).toBe(Math.max(...raw));
    }
  });

  it('rejects a row of the wrong length, naming the features', () => {
    const model = modelOf([randomTree(new SeededRandom(44), { numFeatures: 3, numLeaves: 4 })], 3);
    expect(() => explain(model, [1, 2])).toThrow(/row has 2 features; the model expects 3 \(f0, f1, f2\)/);
    expect(() => shapValues(model, [1, 2, 3, 4])).toThrow(/row has 4 features/);
  });
});

describe('the WebAssembly kernel', () => {
  it('is the build of assembly/linear-tree-shap.ts as committed (pnpm --filter @payments-mlops/boosting build:wasm rebuilds it)', async () => {
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    const built = new Map<string, Uint8Array>();
    const messages: string[] = [];
    const { error } = await asc.main(['--config', 'asconfig.json', '--baseDir', packageRoot], {
      stderr: { write: (chunk: Uint8Array | string) => void messages.push(String(chunk)) },
      writeFile: (name, contents, baseDir) => void built.set(path.resolve(baseDir, name), typeof contents === 'string' ? new TextEncoder().encode(contents) : contents),
    });
    expect(error, messages.join('')).toBeNull();
    const committedPath = path.join(packageRoot, 'wasm/linear-tree-shap.wasm');
    const wasm = built.get(committedPath);
    expect(wasm, `asc wrote ${[...built.keys()].join(', ')}`).toBeDefined();
    const committed = await readFile(committedPath);
    expect(Buffer.from(wasm!).equals(committed), 'wasm/linear-tree-shap.wasm is stale: run pnpm --filter @payments-mlops/boosting build:wasm').toBe(true);
  });

  it('keeps each model in a memory of its own: two models explained in turn give what each gives alone', () => {
    const first = train(binaryData({ rows: 1500, seed: 51 }), { objective: 'binary', numRounds: 15 }).model;
    const second = train(binaryData({ rows: 1500, seed: 52 }), { objective: 'binary', numRounds: 25, numLeaves: 8 }).model;
    const rows = binaryData({ rows: 10, seed: 53 });
    const alone = (model: BoostedModel): Float64Array[] => Array.from({ length: 10 }, (_, i) => shapValues(model, rows.columns.map((c) => c[i]!)));
    const firstAlone = alone(first);
    const secondAlone = alone(second);
    for (let i = 0; i < 10; i++) {
      const row = rows.columns.map((c) => c[i]!);
      expect(shapValues(second, row)).toEqual(secondAlone[i]);
      expect(shapValues(first, row)).toEqual(firstAlone[i]);
    }
  });
});
