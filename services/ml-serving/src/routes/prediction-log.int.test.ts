import { INFERENCE_EXAMPLES, PREDICTION_LOG_FORMAT_HEADER, PredictionLogRecord, readPredictionLogMessage } from '@payments-mlops/contracts';
import { KafkaPredictionPublisher } from '@payments-mlops/monitoring';
import { readTopic, test } from '@payments-mlops/test-infra';
import { Registry } from 'prom-client';
import { describe, expect, onTestFinished } from 'vitest';
import { startServingHarness } from '../testing/serving-harness.js';

describe('prediction log', () => {
  test('publishes the answers to Kafka, batched in one message, as PredictionLogRecords naming the version, the features and the decision', async ({ pg, redis, s3, kafka }) => {
    const publisher = new KafkaPredictionPublisher({ kafka: kafka.kafka, topic: kafka.topic, registry: new Registry(), lingerMs: 1_000 });
    await publisher.start();
    const serving = await startServingHarness({ pg, redis, s3, sink: publisher });
    onTestFinished(async () => {
      await serving.close();
      await publisher.close();
    });
    const fraud = await serving.app.inject({ method: 'POST', url: '/fraud/score', payload: { ...INFERENCE_EXAMPLES.fraudScore.request, initiated_at: undefined }, headers: { 'x-request-id': 'req-log-fraud' } });
    const retry = await serving.app.inject({ method: 'POST', url: '/retry/strategy', payload: INFERENCE_EXAMPLES.retryStrategy.request, headers: { 'x-request-id': 'req-log-retry' } });
    expect([fraud.statusCode, retry.statusCode]).toEqual([200, 200]);

    // Both within the linger: one batched message, its format named in a header.
    const [message, ...more] = await readTopic(kafka.kafka, kafka.topic, { count: 1 });
    expect(more).toEqual([]);
    const format = message?.headers[PREDICTION_LOG_FORMAT_HEADER]?.toString();
    expect(format).toBeDefined();
    const records = (readPredictionLogMessage(message?.value?.toString() ?? '', format) ?? []).map((record) => PredictionLogRecord.parse(record));
    expect(records).toHaveLength(2);
    const byId = new Map(records.map((record) => [record.request_id, record]));
    expect(byId.get('req-log-fraud')).toMatchObject({
      task: 'fraud',
      endpoint: '/fraud/score',
      entity_ids: { payment_id: 'pay_8f3k2m9q', customer_id: 'cus_51hx0a', merchant_id: 'mer_c0ffee' },
      model: { name: 'fraud-detector', version: '1', alias: 'champion' },
      decision: fraud.json<{ decision: string }>().decision,
      degraded: false,
    });
    expect(byId.get('req-log-fraud')?.features.amount_cents).toBe(129_900);
    expect(byId.get('req-log-retry')).toMatchObject({ task: 'retry', decision: retry.json<{ strategy: string }>().strategy, model: { name: 'retry-strategy' } });
    expect(Object.keys(byId.get('req-log-retry')?.scores ?? {}).sort()).toEqual(['backoff_hours', 'do_not_retry', 'immediate', 'next_day', 'payday_aligned']);
  });
});
