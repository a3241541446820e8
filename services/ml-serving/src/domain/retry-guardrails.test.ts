import { describe, expect, it } from 'vitest';
import { applyRetryGuardrails, isHardDecline } from './retry-guardrails.js';

const policy = { maxAttempts: 8, minDelaySeconds: 60 };
const soft = { decline_code: 'insufficient_funds', attempt_number: 2, card_brand: 'visa', failed_at: '2026-03-27T06:00:12Z' };

describe('retry guardrails', () => {
  it('never retries a hard decline, whatever the model says', () => {
    expect(applyRetryGuardrails('immediate', { ...soft, decline_code: 'stolen_card' }, policy)).toEqual({ strategy: 'do_not_retry', guardrail: 'hard_decline', retry_at: null, delay_seconds: null });
  });

  it('takes the processor decline_type over the code, and treats an unknown code as soft', () => {
    expect(isHardDecline({ decline_code: 'brand_new_code' })).toBe(false);
    expect(isHardDecline({ decline_code: 'brand_new_code', decline_type: 'hard' })).toBe(true);
    expect(isHardDecline({ decline_code: 'expired_card' })).toBe(true);
  });

  it("stops at the card network's retry limit before the platform cap", () => {
    const lenient = { maxAttempts: 50, minDelaySeconds: 60 };
    expect(applyRetryGuardrails('next_day', { ...soft, card_brand: 'mastercard', attempt_number: 10 }, lenient).guardrail).toBe('network_retry_limit');
    expect(applyRetryGuardrails('next_day', { ...soft, card_brand: 'visa', attempt_number: 10 }, lenient).strategy).toBe('next_day');
    expect(applyRetryGuardrails('next_day', { ...soft, attempt_number: 8 }, policy)).toMatchObject({ strategy: 'do_not_retry', guardrail: 'max_attempts' });
  });

  it('raises an immediate retry to the minimum delay and names the rule', () => {
    expect(applyRetryGuardrails('immediate', soft, policy)).toEqual({ strategy: 'immediate', guardrail: 'minimum_delay', retry_at: '2026-03-27T06:01:12.000Z', delay_seconds: 60 });
  });

  it('aligns payday retries with the next 1st or 15th at 08:00 UTC', () => {
    expect(applyRetryGuardrails('payday_aligned', soft, policy)).toEqual({ strategy: 'payday_aligned', guardrail: null, retry_at: '2026-04-01T08:00:00.000Z', delay_seconds: 439_188 });
    expect(applyRetryGuardrails('payday_aligned', { ...soft, failed_at: '2026-03-03T10:00:00Z' }, policy).retry_at).toBe('2026-03-15T08:00:00.000Z');
  });

  it('keeps the failure year below 100, which Date.UTC would read as 19xx (found by schemathesis)', () => {
    const early = { ...soft, failed_at: '0020-02-29T00:00:00Z' };
    expect(applyRetryGuardrails('payday_aligned', early, policy)).toMatchObject({ retry_at: '0020-03-01T08:00:00.000Z', delay_seconds: 86_400 + 8 * 3600 });
    expect(applyRetryGuardrails('next_day', early, policy).retry_at).toBe('0020-03-01T08:00:00.000Z');
  });

  it('backs off by hours doubling per attempt, and next_day retries at 08:00 UTC the day after', () => {
    expect(applyRetryGuardrails('backoff_hours', { ...soft, attempt_number: 3 }, policy).delay_seconds).toBe(4 * 3600);
    expect(applyRetryGuardrails('next_day', soft, policy).retry_at).toBe('2026-03-28T08:00:00.000Z');
  });

  it("keeps the model's own do_not_retry without naming a guardrail", () => {
    expect(applyRetryGuardrails('do_not_retry', soft, policy)).toEqual({ strategy: 'do_not_retry', guardrail: null, retry_at: null, delay_seconds: null });
  });
});
