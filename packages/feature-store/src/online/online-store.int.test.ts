import { test } from '@payments-mlops/test-infra';
import { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import type { BatchViewInfo } from '../definitions/catalog.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../definitions/duration.js';
import { paymentEvent } from '../testing/payment-events.js';
import { projectCatalog } from '../testing/project-catalog.js';
import { planOnlineRead, readOnlineFeatures } from './online-features.js';
import { RedisOnlineStore, type StreamEvent } from './online-store.js';

const catalog = await projectCatalog();
const merchantStats = catalog.view('merchant_stats') as BatchViewInfo;
const statsPlan = planOnlineRead(catalog, catalog.resolveFeatures(['merchant_stats:merchant_total_payments_30d', 'merchant_stats:merchant_failure_rate_30d']));

function statsRow(key: string, eventMs: number, payments: number) {
  return { key, eventMs, createdMs: eventMs, values: [payments, payments * 100, 0.5, 1234.5, 7, null] };
}

function toStreamEvent(event: ReturnType<typeof paymentEvent>): StreamEvent {
  return { record: event, eventMs: Date.parse(event.occurred_at), dedupeId: event.payment_id };
}

describe('RedisOnlineStore', () => {
  test('never replaces a newer value with an older one, even with concurrent writers', async ({ redis }) => {
    const second = new Redis(redis.url);
    try {
      const now = Date.now();
      const writers = [new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix }), new RedisOnlineStore({ redis: second, keyPrefix: redis.prefix })];
      // 400 versions of one merchant's row, event times shuffled, split between two connections writing at once.
      const versions = Array.from({ length: 400 }, (_, i) => statsRow('mer_1', now - HOUR_MS + i * 1000, i));
      versions.sort(() => Math.random() - 0.5);
      await Promise.all(
        Array.from({ length: 40 }, (_, chunk) => writers[chunk % 2]!.writeBatchRows(merchantStats, versions.slice(chunk * 10, chunk * 10 + 10), now)),
      );
      const result = await readOnlineFeatures(writers[0]!, statsPlan, { entities: { merchant_id: ['mer_1'] } }, now);
      expect(result.values[0]).toEqual([399]);
      expect(result.eventTimestamps[0]).toEqual([now - HOUR_MS + 399_000]);
      // Re-writing an older version afterwards is refused.
      expect(await writers[1]!.writeBatchRows(merchantStats, [statsRow('mer_1', now - 2 * HOUR_MS, 1)], now)).toBe(0);
    } finally {
      second.disconnect();
    }
  });

  test('enforces the TTL on read: OUTSIDE_MAX_AGE with no value once older than the view TTL', async ({ redis }) => {
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const now = Date.now();
    await store.writeBatchRows(merchantStats, [statsRow('mer_old', now - 3 * DAY_MS, 5), statsRow('mer_new', now - HOUR_MS, 6)], now);
    const result = await readOnlineFeatures(store, statsPlan, { entities: { merchant_id: ['mer_old', 'mer_new', 'mer_unknown', null] } }, now);
    expect(result.statuses[0]).toEqual(['OUTSIDE_MAX_AGE', 'PRESENT', 'NOT_FOUND', 'NOT_FOUND']);
    expect(result.values[0]).toEqual([null, 6, null, null]);
  });

  test('counts each payment once, however often and in whatever order it is delivered', async ({ redis }) => {
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const now = Date.now();
    const events = [
      ...Array.from({ length: 5 }, (_, i) => paymentEvent({ customer_id: 'cus_dedupe', occurred_at: new Date(now - (i + 1) * 5 * MINUTE_MS).toISOString() })),
      ...Array.from({ length: 2 }, (_, i) =>
        paymentEvent({ customer_id: 'cus_dedupe', status: 'failed', occurred_at: new Date(now - (i + 1) * 7 * MINUTE_MS).toISOString() }),
      ),
      // Two days old: outside the 1 h and 24 h windows, inside 7 d.
      paymentEvent({ customer_id: 'cus_dedupe', occurred_at: new Date(now - 2 * DAY_MS).toISOString() }),
    ].map(toStreamEvent);
    const plans = [catalog.view('customer_activity')].map((view) => (view.kind === 'stream' ? view.plan : undefined)).filter((p) => p !== undefined);
    const delivered = [...events, ...events.slice(0, 4), ...events].sort(() => Math.random() - 0.5);
    const first = await store.applyEvents(plans, delivered.slice(0, 10), now);
    const second = await store.applyEvents(plans, delivered.slice(10), now);
    expect(first.applied + second.applied).toBe(8);
    expect(first.duplicates + second.duplicates).toBe(delivered.length - 8);

    const plan = planOnlineRead(
      catalog,
      catalog.resolveFeatures([
        'customer_activity:customer_payments_1h',
        'customer_activity:customer_declines_1h',
        'customer_activity:customer_payments_24h',
        'customer_activity:customer_payments_7d',
        'customer_activity:customer_failure_rate_30d',
        'customer_activity:customer_last_decline_code',
      ]),
    );
    const result = await readOnlineFeatures(store, plan, { entities: { customer_id: ['cus_dedupe', 'cus_nobody'] } }, now);
    expect(result.values.map((column) => column[0])).toEqual([7, 2, 7, 8, 2 / 8, 'insufficient_funds']);
    expect(result.statuses.map((column) => column[1])).toEqual(Array(6).fill('NOT_FOUND'));
  });
});
