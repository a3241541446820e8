import type {
  ChurnPredictRequest,
  ChurnPredictResponse,
  FraudScoreRequest,
  FraudScoreResponse,
  RecoveryRecommendRequest,
  RecoveryRecommendResponse,
  RetryStrategyRequest,
  RetryStrategyResponse,
} from './inference.js';

/*
 * One realistic request and answer per endpoint: published in the OpenAPI document, checked
 * against the schemas by the contract tests, and handy as sample traffic (the demo, smoke tests).
 */

const fraudScoreRequest = {
  payment_id: 'pay_8f3k2m9q',
  customer_id: 'cus_51hx0a',
  merchant_id: 'mer_c0ffee',
  card_id: 'card_fp_7d1e9b',
  device_id: 'dev_a91c44',
  amount_cents: 129_900,
  currency: 'USD',
  payment_method_type: 'card',
  card_brand: 'visa',
  card_bin: '424242',
  card_country: 'US',
  ip_country: 'RO',
  billing_country: 'US',
  merchant_category_code: '5732',
  channel: 'web',
  is_guest_checkout: true,
  initiated_at: '2026-03-14T02:17:45.120Z',
} satisfies FraudScoreRequest;

const fraudScoreResponse = {
  payment_id: 'pay_8f3k2m9q',
  fraud_score: 0.874,
  risk_level: 'high',
  decision: 'decline',
  thresholds: { review: 0.35, decline: 0.8 },
  reasons: [
    { feature: 'ip_card_country_mismatch', value: true, contribution: 1.42 },
    { feature: 'customer_payment_count_30d', value: 0, contribution: 0.97 },
    { feature: 'amount_cents', value: 129_900, contribution: 0.61 },
  ],
  request_id: 'req_01hq3z6d8m',
  model: { name: 'fraud-detector', version: '7', alias: 'champion' },
  degraded: false,
  unknown_categories: [],
  latency_ms: 1.3,
} satisfies FraudScoreResponse;

const retryStrategyRequest = {
  payment_id: 'pay_r2_91kd0s',
  original_payment_id: 'pay_91kd0s',
  attempt_number: 2,
  payment_type: 'retry',
  customer_id: 'cus_2bq7rt',
  merchant_id: 'mer_streamly',
  card_id: 'card_fp_3c8e10',
  amount_cents: 1_599,
  currency: 'EUR',
  payment_method_type: 'card',
  card_brand: 'mastercard',
  card_country: 'DE',
  billing_country: 'DE',
  merchant_category_code: '4899',
  channel: 'recurring',
  is_guest_checkout: false,
  subscription_id: 'sub_q81mz',
  decline_code: 'insufficient_funds',
  decline_type: 'soft',
  failed_at: '2026-03-27T06:00:12Z',
} satisfies RetryStrategyRequest;

const retryStrategyResponse = {
  payment_id: 'pay_r2_91kd0s',
  strategy: 'payday_aligned',
  retry_allowed: true,
  retry_at: '2026-04-01T08:00:00Z',
  delay_seconds: 439_188,
  model_strategy: 'payday_aligned',
  guardrail: null,
  probabilities: {
    immediate: 0.02,
    backoff_hours: 0.11,
    next_day: 0.19,
    payday_aligned: 0.64,
    do_not_retry: 0.04,
  },
  reasons: [
    { feature: 'decline_code', value: 'insufficient_funds', contribution: 1.1 },
    { feature: 'days_to_month_end', value: 4, contribution: 0.52 },
    { feature: 'customer_recovered_after_payday_rate_180d', value: 0.8, contribution: 0.33 },
  ],
  request_id: 'req_01hq3zb2wq',
  model: { name: 'retry-strategy', version: '3', alias: 'challenger' },
  degraded: false,
  unknown_categories: [],
  latency_ms: 0.9,
} satisfies RetryStrategyResponse;

const churnPredictRequest = {
  customer_id: 'cus_2bq7rt',
  merchant_id: 'mer_streamly',
  subscription: {
    subscription_id: 'sub_q81mz',
    plan_id: 'plan_premium_monthly',
    billing_interval: 'month',
    plan_amount_cents: 1_599,
    currency: 'EUR',
    started_at: '2025-06-27T10:04:00Z',
    current_period_end: '2026-03-27T10:04:00Z',
    renewal_count: 8,
    cancel_at_period_end: false,
  },
  payment_method_type: 'card',
  card_brand: 'mastercard',
  card_expiry: '2026-04',
  billing_country: 'DE',
  last_failure: {
    payment_id: 'pay_r2_91kd0s',
    decline_code: 'insufficient_funds',
    attempt_number: 2,
    failed_at: '2026-03-27T06:00:12Z',
  },
} satisfies ChurnPredictRequest;

const churnPredictResponse = {
  customer_id: 'cus_2bq7rt',
  subscription_id: 'sub_q81mz',
  churn_score: 0.41,
  risk_level: 'medium',
  horizon_days: 30,
  reasons: [
    { feature: 'consecutive_failed_renewals', value: 2, contribution: 0.88 },
    { feature: 'card_months_to_expiry', value: 1, contribution: 0.45 },
    { feature: 'subscription_age_days', value: 273, contribution: -0.6 },
  ],
  request_id: 'req_01hq3zc7ne',
  model: { name: 'churn-predictor', version: '12', alias: 'champion' },
  degraded: false,
  unknown_categories: [],
  latency_ms: 1.1,
} satisfies ChurnPredictResponse;

const recoveryRecommendRequest = {
  ...retryStrategyRequest,
  payment_type: 'subscription_renewal',
  payment_id: 'pay_91kd0s',
  original_payment_id: 'pay_91kd0s',
  attempt_number: 1,
  decline_code: 'expired_card',
  decline_type: 'hard',
  subscription: churnPredictRequest.subscription,
  candidate_actions: ['card_update_request', 'reminder_email', 'alternative_payment_method'],
} satisfies RecoveryRecommendRequest;

const recoveryRecommendResponse = {
  payment_id: 'pay_91kd0s',
  action: 'card_update_request',
  expected_value_cents: 1_151,
  currency: 'EUR',
  ranked_actions: [
    { action: 'card_update_request', recovery_probability: 0.74, expected_value_cents: 1_151 },
    { action: 'alternative_payment_method', recovery_probability: 0.31, expected_value_cents: 466 },
    { action: 'reminder_email', recovery_probability: 0.22, expected_value_cents: 346 },
  ],
  reasons: [
    { feature: 'decline_code', value: 'expired_card', contribution: 1.7 },
    { feature: 'customer_card_updates_365d', value: 1, contribution: 0.4 },
    { feature: 'renewal_count', value: 8, contribution: 0.21 },
  ],
  request_id: 'req_01hq3zd4kx',
  model: { name: 'recovery-recommender', version: '2', alias: 'champion' },
  degraded: true,
  unknown_categories: [],
  latency_ms: 5.8,
} satisfies RecoveryRecommendResponse;

export const INFERENCE_EXAMPLES = {
  fraudScore: { request: fraudScoreRequest, response: fraudScoreResponse },
  retryStrategy: { request: retryStrategyRequest, response: retryStrategyResponse },
  churnPredict: { request: churnPredictRequest, response: churnPredictResponse },
  recoveryRecommend: { request: recoveryRecommendRequest, response: recoveryRecommendResponse },
} as const;
