import type { PredictionLogRecord } from '@payments-mlops/contracts';

/** A served fraud prediction as ml-serving logs it, for tests and benchmarks. */
export function examplePrediction(
  overrides: Partial<PredictionLogRecord> = {},
): PredictionLogRecord {
  return {
    request_id: 'req-1',
    task: 'fraud',
    endpoint: '/fraud/score',
    entity_ids: { payment_id: 'pay_1', customer_id: 'cus_1', merchant_id: 'mer_1' },
    features: { amount_cents: 1250, channel: 'web', is_new_device: false, txn_count_1h: null },
    scores: { legitimate: 0.93, fraud: 0.07 },
    model: { name: 'fraud-detector', version: '3', alias: 'champion' },
    decision: 'low',
    degraded: false,
    latency_ms: 1.8,
    timestamp: '2026-01-05T10:00:00.000Z',
    ...overrides,
  };
}
