import { describe, expect } from 'vitest';
import { createPgPool, endPool } from './postgres.js';
import { test } from './fixtures.js';

describe('pg fixture', () => {
  test('unqualified tables are created and queried in the test schema', async ({ pg }) => {
    await pg.pool.query('CREATE TABLE payments (payment_id text PRIMARY KEY, amount_cents bigint NOT NULL)');
    await pg.pool.query("INSERT INTO payments VALUES ('pay_1', 1999), ('pay_2', 501)");

    const total = await pg.pool.query<{ total: string }>('SELECT sum(amount_cents)::text AS total FROM payments');
    expect(total.rows).toEqual([{ total: '2500' }]);
    const where = await pg.pool.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'payments'",
    );
    expect(where.rows).toEqual([{ schema: pg.schema }]);
  });

  test('a pool opened from connectionString lands in the same schema', async ({ pg }) => {
    const pool = createPgPool(pg.connectionString, 1);
    try {
      const { rows } = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(rows).toEqual([{ schema: pg.schema }]);
    } finally {
      await endPool(pool);
    }
  });
});
