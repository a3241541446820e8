import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { FeatureCatalog, type StreamViewInfo } from '../definitions/catalog.js';
import { parseFeatureRepo } from '../definitions/load-repo.js';
import { MINUTE_MS } from '../definitions/duration.js';
import { aggregateStateKey } from './keys.js';
import { planOnlineRead, readOnlineFeatures } from './online-features.js';
import { RedisOnlineStore } from './online-store.js';

const { repo } = parseFeatureRepo([
  { file: 'feature_store.yaml', text: 'project: pruning\n' },
  {
    file: 'defs.yaml',
    text: `
entities: [{ name: customer, join_key: customer_id }]
data_sources:
  - { name: events, type: postgres, table: payment_events, timestamp_field: occurred_at }
  - name: stream
    type: kafka
    topic: t
    batch_source: events
    timestamp_field: occurred_at
    dedupe_field: payment_id
    fields: { payment_id: String, customer_id: String, merchant_id: String }
stream_feature_views:
  - name: activity
    entities: [customer]
    source: stream
    aggregations:
      - { name: payments_5m, function: count, time_window: 5m }
      - { name: merchants_5m, function: distinct_count, column: merchant_id, time_window: 5m }
`,
  },
]);
const catalog = new FeatureCatalog(repo, 1);
const view = catalog.view('activity') as StreamViewInfo;

describe('window aggregate state', () => {
  test('stays bounded for a busy entity: tiles and distinct values no window can reach are pruned', async ({ redis }) => {
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    // Redis expires keys by its own clock while the writes here use the events' times: `now` is
    // the start of the next minute, so no window's expiry (a minute boundary) passes during the
    // test, which made it fail when it ran across one.
    const now = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS + 1;
    // Two hours of one payment a minute, each at a new merchant.
    const events = Array.from({ length: 120 }, (_, i) => {
      const eventMs = now - (120 - i) * MINUTE_MS;
      return { record: { payment_id: `p${i}`, customer_id: 'cus_busy', merchant_id: `m${i}` }, eventMs, dedupeId: `p${i}` };
    });
    // Applied as they happen: the clock of each write is the event's own time.
    for (const event of events) await store.applyEvents([view.plan], [event], event.eventMs + 1);

    const fields = await redis.client.hlen(aggregateStateKey(redis.prefix, view.plan, 'cus_busy'));
    expect(fields).toBeLessThan(60);
    const read = await readOnlineFeatures(store, planOnlineRead(catalog, catalog.resolveFeatures(['activity:payments_5m', 'activity:merchants_5m'])), { entities: { customer_id: ['cus_busy'] } }, now);
    const expected = events.filter((event) => Math.floor(event.eventMs / MINUTE_MS) >= Math.floor(now / MINUTE_MS) - 4).length;
    expect(read.values).toEqual([[expected], [expected]]);
  });
});
