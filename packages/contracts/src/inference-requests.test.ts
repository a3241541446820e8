import { describe, expect, it } from 'vitest';
import { failingFields } from './failing-fields.js';
import { INFERENCE_EXAMPLES } from './inference-examples.js';
import {
  ChurnPredictRequest,
  FraudScoreRequest,
  RecoveryRecommendRequest,
  RetryStrategyRequest,
} from './inference.js';
import { SubscriptionContext } from './scoring-context.js';

const fraud = INFERENCE_EXAMPLES.fraudScore.request;
const retry = INFERENCE_EXAMPLES.retryStrategy.request;
const churn = INFERENCE_EXAMPLES.churnPredict.request;
const recovery = INFERENCE_EXAMPLES.recoveryRecommend.request;

/** The fields fraud, retry and recovery requests share, each checked on all three. */
const paymentRequests = [
  ['FraudScoreRequest', FraudScoreRequest, fraud],
  ['RetryStrategyRequest', RetryStrategyRequest, retry],
  ['RecoveryRecommendRequest', RecoveryRecommendRequest, recovery],
] as const;

describe.each(paymentRequests)('%s', (_name, schema, example) => {
  it('accepts the published example unchanged', () => {
    expect(schema.parse(example)).toEqual(example);
  });

  it('accepts null or absent optional context, which the model treats as missing', () => {
    const sparse = {
      ...example,
      card_id: null,
      device_id: null,
      card_brand: null,
      card_bin: undefined,
    };
    expect(failingFields(schema, sparse)).toEqual([]);
  });

  it('ignores fields it does not know, so newer clients can call older servers', () => {
    expect(schema.parse({ ...example, loyalty_tier: 'gold' })).not.toHaveProperty('loyalty_tier');
  });

  it.each([
    ['a payment method', { payment_method_type: 'klarna' }],
    ['a card brand', { card_brand: 'cartes_bancaires' }],
  ])('accepts %s the model has not seen, as an unknown category', (_case, change) => {
    expect(failingFields(schema, { ...example, ...change })).toEqual([]);
  });

  it.each([
    ['amount_cents when it is negative', { amount_cents: -100 }, 'amount_cents'],
    ['amount_cents when it is fractional', { amount_cents: 12.5 }, 'amount_cents'],
    ['amount_cents when it is a string', { amount_cents: '1299' }, 'amount_cents'],
    ['currency when the code is unknown', { currency: 'XYZ' }, 'currency'],
    ['currency when it is lowercase', { currency: 'usd' }, 'currency'],
    ['customer_id when it is missing', { customer_id: undefined }, 'customer_id'],
    ['merchant_id when it is missing', { merchant_id: undefined }, 'merchant_id'],
    [
      'customer_id when it is longer than 64 characters',
      { customer_id: 'c'.repeat(65) },
      'customer_id',
    ],
    ['card_id when it holds forbidden characters', { card_id: 'card fp/1' }, 'card_id'],
    [
      'payment_method_type when it is missing',
      { payment_method_type: undefined },
      'payment_method_type',
    ],
    [
      'payment_method_type when it is not a token',
      { payment_method_type: 'Klarna Pay!' },
      'payment_method_type',
    ],
    [
      'payment_method_type when it is oversized',
      { payment_method_type: 'x'.repeat(49) },
      'payment_method_type',
    ],
    ['card_brand when it is a number', { card_brand: 4 }, 'card_brand'],
    ['card_bin when it has seven digits', { card_bin: '4242424' }, 'card_bin'],
    ['ip_country when it is not alpha-2', { ip_country: 'ROU' }, 'ip_country'],
    [
      'merchant_category_code when it is a number',
      { merchant_category_code: 5732 },
      'merchant_category_code',
    ],
    ['channel when it is unknown (a closed list)', { channel: 'phone' }, 'channel'],
    ['is_guest_checkout when it is a string', { is_guest_checkout: 'true' }, 'is_guest_checkout'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(schema, { ...example, ...change })).toEqual([field]);
  });

  it('names every failing field at once', () => {
    const bad = { ...example, amount_cents: -1, currency: 'XYZ', merchant_id: undefined };
    expect(failingFields(schema, bad).sort()).toEqual(['amount_cents', 'currency', 'merchant_id']);
  });

  it('rejects a body that is not an object', () => {
    expect(failingFields(schema, [example])).toEqual(['']);
  });
});

describe('FraudScoreRequest', () => {
  it('accepts an eight-digit BIN', () => {
    expect(failingFields(FraudScoreRequest, { ...fraud, card_bin: '42424242' })).toEqual([]);
  });

  it('rejects initiated_at when it is not an ISO timestamp, naming the field', () => {
    expect(
      failingFields(FraudScoreRequest, { ...fraud, initiated_at: '14/03/2026 02:17' }),
    ).toEqual(['initiated_at']);
  });
});

const failureRequests = [
  ['RetryStrategyRequest', RetryStrategyRequest, retry],
  ['RecoveryRecommendRequest', RecoveryRecommendRequest, recovery],
] as const;

describe.each(failureRequests)('%s failure context', (_name, schema, example) => {
  const retryAttempt = {
    ...example,
    payment_id: 'pay_r3',
    original_payment_id: 'pay_1',
    attempt_number: 3,
  };
  const firstAttempt = {
    ...example,
    payment_id: 'pay_1',
    original_payment_id: undefined,
    attempt_number: 1,
  };

  it('accepts a first attempt without original_payment_id, and a decline code the model has not seen', () => {
    expect(failingFields(schema, firstAttempt)).toEqual([]);
    const unseen = {
      ...retryAttempt,
      decline_code: 'card_velocity_exceeded',
      decline_type: 'soft',
    };
    expect(failingFields(schema, unseen)).toEqual([]);
  });

  it('accepts a known decline code without decline_type', () => {
    expect(failingFields(schema, { ...retryAttempt, decline_type: undefined })).toEqual([]);
  });

  it.each([
    ['attempt_number when it is zero', { attempt_number: 0 }, 'attempt_number'],
    ['attempt_number when it is above 50', { attempt_number: 51 }, 'attempt_number'],
    ['attempt_number when it is fractional', { attempt_number: 1.5 }, 'attempt_number'],
    ['decline_code when it is missing', { decline_code: undefined }, 'decline_code'],
    ['decline_code when it is not a token', { decline_code: 'Do Not Honor' }, 'decline_code'],
    ['decline_type when it is unknown', { decline_type: 'medium' }, 'decline_type'],
    ['payment_type when it is unknown', { payment_type: 'refund' }, 'payment_type'],
    ['failed_at when it is missing', { failed_at: undefined }, 'failed_at'],
    ['failed_at when it has no offset', { failed_at: '2026-03-27T06:00:12' }, 'failed_at'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(schema, { ...retryAttempt, ...change })).toEqual([field]);
  });

  it.each([
    [
      'a retry without original_payment_id',
      { ...retryAttempt, original_payment_id: null },
      'original_payment_id',
    ],
    [
      'a first attempt of another chain',
      { ...firstAttempt, original_payment_id: 'pay_0' },
      'original_payment_id',
    ],
    [
      'a hard decline code reported as soft',
      { ...retryAttempt, decline_code: 'stolen_card', decline_type: 'soft' },
      'decline_type',
    ],
  ])('rejects %s, naming the field', (_case, request, field) => {
    expect(failingFields(schema, request)).toEqual([field]);
  });
});

describe('RecoveryRecommendRequest', () => {
  it('accepts a failed one-off payment without subscription or candidate list', () => {
    const oneOff = {
      ...recovery,
      payment_type: 'one_off',
      subscription: null,
      candidate_actions: undefined,
    };
    expect(failingFields(RecoveryRecommendRequest, oneOff)).toEqual([]);
  });

  it.each([
    ['an empty candidate list', { candidate_actions: [] }, 'candidate_actions'],
    ['a repeated candidate', { candidate_actions: ['retry', 'retry'] }, 'candidate_actions'],
    ['an unknown candidate', { candidate_actions: ['retry', 'sms'] }, 'candidate_actions.1'],
    [
      'a subscription whose price is negative',
      { subscription: { ...recovery.subscription, plan_amount_cents: -1 } },
      'subscription.plan_amount_cents',
    ],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(RecoveryRecommendRequest, { ...recovery, ...change })).toEqual([field]);
  });
});

describe('ChurnPredictRequest', () => {
  it('accepts the published example, and a subscription with no failure', () => {
    expect(ChurnPredictRequest.parse(churn)).toEqual(churn);
    expect(failingFields(ChurnPredictRequest, { ...churn, last_failure: undefined })).toEqual([]);
  });

  it.each([
    ['subscription when it is missing', { subscription: undefined }, 'subscription'],
    ['customer_id when it is missing', { customer_id: undefined }, 'customer_id'],
    ['card_expiry when the month is 13', { card_expiry: '2026-13' }, 'card_expiry'],
    ['card_expiry in MM/YY form', { card_expiry: '04/26' }, 'card_expiry'],
    ['as_of when it is not a timestamp', { as_of: 'now' }, 'as_of'],
    [
      'a failure without its payment_id',
      { last_failure: { ...churn.last_failure, payment_id: undefined } },
      'last_failure.payment_id',
    ],
    [
      'a failure with attempt_number 0',
      { last_failure: { ...churn.last_failure, attempt_number: 0 } },
      'last_failure.attempt_number',
    ],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(ChurnPredictRequest, { ...churn, ...change })).toEqual([field]);
  });
});

describe('SubscriptionContext', () => {
  const subscription = churn.subscription;

  it.each([
    ['billing_interval when it is unknown', { billing_interval: 'fortnight' }, 'billing_interval'],
    ['currency when the code is unknown', { currency: 'XYZ' }, 'currency'],
    ['renewal_count when it is negative', { renewal_count: -1 }, 'renewal_count'],
    ['subscription_id when it is missing', { subscription_id: undefined }, 'subscription_id'],
    ['started_at when it is not a timestamp', { started_at: 'last june' }, 'started_at'],
    [
      'current_period_end when it is not after started_at',
      { current_period_end: subscription.started_at },
      'current_period_end',
    ],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(SubscriptionContext, { ...subscription, ...change })).toEqual([field]);
  });
});
