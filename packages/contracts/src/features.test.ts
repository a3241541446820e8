import { describe, expect, it } from 'vitest';
import {
  DataSource,
  FeatureRepo,
  FeatureSelection,
  GetOnlineFeaturesRequest,
  MaterializeRequest,
  StreamFeatureView,
} from './features.js';

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('feature definitions', () => {
  it('fills in the defaults of feature_store.yaml', () => {
    const repo = FeatureRepo.parse({ config: { project: 'payments_mlops' } });
    expect(repo.config.registry).toEqual({ type: 'postgres', schema: 'feature_store', cache_ttl_seconds: 2 });
    expect(repo.config.online_store.key_prefix).toBe('fs:');
    expect(repo.feature_views).toEqual([]);
  });

  it('rejects a postgres source with both a table and a query, naming table', () => {
    const result = DataSource.safeParse({
      name: 'events', type: 'postgres', table: 'payment_events', query: 'select 1', timestamp_field: 'occurred_at',
    });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toContain('table');
  });

  it('rejects an unknown key in a stream feature view, naming it', () => {
    const result = StreamFeatureView.safeParse({
      name: 'customer_activity', entities: ['customer'], source: 'payments', ttl: '1d',
      aggregations: [{ name: 'n', function: 'count', time_window: '1h' }],
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('ttl');
  });

  it('rejects a time window that is not a duration', () => {
    const result = StreamFeatureView.safeParse({
      name: 'customer_activity', entities: ['customer'], source: 'payments',
      aggregations: [{ name: 'n', function: 'count', time_window: '1 hour' }],
    });
    expect(issuePaths(result)).toContain('aggregations.0.time_window');
  });

  it('takes a whole view or a subset of its features in a feature service', () => {
    expect(FeatureSelection.parse('customer_activity')).toBe('customer_activity');
    expect(FeatureSelection.parse({ customer_activity: ['customer_payments_1h'] })).toEqual({ customer_activity: ['customer_payments_1h'] });
    expect(FeatureSelection.safeParse({ a: ['x'], b: ['y'] }).success).toBe(false);
  });
});

describe('GetOnlineFeaturesRequest', () => {
  it('accepts the request a Feast client sends', () => {
    const request = GetOnlineFeaturesRequest.parse({
      features: ['customer_activity:customer_payments_1h'],
      entities: { customer_id: ['cus_1', 'cus_2'] },
    });
    expect(request.full_feature_names).toBe(false);
  });

  it('rejects features and feature_service together, naming features', () => {
    const result = GetOnlineFeaturesRequest.safeParse({
      features: ['a:b'], feature_service: 'fraud', entities: { customer_id: ['cus_1'] },
    });
    expect(issuePaths(result)).toEqual(['features']);
  });

  it('rejects entity columns of different lengths, naming entities', () => {
    const result = GetOnlineFeaturesRequest.safeParse({
      feature_service: 'fraud', entities: { customer_id: ['cus_1', 'cus_2'], card_id: ['card_1'] },
    });
    expect(issuePaths(result)).toEqual(['entities']);
  });

  it('rejects a feature reference without its view', () => {
    const result = GetOnlineFeaturesRequest.safeParse({ features: ['customer_payments_1h'], entities: { customer_id: ['c'] } });
    expect(issuePaths(result)).toEqual(['features.0']);
  });
});

describe('MaterializeRequest', () => {
  it('rejects an end before the start, naming end_ts', () => {
    const result = MaterializeRequest.safeParse({ start_ts: '2026-01-02T00:00:00Z', end_ts: '2026-01-01T00:00:00Z' });
    expect(issuePaths(result)).toEqual(['end_ts']);
  });
});
