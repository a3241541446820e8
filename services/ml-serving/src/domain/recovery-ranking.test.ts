import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTION_COSTS_CENTS, rankRecoveryActions } from './recovery-ranking.js';

// Probabilities in the contract's action order: retry, card_update_request, reminder_email, alternative_payment_method, none.
const probabilities = Float32Array.of(0.1, 0.5, 0.2, 0.15, 0.05);

describe('recovery ranking', () => {
  it('ranks actions by probability times amount minus cost, best first', () => {
    const ranked = rankRecoveryActions(probabilities, 10_000, undefined, DEFAULT_ACTION_COSTS_CENTS);
    expect(ranked.map((action) => action.action)).toEqual(['card_update_request', 'reminder_email', 'alternative_payment_method', 'retry', 'none']);
    expect(ranked[0]).toEqual({ action: 'card_update_request', recovery_probability: 0.5, expected_value_cents: 4975 });
  });

  it('ranks only the candidate actions the merchant allows', () => {
    const ranked = rankRecoveryActions(probabilities, 10_000, ['retry', 'reminder_email'], DEFAULT_ACTION_COSTS_CENTS);
    expect(ranked.map((action) => action.action)).toEqual(['reminder_email', 'retry']);
  });

  it('lets a costly action fall below a cheap one on a small amount', () => {
    const ranked = rankRecoveryActions(Float32Array.of(0, 0.3, 0.25, 0, 0), 100, ['card_update_request', 'reminder_email'], DEFAULT_ACTION_COSTS_CENTS);
    expect(ranked.map((action) => [action.action, action.expected_value_cents])).toEqual([
      ['reminder_email', 20],
      ['card_update_request', 5],
    ]);
  });
});
