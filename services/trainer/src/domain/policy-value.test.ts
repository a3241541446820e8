import { describe, expect, it } from 'vitest';
import { policyValue } from './policy-value.js';

describe('policyValue', () => {
  // Two actions drawn at random: action 1 succeeds on every row, action 0 on none.
  const action = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]);
  const outcome = Float64Array.from(action, (a) => a);
  const stratum = Array<string>(8).fill('soft');

  it('values the rule that always picks the working action at its true success rate', () => {
    expect(policyValue({ action, outcome, stratum }, Array<number>(8).fill(1))).toBeCloseTo(1);
    expect(policyValue({ action, outcome, stratum }, Array<number>(8).fill(0))).toBeCloseTo(0);
  });

  it('charges failures their cost and values a null action at zero', () => {
    expect(policyValue({ action, outcome, stratum }, Array<number>(8).fill(0), { failureCost: 0.5 })).toBeCloseTo(-0.5);
    expect(policyValue({ action, outcome, stratum }, Array<number>(8).fill(2), { nullActions: new Set([2]), failureCost: 0.5 })).toBe(0);
  });

  it('leaves out rows with no logged action', () => {
    const partial = Int32Array.from([0, 1, -1, -1]);
    expect(policyValue({ action: partial, outcome: [0, 1, 1, 1], stratum: ['a', 'a', 'a', 'a'] }, [1, 1, 1, 1])).toBeCloseTo(1);
  });
});
