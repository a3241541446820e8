import { test } from '@payments-mlops/test-infra';
import type pg from 'pg';
import { describe, expect } from 'vitest';
import { refreshMarts } from './marts.js';
import { migrateWarehouse } from './migrate.js';

/**
 * A handful of payments, labels and entities whose marts were worked out by hand (the comments
 * give the arithmetic). Customers c1 (two cards, then PayPal), c2 (a renewal that failed and was
 * not recovered), a guest g1 whose large payment was reported as fraud; merchants m1 (grocery)
 * and m2 (electronics).
 */
const DAY_MS = 86_400_000;
const days = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS;

interface Payment {
  id: string;
  customer: string;
  merchant: string;
  mcc: string;
  card: string | null;
  device: string | null;
  amount: number;
  failed?: string;
  at: string;
  method?: string;
  cardCountry?: string | null;
  ipCountry?: string | null;
  subscription?: string;
  retryOf?: string;
}

const PAYMENTS: Payment[] = [
  { id: 'p1', customer: 'c1', merchant: 'm1', mcc: '5411', card: 'k1', device: 'd1', amount: 1000, at: '2026-01-01T10:00:00Z' },
  { id: 'p2', customer: 'c1', merchant: 'm1', mcc: '5411', card: 'k1', device: 'd1', amount: 3000, failed: 'insufficient_funds', at: '2026-01-01T12:00:00Z' },
  { id: 'p3', customer: 'c1', merchant: 'm2', mcc: '5732', card: 'k2', device: 'd1', amount: 2000, at: '2026-01-02T09:00:00Z', retryOf: 'p2' },
  { id: 'p4', customer: 'c1', merchant: 'm2', mcc: '5732', card: null, device: 'd2', amount: 5000, at: '2026-02-05T08:00:00Z', method: 'paypal', cardCountry: null },
  { id: 'p5', customer: 'c2', merchant: 'm1', mcc: '5411', card: 'k3', device: 'd3', amount: 4000, at: '2026-01-01T23:30:00Z', cardCountry: 'GB', ipCountry: 'FR' },
  { id: 'p6', customer: 'g1', merchant: 'm2', mcc: '5732', card: 'k4', device: 'd9', amount: 90000, at: '2026-01-02T03:00:00Z' },
  { id: 'p7', customer: 'c2', merchant: 'm2', mcc: '5732', card: 'k3', device: null, amount: 1500, failed: 'expired_card', at: '2026-01-10T15:00:00Z', subscription: 's2', cardCountry: 'GB', ipCountry: null },
];

async function insertDataset(pool: pg.Pool): Promise<void> {
  for (const [i, p] of PAYMENTS.entries()) {
    const hard = p.failed === 'expired_card';
    await pool.query(
      `INSERT INTO payment_events (event_id, payment_id, original_payment_id, attempt_number, payment_type, customer_id,
         merchant_id, card_id, device_id, subscription_id, amount_cents, currency, payment_method_type, card_brand, card_bin,
         card_country, ip_country, billing_country, merchant_category_code, channel, is_guest_checkout, status, decline_code,
         decline_type, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'USD', $12, $13, $14, $15, $16, 'US', $17, $18, $19, $20, $21, $22, $23)`,
      [
        `00000000-0000-4000-8000-00000000000${i}`,
        p.id,
        p.retryOf ?? p.id,
        p.retryOf ? 2 : 1,
        p.retryOf ? 'retry' : p.subscription ? 'subscription_renewal' : 'one_off',
        p.customer,
        p.merchant,
        p.card,
        p.device,
        p.subscription ?? null,
        p.amount,
        p.method ?? 'card',
        p.card ? 'visa' : null,
        p.card ? '411111' : null,
        p.cardCountry === undefined ? 'US' : p.cardCountry,
        p.ipCountry === undefined ? 'US' : p.ipCountry,
        p.mcc,
        p.subscription ? 'recurring' : 'web',
        p.customer === 'g1',
        p.failed ? 'failed' : 'succeeded',
        p.failed ?? null,
        p.failed ? (hard ? 'hard' : 'soft') : null,
        p.at,
      ],
    );
  }
  await pool.query(`
    INSERT INTO customers (customer_id, country, created_at) VALUES
      ('c1', 'US', '2025-12-01T00:00:00Z'), ('c2', 'GB', '2025-06-01T00:00:00Z'), ('c3', 'DE', '2026-01-15T00:00:00Z');
    INSERT INTO merchants (merchant_id, name, merchant_category_code, category, country, risk_tier, created_at) VALUES
      ('m1', 'corner grocery', '5411', 'grocery', 'US', 'low', '2024-01-01T00:00:00Z'),
      ('m2', 'gadget shop', '5732', 'electronics', 'US', 'high', '2024-06-01T00:00:00Z');
    INSERT INTO subscriptions (subscription_id, customer_id, merchant_id, plan_amount_cents, currency, interval_months,
        payment_method_type, started_at, status, ended_at) VALUES
      ('s1', 'c1', 'm1', 999, 'USD', 1, 'card', '2025-12-05T00:00:00Z', 'active', NULL),
      ('s2', 'c2', 'm2', 1500, 'USD', 1, 'card', '2025-07-10T00:00:00Z', 'churned', '2026-01-20T00:00:00Z');
    -- p6 was reported on Jan 5 and charged back on Jan 20: it counts once, on Jan 5.
    INSERT INTO fraud_labels (event_id, payment_id, source, reason_code, occurred_at) VALUES
      ('10000000-0000-4000-8000-000000000001', 'p6', 'chargeback', '10.4', '2026-01-20T12:00:00Z'),
      ('10000000-0000-4000-8000-000000000002', 'p6', 'fraud_report', NULL, '2026-01-05T09:00:00Z');
    INSERT INTO retry_outcomes (event_id, payment_id, retry_payment_id, strategy, delay_hours, succeeded, occurred_at) VALUES
      ('20000000-0000-4000-8000-000000000001', 'p2', 'p3', 'next_day', 21, true, '2026-01-02T09:00:00Z');
    INSERT INTO recovery_outcomes (event_id, payment_id, action, recovered, recovered_amount_cents, occurred_at) VALUES
      ('30000000-0000-4000-8000-000000000001', 'p7', 'card_update_request', false, NULL, '2026-01-20T00:00:00Z');
    INSERT INTO churn_events (event_id, customer_id, subscription_id, churn_type, occurred_at) VALUES
      ('40000000-0000-4000-8000-000000000001', 'c2', 's2', 'involuntary', '2026-01-20T00:00:00Z');
  `);
}

/** Rows as JSON with timestamps in UTC, ordered as asked. */
async function rowsOf(pool: pg.Pool, relation: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const client = await pool.connect();
  try {
    await client.query(`SET TIME ZONE 'UTC'`);
    const { rows } = await client.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM ${relation} t ORDER BY ${orderBy}`);
    return rows.map((r) => r.row);
  } finally {
    client.release();
  }
}

const ts = (iso: string): string => iso.replace('Z', '+00:00');
/** Floats compared to 9 decimals; everything else exactly. */
const approx = (row: Record<string, number | string | boolean | null>) =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, typeof value === 'number' && !Number.isInteger(value) ? expect.closeTo(value, 9) : value]),
  );
const sampleSd = (values: number[]): number => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
};

describe('warehouse marts on a hand-checked dataset', () => {
  test('int_payment_customer_metrics: one row per customer-day, 30-day windows and lifetime values as of the day end', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await insertDataset(pg.pool);
    await refreshMarts(pg.pool);
    const row = (values: Record<string, number | string | boolean | null>) => approx(values);
    expect(await rowsOf(pg.pool, 'int_payment_customer_metrics', 'customer_id, metric_date')).toEqual([
      row({
        // c1, Jan 1: p1 1000 ok, p2 3000 failed, both on card k1.
        customer_id: 'c1', metric_date: '2026-01-01', event_timestamp: ts('2026-01-02T00:00:00Z'),
        payments_1d: 2, failed_payments_1d: 1, total_payments_30d: 2, failed_payments_30d: 1, failure_rate_30d: 0.5,
        succeeded_amount_cents_30d: 1000, avg_amount_cents_30d: 2000, lifetime_payments: 2, avg_amount_cents: 2000,
        stddev_amount_cents: sampleSd([1000, 3000]), payment_method_count: 1,
        first_payment_at: ts('2026-01-01T10:00:00Z'), last_payment_at: ts('2026-01-01T12:00:00Z'),
        days_since_first_payment: days('2026-01-01T10:00:00Z', '2026-01-02T00:00:00Z'),
      }),
      row({
        // c1, Jan 2: p3 2000 ok on a second card k2.
        customer_id: 'c1', metric_date: '2026-01-02', event_timestamp: ts('2026-01-03T00:00:00Z'),
        payments_1d: 1, failed_payments_1d: 0, total_payments_30d: 3, failed_payments_30d: 1, failure_rate_30d: 1 / 3,
        succeeded_amount_cents_30d: 3000, avg_amount_cents_30d: 2000, lifetime_payments: 3, avg_amount_cents: 2000,
        stddev_amount_cents: 1000, payment_method_count: 2,
        first_payment_at: ts('2026-01-01T10:00:00Z'), last_payment_at: ts('2026-01-02T09:00:00Z'),
        days_since_first_payment: days('2026-01-01T10:00:00Z', '2026-01-03T00:00:00Z'),
      }),
      row({
        // c1, Feb 5: p4 5000 by PayPal; the window Jan 7–Feb 5 holds only p4.
        customer_id: 'c1', metric_date: '2026-02-05', event_timestamp: ts('2026-02-06T00:00:00Z'),
        payments_1d: 1, failed_payments_1d: 0, total_payments_30d: 1, failed_payments_30d: 0, failure_rate_30d: 0,
        succeeded_amount_cents_30d: 5000, avg_amount_cents_30d: 5000, lifetime_payments: 4, avg_amount_cents: 2750,
        stddev_amount_cents: sampleSd([1000, 3000, 2000, 5000]), payment_method_count: 3,
        first_payment_at: ts('2026-01-01T10:00:00Z'), last_payment_at: ts('2026-02-05T08:00:00Z'),
        days_since_first_payment: days('2026-01-01T10:00:00Z', '2026-02-06T00:00:00Z'),
      }),
      row({
        customer_id: 'c2', metric_date: '2026-01-01', event_timestamp: ts('2026-01-02T00:00:00Z'),
        payments_1d: 1, failed_payments_1d: 0, total_payments_30d: 1, failed_payments_30d: 0, failure_rate_30d: 0,
        succeeded_amount_cents_30d: 4000, avg_amount_cents_30d: 4000, lifetime_payments: 1, avg_amount_cents: 4000,
        stddev_amount_cents: null, payment_method_count: 1,
        first_payment_at: ts('2026-01-01T23:30:00Z'), last_payment_at: ts('2026-01-01T23:30:00Z'),
        days_since_first_payment: days('2026-01-01T23:30:00Z', '2026-01-02T00:00:00Z'),
      }),
      row({
        // c2, Jan 10: the renewal p7 1500 failed on the same card k3.
        customer_id: 'c2', metric_date: '2026-01-10', event_timestamp: ts('2026-01-11T00:00:00Z'),
        payments_1d: 1, failed_payments_1d: 1, total_payments_30d: 2, failed_payments_30d: 1, failure_rate_30d: 0.5,
        succeeded_amount_cents_30d: 4000, avg_amount_cents_30d: 2750, lifetime_payments: 2, avg_amount_cents: 2750,
        stddev_amount_cents: sampleSd([4000, 1500]), payment_method_count: 1,
        first_payment_at: ts('2026-01-01T23:30:00Z'), last_payment_at: ts('2026-01-10T15:00:00Z'),
        days_since_first_payment: days('2026-01-01T23:30:00Z', '2026-01-11T00:00:00Z'),
      }),
      row({
        customer_id: 'g1', metric_date: '2026-01-02', event_timestamp: ts('2026-01-03T00:00:00Z'),
        payments_1d: 1, failed_payments_1d: 0, total_payments_30d: 1, failed_payments_30d: 0, failure_rate_30d: 0,
        succeeded_amount_cents_30d: 90000, avg_amount_cents_30d: 90000, lifetime_payments: 1, avg_amount_cents: 90000,
        stddev_amount_cents: null, payment_method_count: 1,
        first_payment_at: ts('2026-01-02T03:00:00Z'), last_payment_at: ts('2026-01-02T03:00:00Z'),
        days_since_first_payment: days('2026-01-02T03:00:00Z', '2026-01-03T00:00:00Z'),
      }),
    ]);
  });

  test('int_payment_merchant_metrics: volume of successful payments, lifetime customers, fraud counted on the day it became known', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await insertDataset(pg.pool);
    await refreshMarts(pg.pool);
    expect(await rowsOf(pg.pool, 'int_payment_merchant_metrics', 'merchant_id, metric_date')).toEqual([
      approx({
        // m1, Jan 1: p1 1000 ok, p2 3000 failed (c1), p5 4000 ok (c2).
        merchant_id: 'm1', metric_date: '2026-01-01', event_timestamp: ts('2026-01-02T00:00:00Z'),
        payments_1d: 3, total_payments_30d: 3, failed_payments_30d: 1, failure_rate_30d: 1 / 3, total_volume_cents_30d: 5000,
        avg_transaction_amount_cents_30d: 2500, avg_transaction_amount_cents: 2500, customer_count: 2,
        fraud_labels_30d: 0, fraud_label_rate_30d: 0,
      }),
      approx({
        // m2, Jan 2: p3 2000 (c1) and p6 90000 (g1), both ok.
        merchant_id: 'm2', metric_date: '2026-01-02', event_timestamp: ts('2026-01-03T00:00:00Z'),
        payments_1d: 2, total_payments_30d: 2, failed_payments_30d: 0, failure_rate_30d: 0, total_volume_cents_30d: 92000,
        avg_transaction_amount_cents_30d: 46000, avg_transaction_amount_cents: 46000, customer_count: 2,
        fraud_labels_30d: 0, fraud_label_rate_30d: 0,
      }),
      approx({
        // m2, Jan 5: no payment, but p6's fraud report arrives: 1 labeled of 2 successful.
        merchant_id: 'm2', metric_date: '2026-01-05', event_timestamp: ts('2026-01-06T00:00:00Z'),
        payments_1d: 0, total_payments_30d: 2, failed_payments_30d: 0, failure_rate_30d: 0, total_volume_cents_30d: 92000,
        avg_transaction_amount_cents_30d: 46000, avg_transaction_amount_cents: 46000, customer_count: 2,
        fraud_labels_30d: 1, fraud_label_rate_30d: 0.5,
      }),
      approx({
        // m2, Jan 10: p7 1500 failed (c2, a third customer).
        merchant_id: 'm2', metric_date: '2026-01-10', event_timestamp: ts('2026-01-11T00:00:00Z'),
        payments_1d: 1, total_payments_30d: 3, failed_payments_30d: 1, failure_rate_30d: 1 / 3, total_volume_cents_30d: 92000,
        avg_transaction_amount_cents_30d: 46000, avg_transaction_amount_cents: 46000, customer_count: 3,
        fraud_labels_30d: 1, fraud_label_rate_30d: 0.5,
      }),
      approx({
        // m2, Feb 5: p4 5000 ok; the window Jan 7–Feb 5 holds p7 and p4, and no label (Jan 5 is out).
        merchant_id: 'm2', metric_date: '2026-02-05', event_timestamp: ts('2026-02-06T00:00:00Z'),
        payments_1d: 1, total_payments_30d: 2, failed_payments_30d: 1, failure_rate_30d: 0.5, total_volume_cents_30d: 5000,
        avg_transaction_amount_cents_30d: 5000, avg_transaction_amount_cents: (2000 + 90000 + 5000) / 3, customer_count: 3,
        fraud_labels_30d: 0, fraud_label_rate_30d: 0,
      }),
    ]);
  });

  test('dim_customer and dim_merchant: current attributes and lifetime totals, guests and idle entities included', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await insertDataset(pg.pool);
    await refreshMarts(pg.pool);
    expect(await rowsOf(pg.pool, 'dim_customer', 'customer_id')).toEqual([
      approx({
        customer_id: 'c1', country: 'US', created_at: ts('2025-12-01T00:00:00Z'), is_guest: false,
        first_payment_at: ts('2026-01-01T10:00:00Z'), last_payment_at: ts('2026-02-05T08:00:00Z'),
        total_payments: 4, failed_payments: 1, failure_rate: 0.25, succeeded_amount_cents: 8000, avg_amount_cents: 2750,
        payment_method_count: 3, card_count: 2, device_count: 2, merchant_count: 2,
        active_subscriptions: 1, churned_subscriptions: 0, canceled_subscriptions: 0, fraud_labeled_payments: 0,
      }),
      approx({
        customer_id: 'c2', country: 'GB', created_at: ts('2025-06-01T00:00:00Z'), is_guest: false,
        first_payment_at: ts('2026-01-01T23:30:00Z'), last_payment_at: ts('2026-01-10T15:00:00Z'),
        total_payments: 2, failed_payments: 1, failure_rate: 0.5, succeeded_amount_cents: 4000, avg_amount_cents: 2750,
        payment_method_count: 1, card_count: 1, device_count: 1, merchant_count: 2,
        active_subscriptions: 0, churned_subscriptions: 1, canceled_subscriptions: 0, fraud_labeled_payments: 0,
      }),
      approx({
        customer_id: 'c3', country: 'DE', created_at: ts('2026-01-15T00:00:00Z'), is_guest: false,
        first_payment_at: null, last_payment_at: null,
        total_payments: 0, failed_payments: 0, failure_rate: null, succeeded_amount_cents: 0, avg_amount_cents: null,
        payment_method_count: 0, card_count: 0, device_count: 0, merchant_count: 0,
        active_subscriptions: 0, churned_subscriptions: 0, canceled_subscriptions: 0, fraud_labeled_payments: 0,
      }),
      approx({
        customer_id: 'g1', country: null, created_at: null, is_guest: true,
        first_payment_at: ts('2026-01-02T03:00:00Z'), last_payment_at: ts('2026-01-02T03:00:00Z'),
        total_payments: 1, failed_payments: 0, failure_rate: 0, succeeded_amount_cents: 90000, avg_amount_cents: 90000,
        payment_method_count: 1, card_count: 1, device_count: 1, merchant_count: 1,
        active_subscriptions: 0, churned_subscriptions: 0, canceled_subscriptions: 0, fraud_labeled_payments: 1,
      }),
    ]);
    expect(await rowsOf(pg.pool, 'dim_merchant', 'merchant_id')).toEqual([
      approx({
        merchant_id: 'm1', name: 'corner grocery', merchant_category_code: '5411', category: 'grocery', country: 'US',
        risk_tier: 'low', created_at: ts('2024-01-01T00:00:00Z'),
        first_payment_at: ts('2026-01-01T10:00:00Z'), last_payment_at: ts('2026-01-01T23:30:00Z'),
        total_payments: 3, failed_payments: 1, failure_rate: 1 / 3, total_volume_cents: 5000, avg_transaction_amount_cents: 2500,
        customer_count: 2, fraud_labeled_payments: 0, fraud_label_rate: 0, active_subscriptions: 1,
      }),
      approx({
        merchant_id: 'm2', name: 'gadget shop', merchant_category_code: '5732', category: 'electronics', country: 'US',
        risk_tier: 'high', created_at: ts('2024-06-01T00:00:00Z'),
        first_payment_at: ts('2026-01-02T03:00:00Z'), last_payment_at: ts('2026-02-05T08:00:00Z'),
        total_payments: 4, failed_payments: 1, failure_rate: 0.25, total_volume_cents: 97000, avg_transaction_amount_cents: 97000 / 3,
        customer_count: 3, fraud_labeled_payments: 1, fraud_label_rate: 1 / 3, active_subscriptions: 0,
      }),
    ]);
  });

  test('fct_payments: every payment with its first fraud label, its retry and its recovery, each with the time it became known', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await insertDataset(pg.pool);
    const rows = await rowsOf(pg.pool, 'fct_payments', 'payment_id');
    expect(rows.map((r) => r.payment_id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    const none = {
      is_fraud: false, fraud_labeled_at: null, fraud_label_source: null,
      retry_payment_id: null, retry_outcome_strategy: null, retry_delay_hours: null, retry_succeeded: null, retry_outcome_at: null,
      recovery_action: null, recovered: null, recovered_amount_cents: null, recovery_outcome_at: null,
      fraud_score: null, churn_score: null, retry_strategy: null,
    };
    const [p1, p2, p3, p4, p5, p6, p7] = rows;
    expect(p1).toMatchObject({ ...none, status: 'succeeded', is_failed: false, payment_date: '2026-01-01', is_card_ip_country_mismatch: false });
    expect(p2).toMatchObject({
      ...none, is_failed: true, decline_code: 'insufficient_funds', decline_type: 'soft',
      retry_payment_id: 'p3', retry_outcome_strategy: 'next_day', retry_delay_hours: 21, retry_succeeded: true,
      retry_outcome_at: ts('2026-01-02T09:00:00Z'),
    });
    expect(p3).toMatchObject({ ...none, original_payment_id: 'p2', attempt_number: 2, payment_type: 'retry' });
    expect(p4).toMatchObject({ ...none, payment_method_type: 'paypal', card_id: null, is_card_ip_country_mismatch: false });
    expect(p5).toMatchObject({ ...none, card_country: 'GB', ip_country: 'FR', is_card_ip_country_mismatch: true });
    expect(p6).toMatchObject({ ...none, is_fraud: true, fraud_labeled_at: ts('2026-01-05T09:00:00Z'), fraud_label_source: 'fraud_report', is_guest_checkout: true });
    expect(p7).toMatchObject({
      ...none, is_failed: true, decline_type: 'hard', subscription_id: 's2', channel: 'recurring',
      recovery_action: 'card_update_request', recovered: false, recovered_amount_cents: null, recovery_outcome_at: ts('2026-01-20T00:00:00Z'),
    });
  });

  test('marts stay correct after a concurrent refresh picks up a late label', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await insertDataset(pg.pool);
    await refreshMarts(pg.pool);
    await pg.pool.query(
      `INSERT INTO fraud_labels (event_id, payment_id, source, reason_code, occurred_at)
       VALUES ('10000000-0000-4000-8000-000000000003', 'p1', 'chargeback', '10.4', '2026-01-25T00:00:00Z')`,
    );
    await refreshMarts(pg.pool, { concurrently: true });
    const { rows } = await pg.pool.query<{ fraud_labels_30d: number }>(
      `SELECT fraud_labels_30d FROM int_payment_merchant_metrics WHERE merchant_id = 'm1' AND metric_date = '2026-01-25'`,
    );
    expect(rows).toEqual([{ fraud_labels_30d: 1 }]);
  });
});
