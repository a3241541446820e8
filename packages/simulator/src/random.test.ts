import { describe, expect, it } from 'vitest';
import { AliasTable, Random } from './random.js';

describe('Random', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    const a = new Random(7, 3);
    const b = new Random(7, 3);
    expect(Array.from({ length: 100 }, () => a.uint32())).toEqual(Array.from({ length: 100 }, () => b.uint32()));
  });

  it('gives different sequences for different seeds and for different streams of one seed', () => {
    const first = (r: Random): number[] => Array.from({ length: 8 }, () => r.uint32());
    expect(first(new Random(1))).not.toEqual(first(new Random(2)));
    expect(first(new Random(1, 0))).not.toEqual(first(new Random(1, 1)));
  });

  it('draws floats in [0, 1) with mean one half and normals with mean 0 and sd 1', () => {
    const random = new Random(11);
    let sum = 0;
    let normalSum = 0;
    let normalSquares = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = random.float();
      if (u < 0 || u >= 1) outside++;
      sum += u;
      const z = random.normal();
      normalSum += z;
      normalSquares += z * z;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(normalSum / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(normalSquares / n)).toBeCloseTo(1, 1);
  });

  it('gives log-normal draws the requested median', () => {
    const random = new Random(5);
    const draws = Array.from({ length: 20_001 }, () => random.logNormal(40, 0.7)).sort((x, y) => x - y);
    expect(draws[10_000]).toBeGreaterThan(38);
    expect(draws[10_000]).toBeLessThan(42);
  });
});

describe('AliasTable', () => {
  it('samples indexes in proportion to their weights, never a zero weight', () => {
    const table = new AliasTable([1, 0, 3, 6]);
    const random = new Random(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[table.sample(random)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / 100_000).toBeCloseTo(0.1, 2);
    expect(counts[2]! / 100_000).toBeCloseTo(0.3, 2);
    expect(counts[3]! / 100_000).toBeCloseTo(0.6, 2);
  });

  it('refuses empty, negative and all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(/at least one/);
    expect(() => new AliasTable([1, -1])).toThrow(/non-negative/);
    expect(() => new AliasTable([0, 0])).toThrow(/positive total/);
  });
});
