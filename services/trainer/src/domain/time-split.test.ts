import { describe, expect, it } from 'vitest';
import { EmptySplitError, splitByTime } from './time-split.js';

const HOUR = 3_600_000;

describe('splitByTime', () => {
  it('puts every training row strictly before every validation row, and those before every test row', () => {
    // Shuffled times, with ties on the boundaries' neighbourhood.
    const times = [5, 0, 9, 3, 7, 7, 1, 8, 2, 6, 4, 9, 0].map((h) => h * HOUR);
    const split = splitByTime(times, { validation: 0.2, test: 0.3 });
    const at = (rows: Int32Array) => Array.from(rows, (row) => times[row]!);
    expect(Math.max(...at(split.train))).toBeLessThan(split.validationStartMs);
    expect(Math.min(...at(split.validation))).toBeGreaterThanOrEqual(split.validationStartMs);
    expect(Math.max(...at(split.validation))).toBeLessThan(split.testStartMs);
    expect(Math.min(...at(split.test))).toBeGreaterThanOrEqual(split.testStartMs);
    expect(split.train.length + split.validation.length + split.test.length).toBe(times.length);
  });

  it('keeps rows of the same instant in one period', () => {
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9].map((h) => h * HOUR);
    const split = splitByTime(times, { validation: 0.2, test: 0.25 });
    const periodOf = (row: number) => (split.test.includes(row) ? 'test' : split.validation.includes(row) ? 'validation' : 'train');
    expect(new Set([7, 8, 9].map(periodOf)).size).toBe(1);
  });

  it('cuts by time, not by row count, so a busy day does not move the boundary', () => {
    const times = [...Array<number>(90).fill(0), ...Array.from({ length: 10 }, (_, i) => (i + 1) * 10 * HOUR)];
    const split = splitByTime(times, { validation: 0.2, test: 0.2 });
    // 100 h of span: test from 80 h, validation from 60 h, whatever the 90 rows at hour 0.
    expect(split.testStartMs).toBe(80 * HOUR);
    expect(split.test.length).toBe(3);
    expect(split.validation.length).toBe(2);
    expect(split.train.length).toBe(95);
  });

  it('leaves unlabeled rows out of every period', () => {
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => h * HOUR);
    const split = splitByTime(times, { validation: 0.2, test: 0.2 }, (row) => row !== 9 && row !== 0);
    const all = [...split.train, ...split.validation, ...split.test];
    expect(all).not.toContain(0);
    expect(all).not.toContain(9);
    expect(all).toHaveLength(8);
  });

  it('fails naming the period when one is empty', () => {
    expect(() => splitByTime([0, 0, 0], { validation: 0.2, test: 0.2 })).toThrow(EmptySplitError);
    expect(() => splitByTime([], { validation: 0.2, test: 0.2 })).toThrow('no labeled rows');
  });
});
