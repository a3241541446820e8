import { test } from '@payments-mlops/test-infra';
import { refreshMarts } from '@payments-mlops/warehouse';
import { describe, expect } from 'vitest';
import type { BatchViewInfo } from '../definitions/catalog.js';
import { DAY_MS, HOUR_MS } from '../definitions/duration.js';
import { valueAt } from '../offline/dataset.js';
import { getHistoricalFeatures } from '../offline/point-in-time.js';
import { planOnlineRead, readOnlineFeatures } from '../online/online-features.js';
import { RedisOnlineStore } from '../online/online-store.js';
import { PostgresRegistryStore } from '../registry/registry-store.js';
import { createWarehouse, insertPaymentEvents } from '../testing/payment-events.js';
import { projectCatalog } from '../testing/project-catalog.js';
import { randomPayments } from '../testing/random-payments.js';
import { materialize, materializeIncremental } from './materialize.js';

const catalog = await projectCatalog();

describe('materialize', () => {
  test('loads what offline retrieval sees into the online store, and records the run for incremental ones', async ({ pg, redis }) => {
    await createWarehouse(pg.pool);
    const now = Date.now();
    // Whole days before today, so the daily merchant mart has published rows for them.
    const payments = randomPayments({ count: 400, nowMs: now - (now % DAY_MS), spanMs: 5 * DAY_MS, customers: 8, cards: 6, seed: 5 });
    await insertPaymentEvents(pg.pool, payments);
    await refreshMarts(pg.pool);
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const registry = new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema });
    const views = ['merchant_stats', 'customer_activity'];

    const runs = await materialize({ pool: pg.pool, store, registry, catalog, views, startMs: now - 30 * DAY_MS, endMs: now });
    expect(runs.map((run) => [run.feature_view, run.rows])).toEqual([
      ['merchant_stats', 4],
      ['customer_activity', 400],
    ]);

    const features = catalog.resolveFeatures([
      'merchant_stats:merchant_total_payments_30d',
      'merchant_stats:merchant_failure_rate_30d',
      'customer_activity:customer_total_payments_30d',
      'customer_activity:customer_amount_stddev_cents',
      'customer_activity:customer_devices_90d',
    ]);
    const entities = { merchant_id: ['mer_0', 'mer_1', 'mer_2', 'mer_3'], customer_id: ['cus_0', 'cus_1', 'cus_2', 'cus_3'] };
    const readAt = Date.now();
    const online = await readOnlineFeatures(store, planOnlineRead(catalog, features), { entities }, readAt);
    const offline = await getHistoricalFeatures({ pool: pg.pool, catalog, features, entityRows: { columns: entities, timestamps: [readAt, readAt, readAt, readAt] } });
    features.forEach((feature, f) => {
      const column = offline.columns.find((c) => c.name === feature.field.name)!;
      expect(online.values[f], feature.ref).toEqual([0, 1, 2, 3].map((row) => valueAt(column, row)));
    });
    expect(online.statuses.flat().every((status) => status === 'PRESENT')).toBe(true);

    // Running again changes nothing: the same rows, the same events (deduplicated).
    const rerun = await materialize({ pool: pg.pool, store, registry, catalog, views, startMs: now - 30 * DAY_MS, endMs: now });
    expect(rerun.find((run) => run.feature_view === 'customer_activity')?.written).toBe(0);
    const after = await readOnlineFeatures(store, planOnlineRead(catalog, features), { entities }, readAt);
    expect(after.values).toEqual(online.values);

    // Incremental runs start where the last one ended.
    const incremental = await materializeIncremental({ pool: pg.pool, store, registry, catalog, views, endMs: now + HOUR_MS });
    expect(incremental.map((run) => [run.feature_view, run.start_ts, run.rows])).toEqual([
      ['merchant_stats', new Date(now).toISOString(), 0],
      ['customer_activity', new Date(now).toISOString(), 0],
    ]);
  });

  test('never overwrites a newer pushed value with an older offline row', async ({ pg, redis }) => {
    await createWarehouse(pg.pool);
    const view = catalog.view('payment_scores') as BatchViewInfo;
    await pg.pool.query(`CREATE TABLE payment_score_log (payment_id text, scored_at timestamptz, payment_fraud_score float8, payment_fraud_model_version text)`);
    const now = Date.now();
    await pg.pool.query(`INSERT INTO payment_score_log VALUES ('pay_1', to_timestamp($1 / 1000.0), 0.2, 'v1')`, [now - HOUR_MS]);
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    // A newer score arrives online first (pushed), then materialization loads the older offline row.
    await store.writeBatchRows(view, [{ key: 'pay_1', eventMs: now - 60_000, createdMs: now, values: [0.9, 'v2'] }]);
    const [run] = await materialize({
      pool: pg.pool, store, registry: new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }), catalog, views: ['payment_scores'], startMs: now - DAY_MS, endMs: now,
    });
    expect(run).toMatchObject({ rows: 1, written: 0 });
    const online = await readOnlineFeatures(store, planOnlineRead(catalog, catalog.resolveFeatures(['payment_scores:payment_fraud_score'])), { entities: { payment_id: ['pay_1'] } }, now);
    expect(online.values[0]).toEqual([0.9]);
  });
});
