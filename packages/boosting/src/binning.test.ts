import { describe, expect, it } from 'vitest';
import {
  binColumns,
  categoricalBinOf,
  fitBinMappers,
  float32Between,
  numericBinOf,
  numericUpperBounds,
  type NumericBinMapper,
} from './binning.js';
import { SeededRandom } from './random.js';

describe('numeric bins', () => {
  it('places at most maxBin quantile bins, each a float32 bound, with a NaN bin after them', () => {
    const random = new SeededRandom(1);
    const column = Float64Array.from({ length: 5000 }, () => (random.next() < 0.1 ? NaN : random.next() * 100));
    const [mapper] = fitBinMappers([column], { numRows: 5000, isCategorical: [false] }, { maxBin: 20, sampleSize: 5000, seed: 1 });
    const { upperBounds, nanBin, numBins } = mapper as NumericBinMapper;
    expect(upperBounds.length).toBe(20);
    expect(nanBin).toBe(20);
    expect(numBins).toBe(21);
    for (const bound of upperBounds.subarray(0, -1)) expect(Math.fround(bound)).toBe(bound);
    // Quantile bins hold roughly equal shares of the values.
    const counts = new Array<number>(numBins).fill(0);
    const { bins } = binColumns([column], [mapper!]);
    bins.forEach((b) => counts[b]!++);
    for (const count of counts.slice(0, 20)) expect(count).toBeGreaterThan(150);
    expect(counts[20]).toBeGreaterThan(400);
  });

  it('gives every distinct value its own bin when there are few', () => {
    const bounds = numericUpperBounds(Float64Array.of(1, 1, 2, 3, 3, 3), 255);
    expect(Array.from(bounds)).toEqual([1.5, 2.5, Infinity]);
  });

  it('gives a value heavier than a bin share a bin of its own', () => {
    const sorted = Float64Array.from([...new Array<number>(50).fill(0), ...Array.from({ length: 50 }, (_, i) => i + 1)]);
    const bounds = numericUpperBounds(sorted, 10);
    expect(bounds[0]).toBeLessThan(1);
    expect(bounds[0]).toBeGreaterThanOrEqual(0);
  });

  it('separates values that differ only beyond float32 precision by neither (they are one float32)', () => {
    const a = 0.1;
    const b = 0.1 + 1e-12;
    const bounds = numericUpperBounds(Float64Array.of(Math.fround(a), Math.fround(b), Math.fround(0.2)), 255);
    expect(bounds.length).toBe(2);
  });

  it('float32Between returns a float32 t with a ≤ t < b', () => {
    const random = new SeededRandom(3);
    for (let k = 0; k < 1000; k++) {
      const a = Math.fround((random.next() - 0.5) * 10 ** (random.nextInt(12) - 6));
      let b = Math.fround(a + Math.abs(a) * random.next() * 1e-6 + 1e-30);
      if (b <= a) b = Math.fround(a + Math.abs(a) * 1e-6 + 1e-30);
      const t = float32Between(a, b);
      expect(Math.fround(t)).toBe(t);
      expect(t >= a && t < b).toBe(true);
    }
  });

  it('bins through the bucket table exactly as a binary search would, edge values included', () => {
    const random = new SeededRandom(9);
    const special = [0, -0, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-45, -1e-45, 1e300, -1e300];
    const column = Float64Array.from({ length: 20000 }, (_, i) =>
      i < special.length ? special[i]! : (random.next() - 0.5) * 10 ** (random.next() * 20 - 10),
    );
    const [mapper] = fitBinMappers([column], { numRows: column.length, isCategorical: [false] }, { maxBin: 255, sampleSize: 2000, seed: 2 });
    const numeric = mapper as NumericBinMapper;
    // Bounds included: values exactly on a bound belong to its bin.
    const probe = Float64Array.from([...column, ...numeric.upperBounds.subarray(0, -1)]);
    const { bins } = binColumns([probe], [numeric]);
    probe.forEach((v, i) => expect(bins[i]).toBe(numericBinOf(numeric, v)));
  });
});

describe('categorical bins', () => {
  it('keeps the most frequent categories, pools the rest in the other bin, and bins NaN apart', () => {
    const column = Float64Array.from([5, 5, 5, 9, 9, 2, 7, NaN, 100]);
    const [mapper] = fitBinMappers([column], { numRows: column.length, isCategorical: [true] }, { maxBin: 3, sampleSize: 9, seed: 1 });
    if (mapper?.kind !== 'categorical') throw new Error('expected a categorical mapper');
    expect(Array.from(mapper.categories)).toEqual([5, 9]);
    expect(categoricalBinOf(mapper, 5)).toBe(0);
    expect(categoricalBinOf(mapper, 9)).toBe(1);
    expect(categoricalBinOf(mapper, 2)).toBe(mapper.otherBin);
    expect(categoricalBinOf(mapper, 12345)).toBe(mapper.otherBin);
    expect(categoricalBinOf(mapper, NaN)).toBe(mapper.nanBin);
  });
});
