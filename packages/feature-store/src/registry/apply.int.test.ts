import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import { DefinitionError } from '../definitions/definition-error.js';
import { createWarehouse } from '../testing/payment-events.js';
import { PROJECT_FEATURE_REPO } from '../testing/project-catalog.js';
import { applyFeatureRepo } from './apply.js';
import { RegistryCache } from './registry-cache.js';
import { PostgresRegistryStore } from './registry-store.js';

async function repoCopy(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'feature-repo-'));
  await cp(PROJECT_FEATURE_REPO, directory, { recursive: true });
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

async function edit(directory: string, file: string, from: string, to: string): Promise<void> {
  const text = await readFile(path.join(directory, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await writeFile(path.join(directory, file), text.replace(from, to));
}

describe('applyFeatureRepo', () => {
  test('stores a new version only when the definitions change, and says what changed', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const directory = await repoCopy();
    const first = await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    expect(first.outcome).toMatchObject({ version: 1, created: true });
    expect(first.plan).toContain('+ stream feature view customer_activity');
    // The push source's landing table now exists.
    await pg.pool.query('SELECT payment_id, scored_at, payment_fraud_score FROM payment_score_log LIMIT 0');

    const again = await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    expect(again.outcome).toMatchObject({ version: 1, created: false });
    expect(again.plan).toBe('No changes.');

    await edit(directory, 'views/merchant.yaml', 'ttl: 2d', 'ttl: 3d');
    await edit(directory, 'views/card.yaml', '{ name: card_payments_1h, function: count, time_window: 1h }', '{ name: card_payments_1h, function: count, time_window: 2h }');
    const dryRun = await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema, dryRun: true });
    expect(dryRun.outcome).toBeNull();
    const second = await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    expect(second.outcome).toMatchObject({ version: 2, created: true });
    expect(second.plan).toBe(dryRun.plan);
    expect(second.plan.split('\n')).toEqual([
      '~ feature view merchant_stats (ttl)',
      '~ stream feature view card_activity (aggregations) — new online layout: run materialize for it',
    ]);
  });

  test('names the file and view whose source the warehouse cannot serve', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const directory = await repoCopy();
    await edit(directory, 'data_sources.yaml', 'customer_count: merchant_customer_count', 'no_such_column: merchant_customer_count');
    const failure = await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DefinitionError);
    expect((failure as DefinitionError).problems).toEqual([
      { file: 'views/merchant.yaml', line: 2, field: 'feature_views.0.source', message: expect.stringContaining('column s.no_such_column does not exist') },
    ]);
    expect(await new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }).latestVersion('payments_mlops')).toBeNull();
  });

  test('readers see a new version within their refresh interval', async ({ pg }) => {
    await createWarehouse(pg.pool);
    const directory = await repoCopy();
    await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    const cache = new RegistryCache({ store: new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }), project: 'payments_mlops', refreshIntervalMs: 100 });
    expect((await cache.start())?.version).toBe(1);
    onTestFinished(() => cache.stop());
    await edit(directory, 'views/merchant.yaml', 'ttl: 2d', 'ttl: 4d');
    await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });
    const started = Date.now();
    while (cache.catalog().version !== 2 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cache.catalog().version).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
