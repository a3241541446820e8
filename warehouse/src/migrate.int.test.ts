import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { MATERIALIZED_MARTS, refreshMarts } from './marts.js';
import { migrateWarehouse } from './migrate.js';
import { WAREHOUSE_TABLES } from './tables.js';

describe('warehouse migrations', () => {
  test('build the whole warehouse in an empty schema, then find nothing left to apply', async ({ pg }) => {
    expect(await migrateWarehouse(pg.pool)).toEqual([
      '001_payment_events.sql',
      '002_entities.sql',
      '003_labels.sql',
      '004_marts.sql',
    ]);
    expect(await migrateWarehouse(pg.pool)).toEqual([]);

    const { rows } = await pg.pool.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm')`,
      [pg.schema],
    );
    const kinds = Object.fromEntries(rows.map((row) => [row.name, row.kind]));
    for (const table of Object.values(WAREHOUSE_TABLES)) expect(kinds[table], table).toBe('r');
    for (const mart of MATERIALIZED_MARTS) expect(kinds[mart], mart).toBe('m');
    expect(kinds.fct_payments).toBe('v');
  });

  test('give every materialized mart the unique index a concurrent refresh needs', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    await refreshMarts(pg.pool, { concurrently: true, parallelism: 2 });
    const { rows } = await pg.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM int_payment_customer_metrics');
    expect(rows[0]?.count).toBe(0);
  });

  test('index payment_events for entity histories and time ranges', async ({ pg }) => {
    await migrateWarehouse(pg.pool);
    const { rows } = await pg.pool.query<{ indexdef: string }>(
      'SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
      [pg.schema, 'payment_events'],
    );
    const definitions = rows.map((row) => row.indexdef.replace(/ ON \S+\./, ' ON '));
    expect(definitions).toEqual(
      expect.arrayContaining([
        expect.stringContaining('(customer_id, occurred_at)'),
        expect.stringContaining('(merchant_id, occurred_at)'),
        expect.stringContaining('(card_id, occurred_at)'),
        expect.stringContaining('USING brin (occurred_at)'),
      ]),
    );
  });
});
