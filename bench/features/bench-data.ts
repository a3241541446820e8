import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { refreshMarts } from '@payments-mlops/warehouse';
import type pg from 'pg';

export interface BenchSizes {
  /** Payment events over the last 30 days. */
  events: number;
  /** Customers of the 50-feature view. */
  entities: number;
}

/** 50 features of one entity: the shape of Feast's published serving benchmark. */
export const BENCH_FEATURES = Array.from({ length: 50 }, (_, i) => `bench_f${String(i + 1).padStart(2, '0')}`);

/**
 * Synthetic payments (deterministic: setseed) straight in SQL, so a million rows take seconds:
 * customers, cards and merchants drawn at random, 15 % declined with soft or hard codes, amounts
 * log-uniform, over the 30 days before now. Then the warehouse marts, and the 50-feature table.
 */
export async function generateBenchData(pool: pg.Pool, { events, entities }: BenchSizes): Promise<void> {
  const customers = Math.max(100, Math.floor(events / 25));
  const cards = Math.floor(customers * 1.3);
  const client = await pool.connect();
  try {
    await client.query('SELECT setseed(0.42)');
    await client.query(
      `INSERT INTO payment_events (event_id, payment_id, original_payment_id, attempt_number, payment_type, customer_id, merchant_id,
         card_id, device_id, amount_cents, currency, payment_method_type, card_brand, card_bin, card_country, ip_country,
         billing_country, merchant_category_code, channel, is_guest_checkout, status, decline_code, decline_type, occurred_at)
       SELECT gen_random_uuid(), p.id, p.id, 1, 'one_off', 'cus_' || lpad(p.customer::text, 7, '0'), 'mer_' || lpad(p.merchant::text, 5, '0'),
         CASE WHEN p.card THEN 'card_' || lpad(((p.customer * 7 + p.which) % $3)::text, 7, '0') END,
         'dev_' || (p.customer * 3 + p.which), (exp(5 + 6 * p.amount))::bigint, 'USD',
         CASE WHEN p.card THEN 'card' ELSE 'paypal' END, CASE WHEN p.card THEN (ARRAY['visa', 'mastercard'])[1 + p.which % 2] END,
         CASE WHEN p.card THEN '424242' END, CASE WHEN p.card THEN 'US' END, (ARRAY['US', 'US', 'GB', 'DE'])[1 + p.which],
         'US', '5411', 'web', p.amount < 0.05, CASE WHEN p.failed THEN 'failed' ELSE 'succeeded' END,
         CASE WHEN p.failed THEN (ARRAY['insufficient_funds', 'do_not_honor', 'try_again_later', 'stolen_card', 'expired_card'])[1 + p.which] END,
         CASE WHEN p.failed THEN CASE WHEN p.which >= 3 THEN 'hard' ELSE 'soft' END END,
         now() - p.age * interval '30 days'
       FROM (
         SELECT 'pay_' || lpad(g::text, 9, '0') AS id, floor(random() * $1)::int AS customer, floor(random() * $2)::int AS merchant,
                random() < 0.9 AS card, floor(random() * 4)::int AS which, random() AS amount, random() < 0.15 AS failed, random() AS age
           FROM generate_series(1, $4) g
       ) p`,
      [customers, 1500, cards, events],
    );
    await client.query(`ANALYZE payment_events`);
    await client.query(
      `CREATE TABLE bench_customer_features AS
       SELECT 'cus_' || lpad(g::text, 7, '0') AS customer_id, now() - random() * interval '1 hour' AS event_timestamp,
              ${BENCH_FEATURES.map((name) => `(random() * 1000)::int AS ${name}`).join(', ')}
         FROM generate_series(0, $1 - 1) g`,
      [entities],
    );
  } finally {
    client.release();
  }
  await refreshMarts(pool);
}

/**
 * The project's feature repository plus the 50-feature bench view, with its own key prefix and
 * its stream source on the bench topic.
 */
export async function benchFeatureRepo(projectRepo: string, topic: string): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'feature-bench-repo-'));
  await cp(projectRepo, directory, { recursive: true });
  const edit = async (file: string, from: string, to: string) => {
    const text = await readFile(path.join(directory, file), 'utf8');
    await writeFile(path.join(directory, file), text.replace(from, to));
  };
  await edit('feature_store.yaml', 'key_prefix: "fs:"', 'key_prefix: "fsbench:"');
  await edit('data_sources.yaml', 'topic: payments.normalized', `topic: ${topic}`);
  await writeFile(
    path.join(directory, 'views', 'bench.yaml'),
    [
      'data_sources:',
      '  - { name: bench_customer_features_source, type: postgres, table: bench_customer_features, timestamp_field: event_timestamp }',
      '  - name: bench_customer_narrow_source',
      '    type: postgres',
      '    table: bench_customer_features',
      '    timestamp_field: event_timestamp',
      `    field_mapping: { ${BENCH_FEATURES.slice(0, 5).map((name) => `${name}: ${name.replace('bench_f', 'bench_narrow_f')}`).join(', ')} }`,
      'feature_views:',
      '  - name: bench_customer_50',
      '    entities: [customer]',
      '    source: bench_customer_features_source',
      '    ttl: 1d',
      '    description: Fifty integer features of a customer, the shape of Feast’s serving benchmark.',
      '    schema:',
      ...BENCH_FEATURES.map((name) => `      - { name: ${name}, dtype: Int64 }`),
      '  - name: bench_customer_5',
      '    entities: [customer]',
      '    source: bench_customer_narrow_source',
      '    ttl: 1d',
      '    description: Five of the same features, to show what row width costs materialization.',
      '    schema:',
      ...BENCH_FEATURES.slice(0, 5).map((name) => `      - { name: ${name.replace('bench_f', 'bench_narrow_f')}, dtype: Int64 }`),
      '',
    ].join('\n'),
  );
  return directory;
}
