import { CompactPredictionLogRecord, PREDICTION_LOG_NDJSON, PredictionLogRecord, readPredictionLogMessage, type PredictionLogLayout, type PredictionSink } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns } from '@payments-mlops/feature-store';
import { describe, expect, test } from 'vitest';
import type { ScoreInput, Scored } from '../domain/scorer.js';
import { predictionJson, predictionLayout, predictionLogger, predictionRecord } from './prediction-record.js';

/** The compact line as a consumer reads it: after its layout's line, in a batched message. */
const expanded = (layout: PredictionLogLayout, json: string) => readPredictionLogMessage(`${JSON.stringify(layout)}\n${json}`, PREDICTION_LOG_NDJSON)![0];

const column = (name: string, kind = 'stored') => ({ field: { name }, view: { kind } });

/** A read of the fraud plan: every kind of value the log can meet, and a column the model lacks. */
function scoredFraud(): { input: ScoreInput; scored: Scored } {
  const names = ['amount_cents', 'channel', 'is_guest_checkout', 'customer_failure_rate_30d', 'customer_declines_7d', 'merchant_category_code', 'card_payments_24h', 'customer_amount_24h', 'unread'];
  const columns = {
    features: [...names.map((name) => column(name)), column('amount_cents')],
    values: [[129_900], ['web "app"\n\u2028é'], [true], [1 / 3], [-0], ['x'.repeat(300)], [Number.NaN], [1e21], [null], [5]],
    statuses: [['PRESENT'], ['PRESENT'], ['PRESENT'], ['PRESENT'], ['PRESENT'], ['PRESENT'], ['PRESENT'], ['PRESENT'], ['NOT_FOUND'], ['PRESENT']],
    eventTimestamps: names.map(() => [0]),
  } as unknown as OnlineFeatureColumns;
  const inputs = [...names, 'amount_cents', 'not_in_plan'].map((name) => ({ name }));
  const model = { task: 'fraud', name: 'fraud-detector', version: '7', alias: 'champion', signature: { inputs } };
  const scored = { model, probabilities: Float32Array.of(0.93, 0.07), columns, degraded: true, unknownCategories: [] } as unknown as Scored;
  const input: ScoreInput = { task: 'fraud', endpoint: '/fraud/score', splitKey: 'cus_1', fields: { payment_id: 'pay_"1"', customer_id: 'cus_1', card_id: 42, merchant_id: 'mer_1' }, nowMs: 0 };
  return { input, scored };
}

describe('prediction record', () => {
  test('the compiled compact line reads back as exactly the record object, escapes, truncation, non-finite numbers and missing features included', () => {
    const { input, scored } = scoredFraud();
    const nowMs = Date.UTC(2026, 11, 7, 8, 30, 0, 123);
    for (const alias of ['champion', 'shadow'] as const) {
      const served = { requestId: 'req-"1"', input, scored, decision: 'high', latencyMs: 1.234, alias, nowMs };
      // Through JSON text both ways: what goes to Kafka is what the object would have written.
      const record = JSON.parse(JSON.stringify(predictionRecord(served))) as unknown;
      expect(expanded(predictionLayout(scored), predictionJson(served))).toStrictEqual(record);
      // Twice: the second run reads the cached layout.
      expect(expanded(predictionLayout(scored), predictionJson(served))).toStrictEqual(record);
    }
    const valid = { ...input, fields: { ...input.fields, payment_id: 'pay_1' } };
    const line = predictionJson({ requestId: 'req-1', input: valid, scored, decision: 'high', latencyMs: 1.2, alias: 'champion', nowMs });
    expect(CompactPredictionLogRecord.parse(JSON.parse(line))).toMatchObject({ layout: 'fraud-detector@7' });
    expect(predictionLayout(scored)).toEqual({ layout: 'fraud-detector@7', features: [...scored.model.signature.inputs.map((i) => i.name).filter((name, i, all) => all.indexOf(name) === i)] });
    const parsed = PredictionLogRecord.parse(expanded(predictionLayout(scored), line));
    expect(parsed.features).toMatchObject({ amount_cents: 129_900, is_guest_checkout: true, customer_declines_7d: 0, card_payments_24h: null, unread: null, not_in_plan: null });
    expect(parsed.features.merchant_category_code).toHaveLength(128);
    expect(parsed.entity_ids).toEqual({ payment_id: 'pay_1', customer_id: 'cus_1', merchant_id: 'mer_1' });
    expect(parsed.timestamp).toBe('2026-12-07T08:30:00.123Z');
  });

  test('a sink with a JSON path gets the JSON, one without it gets the record object', () => {
    const { input, scored } = scoredFraud();
    const lines: string[] = [];
    const objects: PredictionLogRecord[] = [];
    const both: PredictionSink = { record: (record) => objects.push(record), recordJson: (line, layout) => lines.push(`${JSON.stringify(layout)}\n${line}`) };
    predictionLogger(both, () => 0)('req-1', input, scored, 'low', 2, 'champion');
    predictionLogger({ record: (record) => objects.push(record) }, () => 0)('req-2', input, scored, 'low', 2, 'champion');
    expect(lines.map((line) => (readPredictionLogMessage(line, PREDICTION_LOG_NDJSON)![0] as PredictionLogRecord).request_id)).toEqual(['req-1']);
    expect(objects.map((record) => record.request_id)).toEqual(['req-2']);
  });
});
