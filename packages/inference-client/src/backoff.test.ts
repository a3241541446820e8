import { describe, expect, it } from 'vitest';
import { backoffDelayMs, checkRetryPolicy, retryAfterMs, type RetryPolicy } from './backoff.js';

const policy: RetryPolicy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0 };

describe('backoffDelayMs', () => {
  it('doubles from the initial delay on each retry when jitter is off', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds maxDelayMs, however many retries', () => {
    expect(backoffDelayMs(5, policy)).toBe(1_000);
    expect(backoffDelayMs(60, policy)).toBe(1_000);
  });

  it('draws the jittered share within [capped × (1 − jitter), capped]', () => {
    const half = { ...policy, jitter: 0.5 };
    expect(backoffDelayMs(3, half, () => 0)).toBe(200);
    expect(backoffDelayMs(3, half, () => 0.5)).toBe(300);
    expect(backoffDelayMs(3, half, () => 0.999_999)).toBeCloseTo(400, 3);
  });

  it('spreads full-jitter delays of simultaneous callers over the whole range', () => {
    const full = { ...policy, jitter: 1 };
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const delays = Array.from({ length: 2_000 }, () => backoffDelayMs(4, full, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(800);
    // Quarters of the range each hold about a quarter of the draws: callers do not bunch up.
    for (let quarter = 0; quarter < 4; quarter += 1) {
      const inQuarter = delays.filter((d) => d >= quarter * 200 && d < (quarter + 1) * 200).length;
      expect(inQuarter).toBeGreaterThan(400);
      expect(inQuarter).toBeLessThan(600);
    }
  });
});

describe('checkRetryPolicy', () => {
  it('names every field that cannot work', () => {
    expect(() => checkRetryPolicy({ maxAttempts: 0, initialDelayMs: 10, maxDelayMs: 5, multiplier: 0.5, jitter: 2 })).toThrow(
      /maxAttempts.*maxDelayMs.*multiplier.*jitter/,
    );
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-14T02:00:00Z');
  it('reads seconds', () => expect(retryAfterMs('3', now)).toBe(3_000));
  it('reads an HTTP date relative to now', () => expect(retryAfterMs('Sat, 14 Mar 2026 02:00:05 GMT', now)).toBe(5_000));
  it('treats a past date as now', () => expect(retryAfterMs('Sat, 14 Mar 2026 01:00:00 GMT', now)).toBe(0));
  it('ignores an absent or unreadable header', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
