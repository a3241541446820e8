import { test } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';
import { describe, expect } from 'vitest';
import type { SimulatedRecord } from './context.js';
import { seedWarehouse } from './seed-warehouse.js';
import { PaymentSimulation } from './simulation.js';

const OPTIONS = { seed: 11, startMs: Date.UTC(2026, 0, 1), days: 30, events: 4_000 };

async function count(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT (${sql})::int AS n`);
  return rows[0]!.n;
}

describe('seedWarehouse', () => {
  test('lands every simulated payment and label in Postgres and fills the marts', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    const expected: SimulatedRecord[] = [...new PaymentSimulation(OPTIONS)];
    const result = await seedWarehouse({ pool: pg.pool, simulation: new PaymentSimulation(OPTIONS) });

    const labelsOf = (type: string): number => expected.filter((r) => r.kind === 'label' && r.event.label_type === type).length;
    expect(result.paymentEvents).toBe(4_000);
    expect(result.labels).toEqual({
      fraud: labelsOf('fraud'),
      retry_outcome: labelsOf('retry_outcome'),
      churn: labelsOf('churn'),
      recovery_outcome: labelsOf('recovery_outcome'),
    });
    expect(await count(pg.pool, 'SELECT count(*) FROM payment_events')).toBe(4_000);
    expect(await count(pg.pool, 'SELECT count(*) FROM fraud_labels')).toBe(result.labels.fraud);
    expect(await count(pg.pool, 'SELECT count(*) FROM retry_outcomes')).toBe(result.labels.retry_outcome);
    expect(await count(pg.pool, 'SELECT count(*) FROM churn_events')).toBe(result.labels.churn);
    expect(await count(pg.pool, 'SELECT count(*) FROM recovery_outcomes')).toBe(result.labels.recovery_outcome);
    expect(await count(pg.pool, 'SELECT count(*) FROM customers')).toBe(result.customers);
    expect(await count(pg.pool, 'SELECT count(*) FROM merchants')).toBe(result.merchants);
    expect(await count(pg.pool, 'SELECT count(*) FROM subscriptions')).toBe(result.subscriptions);

    // The rows are the events, field for field.
    const first = expected.find((r) => r.kind === 'payment')!;
    const { rows } = await pg.pool.query<{ amount_cents: string; occurred_at: Date; decline_code: string | null }>(
      'SELECT amount_cents, occurred_at, decline_code FROM payment_events WHERE payment_id = $1',
      [first.kind === 'payment' ? first.event.payment_id : ''],
    );
    expect(first.kind === 'payment' && rows[0]).toEqual({
      amount_cents: String(first.kind === 'payment' ? first.event.amount_cents : 0),
      occurred_at: new Date(first.at),
      decline_code: first.kind === 'payment' ? first.event.decline_code : null,
    });

    // The marts were refreshed from this data.
    expect(await count(pg.pool, 'SELECT sum(payments_1d) FROM int_payment_customer_metrics')).toBe(4_000);
    expect(await count(pg.pool, 'SELECT sum(payments_1d) FROM int_payment_merchant_metrics')).toBe(4_000);
    expect(await count(pg.pool, 'SELECT sum(total_payments) FROM dim_customer')).toBe(4_000);
    expect(await count(pg.pool, 'SELECT count(*) FROM fct_payments WHERE is_fraud')).toBe(
      new Set(expected.flatMap((r) => (r.kind === 'label' && r.event.label_type === 'fraud' ? [r.event.payment_id] : []))).size,
    );
  });

  test('replaces the previous dataset and keeps the indexes and constraints of payment_events', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    const indexes = async (): Promise<string[]> =>
      (
        await pg.pool.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY 1', [
          pg.schema,
          'payment_events',
        ])
      ).rows.map((r) => r.indexname);
    const before = await indexes();
    await seedWarehouse({ pool: pg.pool, simulation: new PaymentSimulation({ ...OPTIONS, events: 500 }), refresh: false });
    await seedWarehouse({ pool: pg.pool, simulation: new PaymentSimulation({ ...OPTIONS, events: 700 }), refresh: false });
    expect(await count(pg.pool, 'SELECT count(*) FROM payment_events')).toBe(700);
    expect(await indexes()).toEqual(before);
    await expect(
      pg.pool.query(`INSERT INTO payment_events SELECT * FROM payment_events LIMIT 1`),
    ).rejects.toThrow(/payment_events_pkey|duplicate key/);
  });

  test('rolls back and leaves the previous data when the load fails', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await seedWarehouse({ pool: pg.pool, simulation: new PaymentSimulation({ ...OPTIONS, events: 300 }), refresh: false });
    await pg.pool.query('ALTER TABLE churn_events ADD CONSTRAINT no_churn CHECK (false) NOT VALID');
    await expect(seedWarehouse({ pool: pg.pool, simulation: new PaymentSimulation(OPTIONS), refresh: false })).rejects.toThrow(/no_churn/);
    expect(await count(pg.pool, 'SELECT count(*) FROM payment_events')).toBe(300);
  });
});
