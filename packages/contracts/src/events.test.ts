import { describe, expect, it } from 'vitest';
import {
  ChurnEvent,
  FraudLabelEvent,
  LabelEvent,
  PaymentEvent,
  RecoveryOutcomeEvent,
  RetryOutcomeEvent,
  TOPICS,
} from './events.js';
import { failingFields } from './failing-fields.js';

const succeeded = {
  event_id: '0b6f5a52-3c1e-4d8e-9b8a-2f0c6e4d7a11',
  schema_version: 1,
  payment_id: 'pay_91kd0s',
  original_payment_id: 'pay_91kd0s',
  attempt_number: 1,
  payment_type: 'one_off',
  customer_id: 'cus_2bq7rt',
  merchant_id: 'mer_streamly',
  card_id: 'card_fp_3c8e10',
  device_id: 'dev_a91c44',
  subscription_id: null,
  amount_cents: 4_999,
  currency: 'EUR',
  payment_method_type: 'card',
  card_brand: 'mastercard',
  card_bin: '555555',
  card_country: 'DE',
  ip_country: 'DE',
  billing_country: 'DE',
  merchant_category_code: '4899',
  channel: 'web',
  is_guest_checkout: false,
  status: 'succeeded',
  decline_code: null,
  decline_type: null,
  occurred_at: '2026-03-27T06:00:12.345Z',
};

const failedRenewalRetry = {
  ...succeeded,
  payment_id: 'pay_r2_91kd0s',
  attempt_number: 2,
  payment_type: 'retry',
  subscription_id: 'sub_q81mz',
  channel: 'recurring',
  device_id: null,
  status: 'failed',
  decline_code: 'insufficient_funds',
  decline_type: 'soft',
};

const sepaDebit = {
  ...succeeded,
  payment_method_type: 'sepa_debit',
  card_id: null,
  card_brand: null,
  card_bin: null,
  card_country: null,
};

describe('PaymentEvent', () => {
  it.each([
    ['a succeeded card payment', succeeded],
    ['a failed retry of a renewal', failedRenewalRetry],
    ['a SEPA debit without card fields', sepaDebit],
  ])('accepts %s', (_case, event) => {
    expect(PaymentEvent.parse(event)).toEqual(event);
  });

  it('is published on payments.normalized', () => {
    expect(TOPICS.paymentsNormalized).toBe('payments.normalized');
  });

  it.each([
    ['amount_cents when it is negative', { amount_cents: -4_999 }, 'amount_cents'],
    ['amount_cents when it is a string', { amount_cents: '4999' }, 'amount_cents'],
    ['currency when the code is unknown', { currency: 'XYZ' }, 'currency'],
    ['customer_id when it is missing', { customer_id: undefined }, 'customer_id'],
    ['merchant_id when it is null', { merchant_id: null }, 'merchant_id'],
    [
      'customer_id when it is longer than 64 characters',
      { customer_id: 'c'.repeat(65) },
      'customer_id',
    ],
    ['event_id when it is not a UUID', { event_id: 'evt_1' }, 'event_id'],
    ['schema_version when it is from the future', { schema_version: 2 }, 'schema_version'],
    ['attempt_number when it is zero', { attempt_number: 0 }, 'attempt_number'],
    ['card_bin when it is not six digits', { card_bin: '4242' }, 'card_bin'],
    ['ip_country when it is not alpha-2', { ip_country: 'DEU' }, 'ip_country'],
    [
      'merchant_category_code when it is a number',
      { merchant_category_code: 4899 },
      'merchant_category_code',
    ],
    ['is_guest_checkout when it is a string', { is_guest_checkout: 'false' }, 'is_guest_checkout'],
    ['status when it is unknown', { status: 'pending' }, 'status'],
    ['occurred_at when it has no offset', { occurred_at: '2026-03-27T06:00:12' }, 'occurred_at'],
    ['occurred_at when it is not a date', { occurred_at: 'yesterday' }, 'occurred_at'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(PaymentEvent, { ...succeeded, ...change })).toEqual([field]);
  });

  describe('cross-field rules', () => {
    it.each([
      [
        'a failed payment without a decline code',
        { ...failedRenewalRetry, decline_code: null, decline_type: null },
        ['decline_code'],
      ],
      [
        'a succeeded payment with a decline code',
        { ...succeeded, decline_code: 'do_not_honor', decline_type: 'soft' },
        ['decline_code'],
      ],
      ['a decline type without a code', { ...succeeded, decline_type: 'soft' }, ['decline_type']],
      [
        'a decline type that contradicts the code',
        { ...failedRenewalRetry, decline_code: 'stolen_card', decline_type: 'soft' },
        ['decline_type'],
      ],
      ['a card payment without card_id', { ...succeeded, card_id: null }, ['card_id']],
      ['a card payment without card_brand', { ...succeeded, card_brand: null }, ['card_brand']],
      [
        'a first attempt whose original_payment_id is another payment',
        { ...succeeded, original_payment_id: 'pay_other' },
        ['original_payment_id'],
      ],
    ])('rejects %s, naming the field', (_case, event, fields) => {
      expect(failingFields(PaymentEvent, event)).toEqual(fields);
    });
  });
});

const labelBase = {
  event_id: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  schema_version: 1,
  occurred_at: '2026-04-20T09:30:00Z',
};

const labels = {
  fraud: {
    ...labelBase,
    label_type: 'fraud',
    payment_id: 'pay_8f3k2m9q',
    source: 'chargeback',
    reason_code: '10.4',
  },
  retry_outcome: {
    ...labelBase,
    label_type: 'retry_outcome',
    payment_id: 'pay_91kd0s',
    retry_payment_id: 'pay_r2_91kd0s',
    strategy: 'payday_aligned',
    delay_hours: 122,
    succeeded: true,
  },
  churn: {
    ...labelBase,
    label_type: 'churn',
    customer_id: 'cus_2bq7rt',
    subscription_id: 'sub_q81mz',
    churn_type: 'involuntary',
  },
  recovery_outcome: {
    ...labelBase,
    label_type: 'recovery_outcome',
    payment_id: 'pay_91kd0s',
    action: 'card_update_request',
    recovered: true,
    recovered_amount_cents: 1_599,
  },
};

describe('LabelEvent', () => {
  it.each([
    ['fraud', FraudLabelEvent],
    ['retry_outcome', RetryOutcomeEvent],
    ['churn', ChurnEvent],
    ['recovery_outcome', RecoveryOutcomeEvent],
  ] as const)('accepts a %s label, alone and through the union', (labelType, variant) => {
    expect(variant.parse(labels[labelType])).toEqual(labels[labelType]);
    expect(LabelEvent.parse(labels[labelType])).toEqual(labels[labelType]);
  });

  it('rejects an unknown label_type, naming the field', () => {
    expect(failingFields(LabelEvent, { ...labels.fraud, label_type: 'refund' })).toEqual([
      'label_type',
    ]);
  });

  it.each([
    ['a fraud label with an unknown source', labels.fraud, { source: 'rumour' }, 'source'],
    [
      'a fraud label with an oversized reason code',
      labels.fraud,
      { reason_code: 'r'.repeat(33) },
      'reason_code',
    ],
    ['a fraud label without its payment_id', labels.fraud, { payment_id: undefined }, 'payment_id'],
    [
      'a retry outcome with a negative delay',
      labels.retry_outcome,
      { delay_hours: -1 },
      'delay_hours',
    ],
    [
      'a retry outcome with an unknown strategy',
      labels.retry_outcome,
      { strategy: 'whenever' },
      'strategy',
    ],
    [
      'a retry outcome whose succeeded is a string',
      labels.retry_outcome,
      { succeeded: 'yes' },
      'succeeded',
    ],
    [
      'a churn label without its subscription_id',
      labels.churn,
      { subscription_id: undefined },
      'subscription_id',
    ],
    [
      'a churn label with an unknown churn_type',
      labels.churn,
      { churn_type: 'paused' },
      'churn_type',
    ],
    [
      'a recovery outcome with an unknown action',
      labels.recovery_outcome,
      { action: 'sms' },
      'action',
    ],
    [
      'a recovery outcome with a negative recovered amount',
      labels.recovery_outcome,
      { recovered_amount_cents: -1 },
      'recovered_amount_cents',
    ],
    [
      'a label with a bad timestamp',
      labels.churn,
      { occurred_at: '2026-13-01T00:00:00Z' },
      'occurred_at',
    ],
    ['a label without its event_id', labels.recovery_outcome, { event_id: undefined }, 'event_id'],
  ])('rejects %s, naming the field', (_case, label, change, field) => {
    expect(failingFields(LabelEvent, { ...label, ...change })).toEqual([field]);
  });
});
