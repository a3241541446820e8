/**
 * TreeSHAP cost per row, the old algorithm beside the new, on the model shape ml-serving
 * explains: binary, 200 trees of 31 leaves (leaf-wise, so paths up to ~15 splits deep), trained
 * on 50 features, one thread.
 *
 *   node --conditions=source --import tsx bench/boosting/explain.ts [--rows 40000] [--explain-rows 2000]
 *
 * Prints CPU µs per row of shapValues with Algorithm 2 of Lundberg et al. 2018 ('lundberg') and with
 * Linear TreeSHAP ('linear'), of explain(model, row, { topK: 3 }) as ml-serving calls it, and the
 * largest difference between the two algorithms' values.
 */
import { parseArgs } from 'node:util';
import { explain, shapValues, train, type ShapAlgorithm, type Tree } from '@payments-mlops/boosting';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '40000' },
    'explain-rows': { type: 'string', default: '2000' },
    features: { type: 'string', default: '50' },
    passes: { type: 'string', default: '5' },
  },
});
const numRows = Number(args.rows);
const explainRows = Number(args['explain-rows']);
const numFeatures = Number(args.features);
const passes = Number(args.passes);

/** A fraud-like problem over numFeatures columns: a few strong features, interactions, NaN, noise. */
function syntheticData(rows: number, seed: number): { columns: Float64Array[]; labels: Float64Array } {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const columns = Array.from({ length: numFeatures }, () => new Float64Array(rows));
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = -2;
    for (let j = 0; j < numFeatures; j++) {
      const x = normal();
      columns[j]![i] = j % 7 === 3 && uniform() < 0.1 ? NaN : x;
      if (j < 10) z += (x * (10 - j)) / 10;
    }
    z += columns[0]![i]! * columns[1]![i]! + (columns[2]![i]! > 0.5 && columns[3]![i]! > 0 ? 1.5 : 0);
    labels[i] = z + normal() > 0 ? 1 : 0;
  }
  return { columns, labels };
}

const trainData = syntheticData(numRows, 1);
const started = performance.now();
const { model } = train(
  { ...trainData, featureNames: Array.from({ length: numFeatures }, (_, j) => `f${j}`) },
  { objective: 'binary', numRounds: 200, numLeaves: 31, learningRate: 0.1, lambdaL2: 1, seed: 1 },
);
const depthOf = (tree: Tree, node: number): number =>
  node < 0 ? 0 : 1 + Math.max(depthOf(tree, tree.leftChild[node]!), depthOf(tree, tree.rightChild[node]!));
const depths = model.trees.map((tree) => (tree.numLeaves === 1 ? 0 : depthOf(tree, 0)));
process.stderr.write(
  `trained ${model.trees.length} trees of ≤ 31 leaves on ${numRows} rows × ${numFeatures} features in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s; depth mean ${(depths.reduce((s, d) => s + d, 0) / depths.length).toFixed(1)}, ` +
    `max ${Math.max(...depths)}\n`,
);

const test = syntheticData(explainRows, 2);
const rows = Array.from({ length: explainRows }, (_, i) => Float64Array.from(test.columns, (c) => c[i]!));

/**
 * CPU µs per row, the best of `passes` passes over all rows (the first also warms the JIT). CPU
 * time rather than wall time: on a shared machine it leaves out the time the process waited.
 */
function microsPerRow(run: (row: Float64Array) => unknown): number {
  let best = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    const started = process.cpuUsage();
    for (const row of rows) run(row);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / rows.length);
  }
  return best;
}

const timings: Record<string, number> = {};
for (const algorithm of ['lundberg', 'linear'] as ShapAlgorithm[]) {
  timings[algorithm] = microsPerRow((row) => shapValues(model, row, { algorithm }));
}
const explainUs = microsPerRow((row) => explain(model, row, { topK: 3 }));

let largestDifference = 0;
let largestValue = 0;
for (const row of rows.slice(0, 200)) {
  const reference = shapValues(model, row, { algorithm: 'lundberg' });
  const fast = shapValues(model, row);
  reference.forEach((value, f) => {
    largestDifference = Math.max(largestDifference, Math.abs(value - fast[f]!));
    largestValue = Math.max(largestValue, Math.abs(value));
  });
}

const old = timings.lundberg!;
const fast = timings.linear!;
console.log(`TreeSHAP, ${model.trees.length} trees × 31 leaves, ${numFeatures} features: CPU µs per row (best of ${passes} passes over ${explainRows} rows)`);
console.log(`  shapValues  Algorithm 2 (lundberg)   ${old.toFixed(1).padStart(8)}`);
console.log(`  shapValues  Linear TreeSHAP (linear) ${fast.toFixed(1).padStart(8)}   ${(old / fast).toFixed(1)}× faster`);
console.log(`  explain(model, row, { topK: 3 })     ${explainUs.toFixed(1).padStart(8)}`);
console.log(`  largest |difference| ${largestDifference.toExponential(2)} (largest |value| ${largestValue.toFixed(3)})`);
