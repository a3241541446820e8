import { describe, expect, it } from 'vitest';
import { binColumns, fitBinMappers, type NumericBinMapper } from './binning.js';
import { buildHistogram, buildHistogramSparse, histogramLayout, newHistogram, rowMajorBins, subtractHistogram } from './histogram.js';
import { SeededRandom } from './random.js';
import { findBestSplit, leafGain, type SplitConstraints } from './split-finder.js';
import { gaussian } from './test-support.js';

const constraints: SplitConstraints = {
  lambdaL1: 0,
  lambdaL2: 1,
  minDataInLeaf: 3,
  minSumHessianInLeaf: 1e-3,
  minGainToSplit: 0,
  maxCatThreshold: 32,
  catSmooth: 0,
  catL2: 0,
  minDataPerGroup: 1,
  maxCatToOnehot: 4,
};

/** Histogram of every row of one column, with unit hessians (so row counts are exact). */
function setUp(column: Float64Array, gradients: Float64Array, categorical = false, hessian = 1) {
  const n = column.length;
  const mappers = fitBinMappers([column], { numRows: n, isCategorical: [categorical] }, { maxBin: 16, sampleSize: n, seed: 1 });
  const binned = binColumns([column], mappers);
  const layout = histogramLayout(mappers.map((m) => m.numBins));
  const hist = newHistogram(layout);
  const hessians = new Float64Array(n).fill(hessian);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  buildHistogram(hist, binned.bins, n, rows, 0, n, Int32Array.of(0), layout.featureOffset, gradients, hessians, new Float64Array(n), new Float64Array(n));
  const gradient = gradients.reduce((a, b) => a + b, 0);
  return { mapper: mappers[0]!, hist, totals: { gradient, hessian: hessians.reduce((a, b) => a + b, 0), count: n } };
}

/** Gain of sending the rows with goesLeft(i) left, computed from the rows themselves. */
function bruteGain(gradients: Float64Array, goesLeft: (i: number) => boolean, c: SplitConstraints): number | null {
  let lg = 0;
  let ln = 0;
  let g = 0;
  for (let i = 0; i < gradients.length; i++) {
    g += gradients[i]!;
    if (goesLeft(i)) {
      lg += gradients[i]!;
      ln++;
    }
  }
  const rn = gradients.length - ln;
  if (ln < c.minDataInLeaf || rn < c.minDataInLeaf) return null;
  const l2 = c.lambdaL2;
  return leafGain(lg, ln, 0, l2) + leafGain(g - lg, rn, 0, l2) - leafGain(g, gradients.length, 0, l2);
}

function randomProblem(seed: number, n: number, nanShare: number) {
  const random = new SeededRandom(seed);
  const column = new Float64Array(n);
  const gradients = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    column[i] = random.next() < nanShare ? NaN : Math.round(gaussian(random) * 4) / 4;
    const signal = Number.isNaN(column[i]) ? 0.8 : column[i]! > 0.5 ? -0.6 : 0.3;
    gradients[i] = signal + gaussian(random) * 0.5;
  }
  return { column, gradients };
}

describe('numeric split finding', () => {
  it('finds the best threshold and NaN direction that brute force over the raw rows finds', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { column, gradients } = randomProblem(seed, 200, seed % 2 === 0 ? 0.15 : 0);
      const { mapper, hist, totals } = setUp(column, gradients);
      const bounds = (mapper as NumericBinMapper).upperBounds;
      let best = -Infinity;
      for (let t = 0; t < bounds.length - 1; t++) {
        for (const nanLeft of [false, true]) {
          const gain = bruteGain(
            gradients,
            (i) => (Number.isNaN(column[i]) ? nanLeft : Math.fround(column[i]!) <= bounds[t]!),
            constraints,
          );
          if (gain !== null && gain > best) best = gain;
        }
      }
      const split = findBestSplit(hist, 0, 0, mapper, totals, constraints)!;
      expect(split.gain).toBeCloseTo(best, 9);
      // The split it describes, applied to the raw values, has the gain it reports.
      const threshold = bounds[split.thresholdBin]!;
      const applied = bruteGain(
        gradients,
        (i) => (Number.isNaN(column[i]) ? split.defaultLeft : Math.fround(column[i]!) <= threshold),
        constraints,
      );
      expect(applied).toBeCloseTo(split.gain, 9);
    }
  });

  it('sends NaN to the side whose gradients it resembles', () => {
    const n = 300;
    const column = new Float64Array(n);
    const gradients = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      column[i] = i % 3 === 0 ? NaN : i % 3;
      // NaN rows behave like the large values (negative gradient), small values the opposite.
      gradients[i] = Number.isNaN(column[i]) || column[i] === 2 ? -1 : 1;
    }
    const { mapper, hist, totals } = setUp(column, gradients);
    const split = findBestSplit(hist, 0, 0, mapper, totals, constraints)!;
    expect(split.defaultLeft).toBe(false);
    expect((mapper as NumericBinMapper).upperBounds[split.thresholdBin]).toBeLessThan(2);
  });

  it('respects minDataInLeaf', () => {
    const column = Float64Array.from({ length: 20 }, (_, i) => i);
    // Only the single largest value is different: isolating it would need a leaf of one row.
    const gradients = Float64Array.from({ length: 20 }, (_, i) => (i === 19 ? -10 : 0.1));
    const { mapper, hist, totals } = setUp(column, gradients);
    const split = findBestSplit(hist, 0, 0, mapper, totals, { ...constraints, minDataInLeaf: 5 })!;
    const left = split.left.hessian;
    expect(left).toBeGreaterThanOrEqual(5);
    expect(20 - left).toBeGreaterThanOrEqual(5);
  });

  it('allows a side of exactly minDataInLeaf rows (regression: its hessian-based row estimate came out a hair below)', () => {
    // The 3 largest of 10 values pull the other way. With equal hessians h, a side of 3 rows has
    // a hessian sum that floating point can put a hair below 3/10 of the total; counts estimated
    // from it must still come to 3 rows.
    const column = Float64Array.from({ length: 10 }, (_, i) => i);
    const gradients = Float64Array.from({ length: 10 }, (_, i) => (i >= 7 ? -1 : 1));
    for (const hessian of [0.1, 0.3, 0.7]) {
      const { mapper, hist, totals } = setUp(column, gradients, false, hessian);
      const split = findBestSplit(hist, 0, 0, mapper, totals, { ...constraints, minDataInLeaf: 3 })!;
      expect((mapper as NumericBinMapper).upperBounds[split.thresholdBin]).toBe(6.5);
    }
  });

  it('returns null when no split improves on the leaf', () => {
    const column = Float64Array.from({ length: 50 }, (_, i) => i);
    const { mapper, hist, totals } = setUp(column, new Float64Array(50).fill(0.5));
    expect(findBestSplit(hist, 0, 0, mapper, totals, constraints)).toBeNull();
  });
});

describe('categorical split finding', () => {
  function categoricalProblem(seed: number, categories: number) {
    const random = new SeededRandom(seed);
    const effect = Array.from({ length: categories }, () => gaussian(random));
    const n = 400;
    const column = new Float64Array(n);
    const gradients = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      column[i] = random.next() < 0.05 ? NaN : random.nextInt(categories);
      gradients[i] = (Number.isNaN(column[i]) ? 1 : effect[column[i]!]!) + gaussian(random) * 0.3;
    }
    return { column, gradients };
  }

  it('with constant hessians, finds the best of all 2^k partitions (Fisher: sorting by mean gradient is optimal)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const { column, gradients } = categoricalProblem(seed, 7);
      const { mapper, hist, totals } = setUp(column, gradients, true);
      if (mapper.kind !== 'categorical') throw new Error('expected a categorical mapper');
      const codes = [...mapper.categories, NaN];
      let best = -Infinity;
      for (let mask = 1; mask < (1 << codes.length) - 1; mask++) {
        const left = new Set(codes.filter((_, j) => mask & (1 << j)));
        const gain = bruteGain(
          gradients,
          (i) => (Number.isNaN(column[i]) ? left.has(NaN) : left.has(column[i]!)),
          constraints,
        );
        if (gain !== null && gain > best) best = gain;
      }
      const split = findBestSplit(hist, 0, 0, mapper, totals, constraints)!;
      expect(split.gain).toBeCloseTo(best, 9);
    }
  });

  it('splits one category against the rest when there are few', () => {
    const { column, gradients } = categoricalProblem(3, 3);
    const { mapper, hist, totals } = setUp(column, gradients, true);
    const split = findBestSplit(hist, 0, 0, mapper, totals, constraints)!;
    expect(split.leftBins!.length + (split.defaultLeft ? 1 : 0)).toBe(1);
  });
});

describe('histogram subtraction', () => {
  it('derives a sibling equal to building it from its rows', () => {
    const random = new SeededRandom(5);
    const n = 500;
    const columns = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => (random.next() < 0.1 ? NaN : gaussian(random))));
    const mappers = fitBinMappers(columns, { numRows: n, isCategorical: [false, false, false] }, { maxBin: 32, sampleSize: n, seed: 1 });
    const { bins } = binColumns(columns, mappers);
    const layout = histogramLayout(mappers.map((m) => m.numBins));
    const g = Float64Array.from({ length: n }, () => gaussian(random));
    const h = Float64Array.from({ length: n }, () => random.next());
    const rows = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (a % 3) - (b % 3) || a - b);
    const features = Int32Array.of(0, 1, 2);
    const scratch = [new Float64Array(n), new Float64Array(n)] as const;
    const parent = newHistogram(layout);
    const child = newHistogram(layout);
    const sibling = newHistogram(layout);
    const smaller = rows.filter((i) => i % 3 === 0).length;
    buildHistogram(parent, bins, n, Int32Array.from({ length: n }, (_, i) => i), 0, n, features, layout.featureOffset, g, h, ...scratch);
    buildHistogram(child, bins, n, rows, 0, smaller, features, layout.featureOffset, g, h, ...scratch);
    buildHistogram(sibling, bins, n, rows, smaller, n - smaller, features, layout.featureOffset, g, h, ...scratch);
    subtractHistogram(parent, child);
    parent.subarray(0, layout.totalBins * 2).forEach((v, i) => expect(v).toBeCloseTo(sibling[i]!, 10));
  });

  it('builds the same histogram from row-major bins (sparse leaves) as from column-major bins', () => {
    const random = new SeededRandom(6);
    const n = 400;
    const numFeatures = 7;
    const columns = Array.from({ length: numFeatures }, () => Float64Array.from({ length: n }, () => (random.next() < 0.1 ? NaN : gaussian(random))));
    const mappers = fitBinMappers(columns, { numRows: n, isCategorical: columns.map(() => false) }, { maxBin: 16, sampleSize: n, seed: 1 });
    const { bins } = binColumns(columns, mappers);
    const layout = histogramLayout(mappers.map((m) => m.numBins));
    const g = Float64Array.from({ length: n }, () => gaussian(random));
    const h = Float64Array.from({ length: n }, () => random.next());
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 3);
    // A feature subset, as feature subsampling gives.
    const features = Int32Array.of(0, 2, 3, 4, 6);
    const columnMajor = newHistogram(layout);
    const rowMajor = newHistogram(layout);
    buildHistogram(columnMajor, bins, n, rows, 0, rows.length, features, layout.featureOffset, g, h, new Float64Array(n), new Float64Array(n));
    buildHistogramSparse(rowMajor, rowMajorBins(bins, n, numFeatures), numFeatures, rows, 0, rows.length, features, layout.featureOffset, g, h);
    // The features' bins, not the scratch region that padding writes to.
    const real = layout.totalBins * 2;
    rowMajor.subarray(0, real).forEach((v, i) => expect(v).toBeCloseTo(columnMajor[i]!, 12));
    expect(rowMajor.some((v) => v !== 0)).toBe(true);
  });
});
