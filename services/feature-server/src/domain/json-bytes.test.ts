import type { FeatureValue } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.js';

function written(write: (out: JsonBytes) => void): string {
  const out = new JsonBytes(16);
  write(out);
  return out.take().toString('utf8');
}

describe('JsonBytes', () => {
  it('writes every kind of feature value as JSON.stringify does', () => {
    const values: FeatureValue[] = [
      0, -0, 7, -7, 9, 10, 99, 100, 2_147_483_647, -2_147_483_648, 2_147_483_648, 999_999_999_999_999, -999_999_999_999_999,
      1e15, -1e15, 2 ** 53 - 1, -(2 ** 53), 1e21, 1e-7, 0.1 + 0.2, -1.5, 5e-324, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY, null, true, false, '', 'plain', 'a "quoted" \\ value\n\t\r\b\f', '\u0000\u001f\u007f', 'ünïcode ✓ 𝄞',
      'lone \ud800 surrogate', [], ['x', 'y"z', '✓'],
    ];
    for (const value of values) expect(written((out) => out.value(value))).toBe(JSON.stringify(value));
    expect(written((out) => out.value(undefined))).toBe('null');
    expect(written((out) => out.values(values))).toBe(JSON.stringify(values));
  });

  it('writes random integers and doubles as JSON.stringify does', () => {
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const magnitude = 10 ** Math.floor(Math.random() * 17);
      values.push(Math.round((Math.random() - 0.5) * magnitude), (Math.random() - 0.5) * magnitude);
    }
    expect(written((out) => out.values(values))).toBe(JSON.stringify(values));
  });

  it('writes times as JSON.stringify writes a Date, calendar edges and odd values included', () => {
    const times = [
      0, 1, 999, 86_399_999, 86_400_000, Date.UTC(1972, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(2000, 2, 1), Date.UTC(2100, 1, 28),
      Date.UTC(2100, 2, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10_000, 0, 1), -1,
      Date.UTC(1969, 11, 31, 12), 1_770_000_000_000.5,
    ];
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(Math.random() * 253_402_300_800_000));
    for (const ms of times) expect(written((out) => out.quotedTime(ms))).toBe(JSON.stringify(new Date(ms)));
  });

  it('keeps a large answer it handed out intact while later ones are written, and reuses its buffer once released', () => {
    const out = new JsonBytes(1024);
    const long = (fill: string) => `"${fill.repeat(40_000)}"`;
    out.ascii(long('a'));
    const first = out.take();
    expect(out.isLent(first)).toBe(true);
    out.ascii(long('b'));
    const second = out.take();
    expect(first.toString() === long('a')).toBe(true);
    expect(second.toString() === long('b')).toBe(true);
    out.release(first);
    // The buffer written in next was set aside at the last take; the released one comes after it.
    out.ascii(long('c'));
    const third = out.take();
    out.ascii(long('d'));
    const fourth = out.take();
    expect(fourth.buffer === first.buffer).toBe(true);
    expect(fourth.toString() === long('d')).toBe(true);
    expect(third.toString() === long('c')).toBe(true);
    expect(second.toString() === long('b')).toBe(true);
    // Small answers are copies: releasing one (or releasing twice) changes nothing.
    out.ascii('[1]');
    const small = out.take();
    expect(out.isLent(small)).toBe(false);
    out.release(small);
    out.release(first);
    out.ascii('[2]');
    expect(out.take().toString()).toBe('[2]');
    expect(small.toString()).toBe('[1]');
  });
});
