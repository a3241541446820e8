import { describe, expect, it } from 'vitest';
import { answerJson } from './inference.js';

const scored = {
  model: { name: 'fraud-detector', version: '7', alias: 'champion' as const },
  degraded: true,
  unknownCategories: ['payment_method_type'],
};

describe('answerJson', () => {
  it('writes the answer and the common fields as one JSON object, as the merged object would serialize', () => {
    const body = { payment_id: 'pay_1', fraud_score: 0.25, reasons: [{ feature: 'amount_cents', value: 1599 }] };
    const json = answerJson(body, 'req-"1"\n', scored, 0.412);
    expect(JSON.parse(json)).toEqual({
      ...body,
      request_id: 'req-"1"\n',
      model: scored.model,
      degraded: true,
      unknown_categories: ['payment_method_type'],
      latency_ms: 0.412,
    });
    expect(json).toBe(
      JSON.stringify({ ...body, request_id: 'req-"1"\n', model: scored.model, degraded: true, unknown_categories: ['payment_method_type'], latency_ms: 0.412 }),
    );
  });

  it('writes a valid object for an empty answer and names at most 16 unknown categories', () => {
    const many = Array.from({ length: 20 }, (_, i) => `field_${i}`);
    const parsed = JSON.parse(answerJson({}, 'r', { ...scored, unknownCategories: many }, 1)) as Record<string, unknown>;
    expect(parsed).toEqual({ request_id: 'r', model: scored.model, degraded: true, unknown_categories: many.slice(0, 16), latency_ms: 1 });
  });
});
