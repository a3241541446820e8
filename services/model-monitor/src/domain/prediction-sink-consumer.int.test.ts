import {
  PREDICTION_LOG_COUNT_HEADER,
  PREDICTION_LOG_FORMAT_HEADER,
  PREDICTION_LOG_NDJSON,
} from '@payments-mlops/contracts';
import { FAST_CONSUMER_CONFIG, test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { KafkaPredictionPublisher, examplePrediction } from '@payments-mlops/monitoring';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import { MonitorMetrics } from '../monitor-metrics.js';
import { PredictionLogStore } from '../stores/prediction-log-store.js';
import { PredictionSinkConsumer } from './prediction-sink-consumer.js';

async function migratedLog(pool: pg.Pool): Promise<PredictionLogStore> {
  const store = new PredictionLogStore(pool, { retentionDays: 30 });
  await store.migrate();
  return store;
}

const count = async (pool: pg.Pool): Promise<number> =>
  Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log')).rows[0]!.n);

describe('PredictionSinkConsumer', () => {
  test('writes what ml-serving publishes to the log, skips malformed messages, and after a restart writes re-published predictions once', async ({
    kafka,
    pg,
  }) => {
    const now = Date.now();
    const store = await migratedLog(pg.pool);
    const registry = new Registry();
    const metrics = new MonitorMetrics(registry);
    const groupId = uniqueName('sink', '-');
    const sink = () =>
      new PredictionSinkConsumer({
        kafka: kafka.kafka,
        topic: kafka.topic,
        groupId,
        store,
        metrics,
        consumerConfig: FAST_CONSUMER_CONFIG,
      });

    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry: new Registry(),
    });
    await publisher.start();
    for (let i = 0; i < 500; i++) {
      publisher.record(
        examplePrediction({
          request_id: `req-${i}`,
          timestamp: new Date(now - i * 1_000).toISOString(),
        }),
      );
    }
    await publisher.drain();
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic,
      messages: [{ value: 'not json' }, { value: JSON.stringify({ request_id: 'x' }) }],
    });
    await producer.disconnect();

    const first = sink();
    await first.start();
    await waitFor(async () => (await count(pg.pool)) === 500, {
      timeoutMs: 20_000,
      description: '500 logged predictions',
    });
    await waitFor(
      async () =>
        (await metrics.sinkPredictions.get()).values.some(
          (v) => v.labels.outcome === 'invalid' && v.value === 2,
        ),
      {
        timeoutMs: 5_000,
        description: 'two invalid messages counted',
      },
    );
    await first.stop();

    // The same predictions again (a publisher retry) and new ones: the log keeps each once.
    for (let i = 400; i < 600; i++) {
      publisher.record(
        examplePrediction({
          request_id: `req-${i}`,
          timestamp: new Date(now - i * 1_000).toISOString(),
        }),
      );
    }
    await publisher.close();
    const second = sink();
    await second.start();
    await waitFor(async () => (await count(pg.pool)) === 600, {
      timeoutMs: 20_000,
      description: '600 logged predictions',
    });
    await waitFor(async () => (await metrics.sinkLag.get()).values.every((v) => v.value === 0), {
      timeoutMs: 5_000,
      description: 'no lag',
    });
    await second.stop();
    const duplicates = (await metrics.sinkPredictions.get()).values.find(
      (v) => v.labels.outcome === 'duplicate',
    )?.value;
    expect(duplicates).toBe(100);
    expect(await count(pg.pool)).toBe(600);
  });
});

describe('PredictionSinkConsumer reading batched messages', () => {
  test('writes each valid line of NDJSON messages (full and compact records) and single-record messages once, counting malformed lines, short counts and unknown formats as invalid', async ({
    kafka,
    pg,
  }) => {
    const now = Date.now();
    const store = await migratedLog(pg.pool);
    const metrics = new MonitorMetrics(new Registry());
    const line = (i: number): string =>
      JSON.stringify(
        examplePrediction({ request_id: `req-${i}`, timestamp: new Date(now - i).toISOString() }),
      );
    const { features } = examplePrediction();
    const layout = { layout: 'fraud-detector@3', features: Object.keys(features) };
    const compact = (i: number): string => {
      const record = JSON.parse(line(i)) as Record<string, unknown>;
      return JSON.stringify({
        ...record,
        features: Object.values(features),
        layout: layout.layout,
      });
    };
    const batched = (lines: string[], count = lines.length) => ({
      value: lines.join('\n'),
      headers: {
        [PREDICTION_LOG_FORMAT_HEADER]: PREDICTION_LOG_NDJSON,
        [PREDICTION_LOG_COUNT_HEADER]: String(count),
      },
    });
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: kafka.topic,
      messages: [
        // 0–99, with one malformed line and one that is JSON but not a record in the middle.
        batched([
          ...ids(0, 50).map(line),
          'not json',
          '{"request_id":"x"}',
          ...ids(50, 100).map(line),
        ]),
        // 100–149, and 60–99 again (a publisher retry): the log keeps each once.
        batched([...ids(100, 150), ...ids(60, 100)].map(line)),
        // A message whose header names three more predictions than it holds.
        batched(ids(150, 160).map(line), 13),
        // Compact lines after their layout's line (162–171); one naming a layout the message
        // lacks and one with a value too few are malformed.
        batched(
          [
            JSON.stringify(layout),
            ...ids(162, 172).map(compact),
            compact(172).replace('"layout":"fraud-detector@3"', '"layout":"fraud-detector@4"'),
            compact(173).replace('"features":[1250,', '"features":['),
          ],
          12,
        ),
        // The single form, as published before batching.
        { key: 'req-160', value: line(160) },
        // A form this sink does not know: one malformed message.
        { value: line(161), headers: { [PREDICTION_LOG_FORMAT_HEADER]: 'avro/9' } },
      ],
    });
    await producer.disconnect();

    const sink = new PredictionSinkConsumer({
      kafka: kafka.kafka,
      topic: kafka.topic,
      groupId: uniqueName('sink', '-'),
      store,
      metrics,
      consumerConfig: FAST_CONSUMER_CONFIG,
    });
    await sink.start();
    const outcome = async (name: string) =>
      (await metrics.sinkPredictions.get()).values.find((v) => v.labels.outcome === name)?.value ??
      0;
    try {
      await waitFor(
        async () => (await outcome('inserted')) + (await outcome('duplicate')) === 211,
        {
          timeoutMs: 20_000,
          description: '211 valid predictions read',
        },
      );
      await waitFor(async () => (await metrics.sinkLag.get()).values.every((v) => v.value === 0), {
        timeoutMs: 5_000,
        description: 'every message committed',
      });
    } finally {
      await sink.stop();
    }
    expect(await count(pg.pool)).toBe(171);
    const { rows } = await pg.pool.query<{ request_id: string }>(
      'SELECT request_id FROM prediction_log ORDER BY request_id',
    );
    expect(rows.map((r) => r.request_id)).toEqual(
      ids(0, 172)
        .filter((i) => i !== 161)
        .map((i) => `req-${i}`)
        .sort(),
    );
    expect(await outcome('inserted')).toBe(171);
    expect(await outcome('duplicate')).toBe(40);
    // Two bad lines, three missing from a short message, two bad compact lines, one message of
    // an unknown format.
    expect(await outcome('invalid')).toBe(8);
  });
});

describe('PredictionSinkConsumer when Postgres rejects writes', () => {
  test('commits nothing while the log cannot be written and writes every prediction once it can', async ({
    kafka,
    pg,
  }) => {
    await migratedLog(pg.pool);
    const metrics = new MonitorMetrics(new Registry());
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry: new Registry(),
    });
    await publisher.start();
    const now = Date.now();
    for (let i = 0; i < 300; i++)
      publisher.record(
        examplePrediction({ request_id: `req-${i}`, timestamp: new Date(now - i).toISOString() }),
      );
    await publisher.close();

    // The table is away: every insert fails, as when the database refuses writes.
    await pg.pool.query('ALTER TABLE prediction_log RENAME TO prediction_log_away');
    const sink = new PredictionSinkConsumer({
      kafka: kafka.kafka,
      topic: kafka.topic,
      groupId: uniqueName('sink', '-'),
      store: new PredictionLogStore(pg.pool, { retentionDays: 30 }),
      metrics,
      consumerConfig: FAST_CONSUMER_CONFIG,
    });
    await sink.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await pg.pool.query('ALTER TABLE prediction_log_away RENAME TO prediction_log');
    await waitFor(async () => (await count(pg.pool)) === 300, {
      timeoutMs: 45_000,
      intervalMs: 200,
      description: '300 logged predictions after the table came back',
    });
    await sink.stop();
    expect(await count(pg.pool)).toBe(300);
  });
});
