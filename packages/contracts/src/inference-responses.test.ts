import { describe, expect, it } from 'vitest';
import { failingFields } from './failing-fields.js';
import { INFERENCE_EXAMPLES } from './inference-examples.js';
import {
  ChurnPredictResponse,
  FraudScoreResponse,
  RecoveryRecommendResponse,
  RetryStrategyResponse,
  fraudDecisionFor,
} from './inference.js';

const fraud = INFERENCE_EXAMPLES.fraudScore.response;
const retry = INFERENCE_EXAMPLES.retryStrategy.response;
const churn = INFERENCE_EXAMPLES.churnPredict.response;
const recovery = INFERENCE_EXAMPLES.recoveryRecommend.response;

const responses = [
  ['FraudScoreResponse', FraudScoreResponse, fraud],
  ['RetryStrategyResponse', RetryStrategyResponse, retry],
  ['ChurnPredictResponse', ChurnPredictResponse, churn],
  ['RecoveryRecommendResponse', RecoveryRecommendResponse, recovery],
] as const;

describe.each(responses)('%s', (_name, schema, example) => {
  it('accepts the published example unchanged', () => {
    expect(schema.parse(example)).toEqual(example);
  });

  it('accepts a degraded answer that lists the unknown categories it scored', () => {
    const degraded = { ...example, degraded: true, unknown_categories: ['payment_method_type'] };
    expect(failingFields(schema, degraded)).toEqual([]);
  });

  it.each([
    ['request_id when it is missing', { request_id: undefined }, 'request_id'],
    [
      'request_id when it is longer than 128 characters',
      { request_id: 'r'.repeat(129) },
      'request_id',
    ],
    ['model when it is missing', { model: undefined }, 'model'],
    [
      'model.version when it is a number',
      { model: { ...example.model, version: 7 } },
      'model.version',
    ],
    [
      'model.alias when it is not a serving alias',
      { model: { ...example.model, alias: 'shadow' } },
      'model.alias',
    ],
    ['model.name when it is empty', { model: { ...example.model, name: '' } }, 'model.name'],
    ['degraded when it is a string', { degraded: 'false' }, 'degraded'],
    ['latency_ms when it is negative', { latency_ms: -0.1 }, 'latency_ms'],
    [
      'unknown_categories when it lists more than 16 fields',
      { unknown_categories: Array(17).fill('x') },
      'unknown_categories',
    ],
    [
      'reasons when there are more than 10',
      { reasons: Array(11).fill(example.reasons[0]) },
      'reasons',
    ],
    [
      'a reason without its feature',
      { reasons: [{ value: 1, contribution: 0.2 }] },
      'reasons.0.feature',
    ],
    [
      'a reason whose contribution is not a number',
      { reasons: [{ feature: 'f', value: 1, contribution: 'high' }] },
      'reasons.0.contribution',
    ],
    [
      'a reason whose value is an object',
      { reasons: [{ feature: 'f', value: {}, contribution: 0.2 }] },
      'reasons.0.value',
    ],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(schema, { ...example, ...change })).toEqual([field]);
  });
});

describe('FraudScoreResponse', () => {
  it.each([
    [0.1, 'approve'],
    [0.35, 'review'],
    [0.79, 'review'],
    [0.8, 'decline'],
  ] as const)('states the decision for score %d as %s', (score, decision) => {
    expect(fraudDecisionFor(score, fraud.thresholds)).toBe(decision);
    expect(failingFields(FraudScoreResponse, { ...fraud, fraud_score: score, decision })).toEqual(
      [],
    );
  });

  it.each([
    ['fraud_score above 1', { fraud_score: 1.2 }, 'fraud_score'],
    ['fraud_score as a string', { fraud_score: '0.87' }, 'fraud_score'],
    ['an unknown risk_level', { risk_level: 'extreme' }, 'risk_level'],
    ['an unknown decision', { decision: 'block' }, 'decision'],
    ['a decision that contradicts the score', { decision: 'approve' }, 'decision'],
    [
      'thresholds under which the score would not be declined',
      { thresholds: { review: 0.9, decline: 0.95 } },
      'decision',
    ],
    [
      'a review threshold above the decline one',
      { fraud_score: 0.5, decision: 'approve', thresholds: { review: 0.9, decline: 0.6 } },
      'thresholds.review',
    ],
    ['a missing payment_id', { payment_id: undefined }, 'payment_id'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(FraudScoreResponse, { ...fraud, ...change })).toEqual([field]);
  });
});

describe('RetryStrategyResponse', () => {
  const refused = {
    ...retry,
    strategy: 'do_not_retry',
    retry_allowed: false,
    retry_at: null,
    delay_seconds: null,
    guardrail: 'hard_decline',
  };

  it('accepts a retry refused by a guardrail over the model', () => {
    expect(failingFields(RetryStrategyResponse, refused)).toEqual([]);
  });

  it.each([
    [
      'retry_allowed false with a strategy that retries',
      { retry_allowed: false, retry_at: null, delay_seconds: null },
      'retry_allowed',
    ],
    ['an allowed retry without retry_at', { retry_at: null }, 'retry_at'],
    ['an allowed retry without delay_seconds', { delay_seconds: null }, 'delay_seconds'],
    ['a strategy changed without naming the guardrail', { strategy: 'next_day' }, 'guardrail'],
    ['an unknown guardrail', { guardrail: 'vibes' }, 'guardrail'],
    ['an unknown strategy', { strategy: 'weekly' }, 'strategy'],
    ['a delay above 60 days', { delay_seconds: 60 * 86_400 + 1 }, 'delay_seconds'],
    ['a retry_at that is not a timestamp', { retry_at: 'tomorrow' }, 'retry_at'],
    [
      'probabilities missing a strategy',
      { probabilities: { ...retry.probabilities, immediate: undefined } },
      'probabilities.immediate',
    ],
    [
      'probabilities that do not sum to 1',
      { probabilities: { ...retry.probabilities, immediate: 0.5 } },
      'probabilities',
    ],
    [
      'a negative probability, even when they sum to 1',
      { probabilities: { ...retry.probabilities, next_day: -0.01, payday_aligned: 0.84 } },
      'probabilities.next_day',
    ],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(RetryStrategyResponse, { ...retry, ...change })).toEqual([field]);
  });

  it('rejects a refusal that still carries a retry time, naming the field', () => {
    expect(failingFields(RetryStrategyResponse, { ...refused, retry_at: retry.retry_at })).toEqual([
      'retry_at',
    ]);
  });
});

describe('ChurnPredictResponse', () => {
  it.each([
    ['churn_score below 0', { churn_score: -0.01 }, 'churn_score'],
    ['a horizon of zero days', { horizon_days: 0 }, 'horizon_days'],
    ['a fractional horizon', { horizon_days: 30.5 }, 'horizon_days'],
    ['a missing subscription_id', { subscription_id: undefined }, 'subscription_id'],
    ['an unknown risk_level', { risk_level: 'critical' }, 'risk_level'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(ChurnPredictResponse, { ...churn, ...change })).toEqual([field]);
  });
});

describe('RecoveryRecommendResponse', () => {
  const best = recovery.ranked_actions[0]!;
  const second = recovery.ranked_actions[1]!;
  const third = recovery.ranked_actions[2]!;

  it('accepts a negative expected value when every action costs more than it recovers', () => {
    const poor = { ...best, recovery_probability: 0.01, expected_value_cents: -15 };
    const answer = {
      ...recovery,
      action: poor.action,
      expected_value_cents: -15,
      ranked_actions: [poor],
    };
    expect(failingFields(RecoveryRecommendResponse, answer)).toEqual([]);
  });

  it.each([
    ['an action other than the best ranked', { action: 'reminder_email' }, 'action'],
    ['an expected value other than that of the best', { expected_value_cents: 1 }, 'action'],
    ['a ranking out of order', { ranked_actions: [best, third, second] }, 'ranked_actions.2'],
    ['a repeated action', { ranked_actions: [best, best] }, 'ranked_actions'],
    ['an empty ranking', { ranked_actions: [] }, 'ranked_actions'],
    [
      'an unknown action',
      { ranked_actions: [{ ...best, action: 'sms' }] },
      'ranked_actions.0.action',
    ],
    [
      'a fractional expected value',
      { ranked_actions: [{ ...best, expected_value_cents: 1151.5 }] },
      'ranked_actions.0.expected_value_cents',
    ],
    [
      'a recovery probability above 1',
      { ranked_actions: [{ ...best, recovery_probability: 1.5 }] },
      'ranked_actions.0.recovery_probability',
    ],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
  ])('rejects %s, naming the field', (_case, change, field) => {
    expect(failingFields(RecoveryRecommendResponse, { ...recovery, ...change })).toEqual([field]);
  });
});
