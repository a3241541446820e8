import { describe, expect, it } from 'vitest';
import { minMaxIndices } from './ui-downsample.js';

const series = (length: number, at: (index: number) => number) =>
  Float64Array.from({ length }, (_, index) => at(index));

describe('minMaxIndices', () => {
  it('keeps every point of a series no longer than maxPoints', () => {
    expect(
      Array.from(
        minMaxIndices(
          series(5, (i) => i),
          5,
        ),
      ),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps at most maxPoints points, ascending, with the first and the last', () => {
    const kept = minMaxIndices(
      series(10_000, (i) => Math.sin(i / 50)),
      2000,
    );
    expect(kept.length).toBeLessThanOrEqual(2000);
    expect(kept.length).toBeGreaterThan(1900);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(9999);
    for (let i = 1; i < kept.length; i += 1) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
  });

  it('keeps a one-step spike and a one-step dip that every-k-th sampling would drop', () => {
    const values = series(10_000, () => 1);
    values[4321] = 50;
    values[7777] = -50;
    const kept = Array.from(minMaxIndices(values, 100));
    expect(kept).toContain(4321);
    expect(kept).toContain(7777);
  });

  it('never picks NaN or Infinity as a bucket minimum or maximum, but keeps a gap that holds nothing else', () => {
    const values = series(1000, (i) => i);
    values[500] = Number.POSITIVE_INFINITY;
    for (let i = 700; i < 999; i += 1) values[i] = Number.NaN;
    const kept = Array.from(minMaxIndices(values, 20));
    expect(kept).not.toContain(500);
    expect(kept.some((index) => index >= 700 && index < 999)).toBe(true);
  });
});
