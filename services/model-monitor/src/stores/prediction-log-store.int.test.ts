import { test } from '@payments-mlops/test-infra';
import { examplePrediction } from '@payments-mlops/monitoring';
import { describe, expect } from 'vitest';
import { PredictionLogStore, partitionName } from './prediction-log-store.js';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('PredictionLogStore', () => {
  test('creates one partition per UTC day as predictions arrive and reads a version window newest first', async ({
    pg,
  }) => {
    const store = new PredictionLogStore(pg.pool, { retentionDays: 30, clock: () => NOW });
    await store.migrate();
    const at = (iso: string, i: number) =>
      examplePrediction({ request_id: `r${i}`, timestamp: iso });
    const result = await store.insert([
      at('2026-03-08T23:59:59.999Z', 1),
      at('2026-03-09T00:00:00.000Z', 2),
      at('2026-03-10T11:00:00.000Z', 3),
      at('2026-03-10T11:30:00.000Z', 4),
    ]);
    expect(result).toEqual({ inserted: 4, duplicates: 0, expired: 0 });
    expect((await store.partitions()).map((p) => p.name)).toEqual([
      'prediction_log_p20260308',
      'prediction_log_p20260309',
      'prediction_log_p20260310',
    ]);
    const window = await store.window('fraud-detector', '3', NOW - 2 * 3_600_000, NOW, 10);
    expect(window.map((r) => r.predicted_at.toISOString())).toEqual([
      '2026-03-10T11:30:00.000Z',
      '2026-03-10T11:00:00.000Z',
    ]);
    expect(window[0]!.features).toEqual(examplePrediction().features);
    expect(window[0]!.scores).toEqual({ legitimate: 0.93, fraud: 0.07 });
    const { rows } = await pg.pool.query<{ payment_id: string; customer_id: string }>(
      `SELECT payment_id, customer_id FROM prediction_log WHERE request_id = 'r3'`,
    );
    expect(rows).toEqual([{ payment_id: 'pay_1', customer_id: 'cus_1' }]);
  });

  test('writes a redelivered prediction once', async ({ pg }) => {
    const store = new PredictionLogStore(pg.pool, { retentionDays: 30, clock: () => NOW });
    await store.migrate();
    const batch = [examplePrediction({ timestamp: '2026-03-10T10:00:00Z' })];
    expect(await store.insert(batch)).toEqual({ inserted: 1, duplicates: 0, expired: 0 });
    expect(await store.insert(batch)).toEqual({ inserted: 0, duplicates: 1, expired: 0 });
    // The shadow answer to the same request is a row of its own.
    const shadow = examplePrediction({
      timestamp: '2026-03-10T10:00:00Z',
      model: { name: 'fraud-detector', version: '4', alias: 'shadow' },
    });
    expect(await store.insert([shadow])).toEqual({ inserted: 1, duplicates: 0, expired: 0 });
    const { rows } = await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log');
    expect(Number(rows[0]!.n)).toBe(2);
  });

  test('drops the day partitions older than the retention and skips predictions older than it', async ({
    pg,
  }) => {
    let now = NOW;
    const store = new PredictionLogStore(pg.pool, { retentionDays: 3, clock: () => now });
    await store.migrate();
    const days = [0, 1, 2, 3, 4].map((back) => new Date(NOW - back * DAY_MS).toISOString());
    // Retention of 3 days on 2026-03-10 keeps 03-08 to 03-10: the two oldest arrive expired.
    expect(
      await store.insert(
        days.map((timestamp, i) => examplePrediction({ request_id: `r${i}`, timestamp })),
      ),
    ).toEqual({
      inserted: 3,
      duplicates: 0,
      expired: 2,
    });
    now = NOW + DAY_MS;
    expect(await store.applyRetention()).toEqual([partitionName(NOW - 2 * DAY_MS)]);
    expect((await store.partitions()).map((p) => p.name)).toEqual([
      'prediction_log_p20260309',
      'prediction_log_p20260310',
    ]);
    const { rows } = await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log');
    expect(Number(rows[0]!.n)).toBe(2);
  });

  test('lists the versions that answered in a range', async ({ pg }) => {
    const store = new PredictionLogStore(pg.pool, { retentionDays: 30, clock: () => NOW });
    await store.migrate();
    await store.insert([
      examplePrediction({ request_id: 'a', timestamp: '2026-03-10T11:00:00Z' }),
      examplePrediction({ request_id: 'b', timestamp: '2026-03-10T11:10:00Z' }),
      examplePrediction({
        request_id: 'c',
        timestamp: '2026-03-10T11:20:00Z',
        task: 'churn',
        model: { name: 'churn-predictor', version: '2', alias: 'champion' },
      }),
    ]);
    expect(await store.versionsSeen(NOW - 3_600_000, NOW)).toEqual([
      { task: 'churn', model_name: 'churn-predictor', model_version: '2', predictions: 1 },
      { task: 'fraud', model_name: 'fraud-detector', model_version: '3', predictions: 2 },
    ]);
  });
});
