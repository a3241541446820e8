import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FeatureCatalog } from './catalog.js';
import { DefinitionError } from './definition-error.js';
import { loadFeatureRepo, parseFeatureRepo } from './load-repo.js';

const FEATURE_REPO = fileURLToPath(new URL('../../../../feature-repo/', import.meta.url));
const CONFIG = { file: 'feature_store.yaml', text: 'project: test_project\n' };

function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof DefinitionError) return error.message.split('\n').slice(1).map((line) => line.trim());
    throw error;
  }
  throw new Error('expected a DefinitionError');
}

const ENTITIES = `entities:\n  - { name: customer, join_key: customer_id }\n`;
const STREAM_SOURCE = `
data_sources:
  - { name: events, type: postgres, table: payment_events, timestamp_field: occurred_at }
  - name: stream
    type: kafka
    topic: payments.normalized
    batch_source: events
    timestamp_field: occurred_at
    dedupe_field: payment_id
    fields: { customer_id: String, amount_cents: Int64, status: String }
`;

describe('loadFeatureRepo', () => {
  it('loads the project feature repo with every feature the models need', async () => {
    const { repo } = await loadFeatureRepo(FEATURE_REPO);
    const catalog = new FeatureCatalog(repo, 1);
    expect(repo.entities.map((e) => e.name).sort()).toEqual(['card', 'customer', 'merchant', 'payment']);
    expect(repo.feature_services.map((s) => s.name).sort()).toEqual(['churn', 'fraud', 'recovery', 'retry']);
    const fraud = catalog.resolveService('fraud').map((f) => f.field.name);
    for (const name of [
      'customer_total_payments_30d', 'customer_failure_rate_30d', 'customer_avg_amount_cents', 'customer_payment_method_count',
      'merchant_total_volume_30d', 'merchant_failure_rate_30d', 'merchant_avg_transaction_amount', 'merchant_customer_count',
      'amount_cents', 'payment_method_type', 'card_brand', 'is_guest_checkout', 'card_distinct_merchants_24h',
      'amount_zscore', 'is_new_device', 'customer_days_since_first_payment', 'hours_since_last_customer_failure',
    ]) {
      expect(fraud).toContain(name);
    }
    expect(fraud.length).toBeGreaterThanOrEqual(50);
  });
});

describe('parseFeatureRepo', () => {
  it('names the file, line and field of a schema violation', () => {
    const problems = problemsOf(() =>
      parseFeatureRepo([
        CONFIG,
        { file: 'views/customer.yaml', text: `${ENTITIES}${STREAM_SOURCE}stream_feature_views:\n  - name: activity\n    entities: [customer]\n    source: stream\n    aggregations:\n      - { name: n, function: count, time_window: 1 hour }\n` },
      ]),
    );
    expect(problems).toEqual(['views/customer.yaml:18: stream_feature_views.0.aggregations.0.time_window: must be a duration such as 90s, 5m, 1h or 30d']);
  });

  it('names an unknown key instead of ignoring it', () => {
    const problems = problemsOf(() => parseFeatureRepo([CONFIG, { file: 'entities.yaml', text: 'entities:\n  - { name: customer, join_key: customer_id, ttl: 1d }\n' }]));
    expect(problems).toEqual(['entities.yaml:2: entities.0.ttl: is not a known field']);
  });

  it('names references that do not resolve, at the definition that makes them', () => {
    const problems = problemsOf(() =>
      parseFeatureRepo([
        CONFIG,
        { file: 'a.yaml', text: ENTITIES + STREAM_SOURCE },
        {
          file: 'b.yaml',
          text: `stream_feature_views:
  - name: activity
    entities: [merchant]
    source: stream
    aggregations:
      - { name: total, function: sum, column: status, time_window: 1h }
      - { name: forever, function: count, time_window: lifetime }
      - { name: odd, function: count, time_window: 61m }
feature_services:
  - { name: fraud, features: [{ activity: [missing_feature] }, nowhere] }
`,
        },
      ]),
    );
    expect(problems).toEqual([
      "b.yaml:2: stream_feature_views.0.entities.0: 'merchant' is not a defined entity",
      'b.yaml:2: stream_feature_views.0.aggregations.0.column: sum needs a numeric field; \'status\' is String',
      'b.yaml:2: stream_feature_views.0.aggregations.1.time_window: count needs a bounded window; lifetime is only for distinct_count, distinct_values, first_time, last_time, last',
      'b.yaml:2: stream_feature_views.0.aggregations.2.time_window: must be a whole number of its 5-minute buckets (at least 1m)',
      "b.yaml:10: feature_services.0.features.0.activity: view 'activity' has no feature 'missing_feature'",
      "b.yaml:10: feature_services.0.features.1: 'nowhere' is not a feature view or request source",
    ]);
  });

  it('rejects an on-demand view whose schema differs from its transformation', () => {
    const problems = problemsOf(() =>
      parseFeatureRepo([
        CONFIG,
        { file: 'a.yaml', text: 'data_sources:\n  - { name: req, type: request, schema: [{ name: decline_code, dtype: String }, { name: attempt_number, dtype: Int64 }] }\n' },
        { file: 'b.yaml', text: 'on_demand_feature_views:\n  - { name: ctx, transformation: decline_signals, sources: [req], schema: [{ name: is_hard_decline, dtype: Bool }] }\n' },
      ]),
    );
    expect(problems[0]).toContain("b.yaml:2: on_demand_feature_views.0.sources: no source view provides feature 'card_last_decline_code'");
    expect(problems.at(-1)).toContain('on_demand_feature_views.0.schema: must be exactly what decline_signals produces');
  });
});
