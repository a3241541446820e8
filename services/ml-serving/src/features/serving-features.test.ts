import { FeatureCatalog, loadFeatureRepo, type OnlineStoreReader } from '@payments-mlops/feature-store';
import { createLogger } from '@payments-mlops/service-kit';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ServingFeatures } from './serving-features.js';

const FEATURE_REPO = fileURLToPath(new URL('../../../../feature-repo/', import.meta.url));

async function servingFeatures(store: OnlineStoreReader, deadlineMs?: number): Promise<ServingFeatures> {
  const { repo } = await loadFeatureRepo(FEATURE_REPO);
  const catalog = new FeatureCatalog(repo, 1);
  return new ServingFeatures({ catalog: () => catalog, store, logger: createLogger({ service: 'ml-serving', level: 'silent' }), ...(deadlineMs === undefined ? {} : { deadlineMs }) });
}

describe('ServingFeatures', () => {
  it('answers degraded from request fields when the store is past the request deadline', async () => {
    const silent: OnlineStoreReader = { readStates: () => new Promise(() => undefined) };
    const features = await servingFeatures(silent, 20);
    const cached = features.plan('fraud')!;
    const started = Date.now();
    const read = await features.read(cached, { customer_id: 'cus_1', card_id: 'card_1', merchant_id: 'mer_1', amount_cents: 4200 }, Date.now());
    expect(read.degraded).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    const amount = read.columns.features.findIndex((feature) => feature.field.name === 'amount_cents');
    expect(read.columns.values[amount]).toEqual([4200]);
    expect(read.columns.statuses.every((column) => column[0] !== undefined)).toBe(true);
  });

  it('answers from the store when it replies within the deadline', async () => {
    const empty: OnlineStoreReader = { readStates: (requests) => Promise.resolve(requests.map(() => null)) };
    const features = await servingFeatures(empty, 1_000);
    const read = await features.read(features.plan('fraud')!, { customer_id: 'cus_1', card_id: 'card_1', merchant_id: 'mer_1' }, Date.now());
    expect(read.degraded).toBe(false);
  });

  it('still names a bad entity key instead of degrading', async () => {
    const empty: OnlineStoreReader = { readStates: (requests) => Promise.resolve(requests.map(() => null)) };
    const features = await servingFeatures(empty, 1_000);
    await expect(features.read(features.plan('fraud')!, { customer_id: 42 }, Date.now())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
