import type { PaymentEvent } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { escapeText, labelRow, paymentEventRow, PAYMENT_EVENTS_COPY } from './copy-rows.js';

const payment: PaymentEvent = {
  event_id: '6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f',
  schema_version: 1,
  payment_id: 'pay_1',
  original_payment_id: 'pay_1',
  attempt_number: 1,
  payment_type: 'one_off',
  customer_id: 'cus_1',
  merchant_id: 'mer_1',
  card_id: null,
  device_id: 'dev_1',
  subscription_id: null,
  amount_cents: 1250,
  currency: 'EUR',
  payment_method_type: 'paypal',
  card_brand: null,
  card_bin: null,
  card_country: null,
  ip_country: 'DE',
  billing_country: 'DE',
  merchant_category_code: '5411',
  channel: 'web',
  is_guest_checkout: false,
  status: 'failed',
  decline_code: 'insufficient_funds',
  decline_type: 'soft',
  occurred_at: '2026-01-02T03:04:05.678Z',
};

describe('COPY text rows', () => {
  it('writes one tab-separated line per payment, in the column order of the COPY, nulls as \\N', () => {
    const fields = paymentEventRow(payment).slice(0, -1).split('\t');
    expect(paymentEventRow(payment).endsWith('\n')).toBe(true);
    expect(fields).toHaveLength(PAYMENT_EVENTS_COPY.columns.length);
    const row = Object.fromEntries(PAYMENT_EVENTS_COPY.columns.map((column, i) => [column, fields[i]]));
    expect(row).toMatchObject({ payment_id: 'pay_1', card_id: '\\N', amount_cents: '1250', is_guest_checkout: 'f', decline_code: 'insufficient_funds', occurred_at: '2026-01-02T03:04:05.678Z' });
  });

  it('writes labels with booleans as t/f and a missing amount as \\N', () => {
    expect(
      labelRow({
        event_id: '6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f',
        schema_version: 1,
        occurred_at: '2026-01-09T00:00:00.000Z',
        label_type: 'recovery_outcome',
        payment_id: 'pay_1',
        action: 'reminder_email',
        recovered: false,
        recovered_amount_cents: null,
      }),
    ).toBe('6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f\tpay_1\treminder_email\tf\t\\N\t2026-01-09T00:00:00.000Z\n');
  });

  it('escapes backslashes, tabs and newlines in free text', () => {
    expect(escapeText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(escapeText('corner shop 12')).toBe('corner shop 12');
  });
});
