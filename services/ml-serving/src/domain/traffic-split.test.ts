import { describe, expect, it } from 'vitest';
import { entityBucket, routeRequest } from './traffic-split.js';

describe('traffic split', () => {
  it('routes the same customer to the same alias every time', () => {
    const policy = { challengerWeight: 0.3, shadow: false };
    for (let i = 0; i < 50; i++) expect(routeRequest('fraud', `cus_${i}`, policy, true)).toEqual(routeRequest('fraud', `cus_${i}`, policy, true));
  });

  it('sends about the configured share of customers to the challenger', () => {
    const policy = { challengerWeight: 0.2, shadow: false };
    let challenger = 0;
    for (let i = 0; i < 20_000; i++) if (routeRequest('fraud', `cus_${i}`, policy, true).answer === 'challenger') challenger++;
    expect(challenger / 20_000).toBeGreaterThan(0.19);
    expect(challenger / 20_000).toBeLessThan(0.21);
  });

  it('spreads buckets evenly over [0, 1) for ids that differ only in their last characters', () => {
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) deciles[Math.floor(entityBucket('churn', `cus_${i}`) * 10)]!++;
    for (const count of deciles) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });

  it('splits each task independently', () => {
    let same = 0;
    for (let i = 0; i < 1000; i++) if (entityBucket('fraud', `cus_${i}`) < 0.5 === entityBucket('retry', `cus_${i}`) < 0.5) same++;
    expect(same).toBeGreaterThan(420);
    expect(same).toBeLessThan(580);
  });

  it('answers with the champion when no challenger is loaded, whatever the weight', () => {
    expect(routeRequest('fraud', 'cus_1', { challengerWeight: 1, shadow: true }, false)).toEqual({ answer: 'champion', shadow: false });
  });

  it('in shadow mode answers with the champion and asks for a challenger score', () => {
    expect(routeRequest('fraud', 'cus_1', { challengerWeight: 0, shadow: true }, true)).toEqual({ answer: 'champion', shadow: true });
  });
});
