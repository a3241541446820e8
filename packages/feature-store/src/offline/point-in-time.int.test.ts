import { test } from '@payments-mlops/test-infra';
import { refreshMarts } from '@payments-mlops/warehouse';
import { describe, expect } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../definitions/duration.js';
import { createWarehouse, insertPaymentEvents, paymentEvent } from '../testing/payment-events.js';
import { randomPayments, seededRandom } from '../testing/random-payments.js';
import { projectCatalog } from '../testing/project-catalog.js';
import { valueAt, type HistoricalDataset } from './dataset.js';
import { getHistoricalFeatures } from './point-in-time.js';

const catalog = await projectCatalog();

function column(dataset: HistoricalDataset, name: string) {
  const found = dataset.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return Array.from({ length: dataset.rowCount }, (_, row) => valueAt(found, row));
}

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(['merge', 'sql'] as const)('getHistoricalFeatures (%s engine)', (engine) => {
  test('never lets a window aggregate see the row’s own event or anything after it', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const t0 = Date.parse('2026-03-10T12:00:00.000Z');
    await insertPaymentEvents(pg.pool, [
      paymentEvent({ customer_id: 'cus_a', occurred_at: iso(t0 - 30 * MINUTE_MS) }),
      paymentEvent({ customer_id: 'cus_a', status: 'failed', occurred_at: iso(t0) }),
      paymentEvent({ customer_id: 'cus_a', status: 'failed', decline_code: 'stolen_card', decline_type: 'hard', occurred_at: iso(t0 + 1) }),
      paymentEvent({ customer_id: 'cus_a', occurred_at: iso(t0 + 10 * MINUTE_MS) }),
    ]);
    const dataset = await getHistoricalFeatures({
      engine,
      pool: pg.pool,
      catalog,
      features: catalog.resolveFeatures([
        'customer_activity:customer_payments_1h',
        'customer_activity:customer_declines_24h',
        'customer_activity:customer_last_decline_code',
        'customer_activity:customer_first_payment_at',
      ]),
      entityRows: { columns: { customer_id: ['cus_a', 'cus_a', 'cus_a'] }, timestamps: [t0 - 30 * MINUTE_MS, t0, t0 + 11 * MINUTE_MS] },
    });
    expect(column(dataset, 'customer_payments_1h')).toEqual([null, 1, 4]);
    expect(column(dataset, 'customer_declines_24h')).toEqual([null, 0, 2]);
    expect(column(dataset, 'customer_last_decline_code')).toEqual([null, null, 'stolen_card']);
    expect(column(dataset, 'customer_first_payment_at')).toEqual([null, t0 - 30 * MINUTE_MS, t0 - 30 * MINUTE_MS]);
  });

  test('takes the latest batch row at or before the row’s time and within the TTL, never a later one', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const day = Date.parse('2026-03-01T00:00:00.000Z');
    // Two payments on March 1st, three on March 3rd; the mart publishes each day at the next midnight.
    await insertPaymentEvents(pg.pool, [
      ...[1, 2].map((h) => paymentEvent({ merchant_id: 'mer_a', occurred_at: iso(day + h * HOUR_MS) })),
      ...[1, 2, 3].map((h) => paymentEvent({ merchant_id: 'mer_a', occurred_at: iso(day + 2 * DAY_MS + h * HOUR_MS) })),
    ]);
    await refreshMarts(pg.pool);
    const times = [
      day + 12 * HOUR_MS, // during March 1st: the day is not over, nothing is known yet
      day + DAY_MS, // March 2nd 00:00: March 1st's row, published at exactly this instant
      day + 2 * DAY_MS + 23 * HOUR_MS, // late on March 3rd: still only March 1st's row
      day + 3 * DAY_MS, // March 4th 00:00: March 3rd's row
      day + 5 * DAY_MS, // two days later: still within the 2 d TTL
      day + 5 * DAY_MS + 1, // past the TTL
    ];
    const dataset = await getHistoricalFeatures({
      engine,
      pool: pg.pool,
      catalog,
      features: catalog.resolveFeatures(['merchant_stats:merchant_total_payments_30d']),
      entityRows: { columns: { merchant_id: times.map(() => 'mer_a') }, timestamps: times },
    });
    expect(column(dataset, 'merchant_total_payments_30d')).toEqual([null, 2, 2, 5, 5, null]);
  });

  test('passes entity-row columns through, computes on-demand features and names columns in full on request', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const t0 = Date.parse('2026-03-10T12:00:00.000Z');
    await insertPaymentEvents(pg.pool, [
      paymentEvent({ customer_id: 'cus_z', amount_cents: 1000, device_id: 'dev_home', occurred_at: iso(t0 - 3 * DAY_MS) }),
      paymentEvent({ customer_id: 'cus_z', amount_cents: 3000, device_id: 'dev_home', occurred_at: iso(t0 - 2 * DAY_MS) }),
    ]);
    const dataset = await getHistoricalFeatures({
      engine,
      pool: pg.pool,
      catalog,
      features: catalog.resolveFeatures(['payment_request:amount_cents', 'payment_risk:amount_zscore', 'payment_risk:is_new_device', 'payment_risk:customer_days_since_first_payment']),
      fullFeatureNames: true,
      entityRows: {
        sql: `SELECT 'cus_z'::text AS customer_id, 'mer_1'::text AS merchant_id, 5000::bigint AS amount_cents, d AS device_id,
                 NULL::text AS ip_country, NULL::text AS card_country, NULL::text AS billing_country,
                 timestamptz '2026-03-10 12:00:00+00' AS event_timestamp, true AS is_fraud
                FROM unnest(ARRAY['dev_home', 'dev_new']) d`,
      },
    });
    expect(dataset.columns.map((c) => c.name)).toEqual([
      'customer_id', 'merchant_id', 'amount_cents', 'device_id', 'ip_country', 'card_country', 'billing_country', 'event_timestamp', 'is_fraud',
      'payment_request__amount_cents', 'payment_risk__amount_zscore', 'payment_risk__is_new_device', 'payment_risk__customer_days_since_first_payment',
    ]);
    expect(column(dataset, 'payment_risk__amount_zscore')).toEqual([3, 3]); // mean 2000, population stddev 1000
    expect(column(dataset, 'payment_risk__is_new_device')).toEqual([false, true]);
    expect(column(dataset, 'payment_risk__customer_days_since_first_payment')).toEqual([3, 3]);
    expect(column(dataset, 'is_fraud')).toEqual([true, true]);
  });

  test('names the entity-row columns a retrieval is missing', async ({ pg }) => {
    await createWarehouse(pg.pool);
    await expect(
      getHistoricalFeatures({
        engine,
        pool: pg.pool,
        catalog,
        features: catalog.resolveFeatures(['card_activity:card_payments_1h', 'payment_request:amount_cents']),
        entityRows: { columns: { customer_id: ['cus_1'] }, timestamps: [Date.now()] },
      }),
    ).rejects.toThrow("Entity rows lack card_id (needed by view 'card_activity'), amount_cents (needed by feature 'payment_request:amount_cents')");
  });
});

describe('the merge and SQL engines', () => {
  test('give the same values for every aggregate of random payments', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const now = Date.parse('2026-03-20T00:00:00.000Z');
    const payments = randomPayments({ count: 800, nowMs: now, spanMs: 40 * DAY_MS, customers: 10, cards: 8, seed: 21 });
    await insertPaymentEvents(pg.pool, payments);
    await refreshMarts(pg.pool);
    const random = seededRandom(4);
    // Rows at payment times (their own event excluded) and at arbitrary times, some before any history.
    const rows = [
      ...payments.slice(0, 150).map((p) => ({ customer_id: p.customer_id, card_id: p.card_id, merchant_id: p.merchant_id, at: Date.parse(p.occurred_at) })),
      ...Array.from({ length: 50 }, () => ({
        customer_id: `cus_${Math.floor(random() * 11)}`, card_id: `card_${Math.floor(random() * 9)}`, merchant_id: `mer_${Math.floor(random() * 5)}`,
        at: now - Math.floor(random() * 45 * DAY_MS),
      })),
    ];
    const features = catalog.resolveFeatures(
      ['customer_activity', 'card_activity', 'merchant_stats'].flatMap((view) => catalog.view(view).features.map((field) => `${view}:${field.name}`)),
    );
    const entityRows = {
      columns: { customer_id: rows.map((r) => r.customer_id), card_id: rows.map((r) => r.card_id), merchant_id: rows.map((r) => r.merchant_id) },
      timestamps: rows.map((r) => r.at),
    };
    const [merged, compiled] = await Promise.all([
      getHistoricalFeatures({ engine: 'merge', pool: pg.pool, catalog, features, entityRows }),
      getHistoricalFeatures({ engine: 'sql', pool: pg.pool, catalog, features, entityRows }),
    ]);
    let present = 0;
    for (const feature of features) {
      const a = column(merged, feature.field.name);
      const b = column(compiled, feature.field.name);
      rows.forEach((_, row) => expect(a[row], `${feature.ref} row ${row}`).toEqual(b[row]));
      present += a.filter((value) => value !== null).length;
    }
    expect(present).toBeGreaterThan(features.length * rows.length * 0.5);
  });
});
