import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatNumber, runDuration } from './format';

describe('format', () => {
  it('writes durations in the largest sensible units', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration((60 + 23) * 60_000)).toBe('1 h 23 min');
    expect(formatDuration(3 * 86_400_000 + 2 * 3_600_000)).toBe('3 d 2 h');
    expect(formatDuration(undefined)).toBe('—');
  });

  it('counts a running run until now', () => {
    expect(runDuration(1000, undefined, 4000)).toBe(3000);
    expect(runDuration(undefined, 5000)).toBeUndefined();
  });

  it('writes metric values with six significant digits, integers whole, and keeps NaN as sent', () => {
    expect(formatNumber(0.912345678)).toBe('0.912346');
    expect(formatNumber(200)).toBe('200');
    expect(formatNumber(0.00001234)).toBe('1.2340e-5');
    expect(formatNumber('NaN')).toBe('NaN');
  });

  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});
