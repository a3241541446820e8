import { baseValues, explain, train } from '@payments-mlops/boosting';
import { describe, expect, it } from 'vitest';
import { pathContributions, topContributions } from './path-attribution.js';

function model(numClass = 2) {
  let seed = 3;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const rows = 3000;
  const columns = Array.from({ length: 6 }, () => Float64Array.from({ length: rows }, () => (random() < 0.1 ? Number.NaN : random() * 10)));
  const labels = Float64Array.from({ length: rows }, (_, i) => Math.min(numClass - 1, Math.floor(((columns[0]![i]! || 5) + 2 * (columns[1]![i]! || 5)) / (30 / numClass))));
  return train({ columns, labels }, { objective: numClass === 2 ? 'binary' : 'multiclass', ...(numClass === 2 ? {} : { numClass }), numRounds: 30, numLeaves: 8, minDataInLeaf: 10 }).model;
}

describe('path attribution', () => {
  it('adds up to the raw score minus the expected score, as TreeSHAP does', () => {
    const trees = model();
    const row = [2, 8, Number.NaN, 1, 5, 5];
    const contributions = pathContributions(trees, row, 0);
    const raw = trees.predictRawRow(row)[0]!;
    expect(contributions.reduce((a, b) => a + b, 0) + baseValues(trees)[0]!).toBeCloseTo(raw, 6);
  });

  it('names the same strongest features as TreeSHAP on a model driven by two of them', () => {
    const trees = model();
    const row = [9, 9, 1, 1, 1, 1];
    const byPath = topContributions(pathContributions(trees, row, 0), 2).map((reason) => reason.feature).sort();
    const byShap = explain(trees, row, { topK: 2 }).reasons.map((reason) => reason.feature).sort();
    expect(byPath).toEqual(byShap);
  });

  it('explains the class asked for in a multiclass model', () => {
    const trees = model(3);
    const row = [1, 1, 1, 1, 1, 1];
    const total = pathContributions(trees, row, 2).reduce((a, b) => a + b, 0);
    expect(total + baseValues(trees)[2]!).toBeCloseTo(trees.predictRawRow(row)[2]!, 6);
  });

  it('keeps the largest absolute contributions, largest first', () => {
    expect(topContributions(Float64Array.of(0.1, -3, 0, 2, -0.5), 3)).toEqual([
      { feature: 1, contribution: -3 },
      { feature: 3, contribution: 2 },
      { feature: 4, contribution: -0.5 },
    ]);
  });
});
