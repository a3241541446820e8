import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../definitions/duration.js';
import { declineSignals } from './decline-signals.js';
import { paymentRiskSignals } from './payment-risk-signals.js';

const NOW = Date.parse('2026-03-15T09:30:00.000Z');

describe('payment_risk_signals', () => {
  it('scores the amount against the customer’s history and spots a new device', () => {
    const out = paymentRiskSignals.compute(
      {
        amount_cents: 5000, device_id: 'dev_new', ip_country: 'FR', card_country: 'US', billing_country: 'US',
        customer_avg_amount_cents: 2000, customer_amount_stddev_cents: 1000, customer_devices_90d: ['dev_home'],
        customer_ip_countries_90d: ['FR'], customer_first_payment_at: NOW - 10 * 24 * HOUR_MS, customer_last_failure_at: NOW - 3 * HOUR_MS,
        merchant_avg_transaction_amount: 2500,
      },
      NOW,
    );
    expect(out).toEqual({
      amount_zscore: 3, amount_to_merchant_avg_ratio: 2, is_new_device: true, is_new_ip_country: false, ip_card_country_mismatch: true,
      billing_card_country_mismatch: false, customer_days_since_first_payment: 10, hours_since_last_customer_failure: 3, hour_of_day: 9,
    });
  });

  it('gives no z-score without spread, and treats a customer without history as all new', () => {
    const out = paymentRiskSignals.compute({ amount_cents: 5000, device_id: 'dev_1', customer_avg_amount_cents: 5000, customer_amount_stddev_cents: 0 }, NOW);
    expect(out.amount_zscore).toBeNull();
    expect(out.is_new_device).toBe(true);
    expect(out.is_new_ip_country).toBeNull(); // no IP country in the request: unknown, not new
    expect(out.customer_days_since_first_payment).toBeNull();
  });
});

describe('decline_signals', () => {
  it('knows hard declines and repeated codes', () => {
    expect(declineSignals.compute({ decline_code: 'stolen_card', attempt_number: 2, card_last_decline_code: 'stolen_card', card_last_failure_at: NOW - HOUR_MS }, NOW)).toEqual({
      is_hard_decline: true, repeats_last_decline_code: true, hours_since_last_card_failure: 1, is_first_attempt: false, day_of_month: 15,
    });
    expect(declineSignals.compute({ decline_code: 'insufficient_funds', attempt_number: 1 }, NOW)).toMatchObject({ is_hard_decline: false, repeats_last_decline_code: null });
  });
});
