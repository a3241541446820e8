import type { ErrorBody, GetOnlineFeaturesResponse, PaymentEvent } from '@payments-mlops/contracts';
import type { BatchViewInfo, StreamViewInfo } from '@payments-mlops/feature-store';
import { test, waitFor } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import { startTestServer } from './testing/test-app.js';

const HOUR = 3_600_000;

function payment(overrides: Partial<PaymentEvent> & { payment_id: string; occurred_at: string }): Record<string, unknown> {
  return {
    customer_id: 'cus_1', merchant_id: 'mer_1', card_id: 'card_1', device_id: 'dev_1', amount_cents: 1000, currency: 'USD',
    payment_method_type: 'card', payment_type: 'one_off', card_brand: 'visa', ip_country: 'US', card_country: 'US', channel: 'web',
    is_guest_checkout: false, status: 'succeeded', decline_code: null, decline_type: null, attempt_number: 1, ...overrides,
  };
}

async function server(fixtures: Parameters<typeof startTestServer>[0]) {
  const started = await startTestServer(fixtures);
  onTestFinished(() => started.close());
  return started;
}

describe('feature-server', () => {
  test('answers get-online-features in Feast’s column-oriented format', async ({ pg, redis }) => {
    const { app, store, registry } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    const catalog = registry.catalog();
    const now = Date.now();
    await store.writeBatchRows(catalog.view('merchant_stats') as BatchViewInfo, [
      { key: 'mer_1', eventMs: now - HOUR, createdMs: now, values: [120, 360_000, 0.25, 3000, 40, null] },
    ]);
    const response = await app.inject({
      method: 'POST',
      url: '/get-online-features',
      payload: {
        features: ['merchant_stats:merchant_total_payments_30d', 'merchant_stats:merchant_fraud_label_rate_30d'],
        entities: { merchant_id: ['mer_1', 'mer_unknown'] },
      },
    });
    expect(response.statusCode).toBe(200);
    const eventTime = new Date(now - HOUR).toISOString();
    expect(response.json()).toEqual({
      metadata: { feature_names: ['merchant_id', 'merchant_total_payments_30d', 'merchant_fraud_label_rate_30d'] },
      results: [
        { values: ['mer_1', 'mer_unknown'], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'] },
        { values: [120, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [eventTime, '1970-01-01T00:00:00.000Z'] },
        { values: [null, null], statuses: ['NULL_VALUE', 'NOT_FOUND'], event_timestamps: [eventTime, '1970-01-01T00:00:00.000Z'] },
      ],
    });

    const full = await app.inject({
      method: 'POST',
      url: '/get-online-features',
      payload: { features: ['merchant_stats:merchant_total_payments_30d'], entities: { merchant_id: ['mer_1'] }, full_feature_names: true },
    });
    expect(full.json<GetOnlineFeaturesResponse>().metadata.feature_names).toEqual(['merchant_id', 'merchant_stats__merchant_total_payments_30d']);
  });

  test('serves a whole feature service, request fields and on-demand features included', async ({ pg, redis }) => {
    const { app, store, registry } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    const catalog = registry.catalog();
    const now = Date.now();
    const plans = ['customer_activity', 'card_activity'].map((name) => (catalog.view(name) as StreamViewInfo).plan);
    const events = [1000, 3000].map((amount, i) =>
      payment({ payment_id: `pay_${i}`, amount_cents: amount, occurred_at: new Date(now - (i + 1) * HOUR).toISOString() }),
    );
    await store.applyEvents(plans, events.map((record) => ({ record, eventMs: Date.parse(record.occurred_at as string), dedupeId: record.payment_id as string })));

    const response = await app.inject({
      method: 'POST',
      url: '/get-online-features',
      payload: {
        feature_service: 'fraud',
        entities: { customer_id: ['cus_1'], card_id: ['card_1'], merchant_id: ['mer_1'], amount_cents: [5000], device_id: ['dev_2'], payment_method_type: ['card'] },
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<GetOnlineFeaturesResponse>();
    const value = (name: string) => body.results[body.metadata.feature_names.indexOf(name)];
    expect(body.metadata.feature_names.slice(0, 3)).toEqual(['customer_id', 'card_id', 'merchant_id']);
    expect(body.metadata.feature_names.length).toBe(3 + catalog.resolveService('fraud').length);
    expect(value('customer_payments_24h')).toMatchObject({ values: [2], statuses: ['PRESENT'] });
    expect(value('card_amount_24h')).toMatchObject({ values: [4000], statuses: ['PRESENT'] });
    expect(value('amount_cents')).toMatchObject({ values: [5000], statuses: ['PRESENT'] });
    expect(value('card_brand')).toMatchObject({ values: [null], statuses: ['NOT_FOUND'] });
    expect(value('amount_zscore')).toMatchObject({ values: [3], statuses: ['PRESENT'] });
    expect(value('is_new_device')).toMatchObject({ values: [true], statuses: ['PRESENT'] });
    expect(value('merchant_total_volume_30d')).toMatchObject({ values: [null], statuses: ['NOT_FOUND'] });
  });

  test('names what is wrong: unknown feature or service 404, wrong entity 400', async ({ pg, redis }) => {
    const { app } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    const post = (payload: object) => app.inject({ method: 'POST', url: '/get-online-features', payload });

    const unknownFeature = await post({ features: ['merchant_stats:no_such_feature'], entities: { merchant_id: ['mer_1'] } });
    expect(unknownFeature.statusCode).toBe(404);
    expect(unknownFeature.json<ErrorBody>().message).toContain("'merchant_stats:no_such_feature'");
    const unknownView = await post({ features: ['nowhere:x'], entities: { merchant_id: ['mer_1'] } });
    expect(unknownView.statusCode).toBe(404);
    expect(unknownView.json<ErrorBody>().message).toContain("'nowhere'");
    const unknownService = await post({ feature_service: 'marketing', entities: { customer_id: ['cus_1'] } });
    expect(unknownService.statusCode).toBe(404);
    expect(unknownService.json<ErrorBody>().message).toBe("Feature service 'marketing' does not exist");

    const numberKey = await post({ features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: [42] } });
    expect(numberKey.statusCode).toBe(400);
    expect(numberKey.json<ErrorBody>().details?.fields).toEqual([{ field: 'entities.merchant_id.0', message: expect.stringContaining('id string') }]);
    const wrongEntity = await post({ features: ['merchant_stats:merchant_customer_count'], entities: { customer_id: ['cus_1'] } });
    expect(wrongEntity.statusCode).toBe(400);
    expect(wrongEntity.json<ErrorBody>().details?.fields).toEqual([{ field: 'entities.merchant_id', message: 'is required by the requested features' }]);
    const strange = await post({ features: ['merchant_stats:merchant_customer_count'], entities: { merchant_id: ['mer_1'], shoe_size: [42] } });
    expect(strange.statusCode).toBe(400);
    expect(strange.json<ErrorBody>().details?.fields?.[0]?.field).toBe('entities.shoe_size');
    const both = await post({ features: ['merchant_stats:merchant_customer_count'], feature_service: 'fraud', entities: { merchant_id: ['mer_1'] } });
    expect(both.statusCode).toBe(400);
    expect(both.json<ErrorBody>().details?.fields?.[0]?.field).toBe('features');
  });

  test('pushes rows online and offline, keeping the newer value and naming a mistyped column', async ({ pg, redis }) => {
    const { app } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    const now = Date.now();
    const push = (df: object, to = 'online_and_offline') => app.inject({ method: 'POST', url: '/push', payload: { push_source_name: 'payment_scores_push', df, to } });

    const first = await push({ payment_id: ['pay_1', 'pay_2'], scored_at: [new Date(now - 60_000).toISOString(), now - 60_000], payment_fraud_score: [0.91, 0.05], payment_fraud_model_version: ['v3', 'v3'] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ rows: 2, written_online: 2, written_offline: 2 });
    const stale = await push({ payment_id: ['pay_1'], scored_at: [now - HOUR], payment_fraud_score: [0.1] }, 'online');
    expect(stale.json()).toEqual({ rows: 1, written_online: 0, written_offline: 0 });

    const read = await app.inject({ method: 'POST', url: '/get-online-features', payload: { features: ['payment_scores:payment_fraud_score'], entities: { payment_id: ['pay_1', 'pay_2'] } } });
    expect(read.json<GetOnlineFeaturesResponse>().results[1]!.values).toEqual([0.91, 0.05]);
    const offline = await pg.pool.query<{ payment_id: string; payment_fraud_score: number }>('SELECT payment_id, payment_fraud_score FROM payment_score_log ORDER BY payment_id');
    expect(offline.rows).toEqual([{ payment_id: 'pay_1', payment_fraud_score: 0.91 }, { payment_id: 'pay_2', payment_fraud_score: 0.05 }]);

    for (const to of ['online', 'offline', 'online_and_offline']) {
      const mistyped = await push({ payment_id: ['pay_3'], scored_at: [now], payment_fraud_score: ['high'] }, to);
      expect(mistyped.statusCode).toBe(400);
      expect(mistyped.json<ErrorBody>().details?.fields).toEqual([{ field: 'df.payment_fraud_score.0', message: 'must be a number (Float64), got "high"' }]);
    }
    const unknownColumn = await push({ payment_id: ['pay_3'], scored_at: [now], colour: ['red'] });
    expect(unknownColumn.json<ErrorBody>().details?.fields?.[0]?.field).toBe('df.colour');
    const unknownSource = await app.inject({ method: 'POST', url: '/push', payload: { push_source_name: 'nope', df: { x: [1] } } });
    expect(unknownSource.statusCode).toBe(404);
  });

  test('with the client-side cache on, answers a repeated read from memory and a pushed value once Redis reports it', async ({ pg, redis }) => {
    const { app } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix, onlineCacheMb: 1 });
    const now = Date.now();
    const push = (score: number, scoredAt: number) =>
      app.inject({ method: 'POST', url: '/push', payload: { push_source_name: 'payment_scores_push', df: { payment_id: ['pay_c'], scored_at: [scoredAt], payment_fraud_score: [score] }, to: 'online' } });
    const score = async () => {
      const read = await app.inject({ method: 'POST', url: '/get-online-features', payload: { features: ['payment_scores:payment_fraud_score'], entities: { payment_id: ['pay_c'] } } });
      return read.json<GetOnlineFeaturesResponse>().results[1]!.values[0];
    };
    const counter = async (name: string) => {
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(new RegExp(`^feature_server_online_cache_${name}_total (\\d+)$`, 'm').exec(metrics)?.[1]);
    };

    expect((await push(0.4, now - 60_000)).statusCode).toBe(200);
    // Cached from its second read on.
    expect(await score()).toBe(0.4);
    expect(await score()).toBe(0.4);
    expect(await score()).toBe(0.4);
    expect(await counter('misses')).toBe(2);
    expect(await counter('hits')).toBe(1);

    expect((await push(0.7, now - 1_000)).json()).toMatchObject({ written_online: 1 });
    await waitFor(async () => (await score()) === 0.7, { timeoutMs: 2_000, description: 'the pushed score' });
    expect(await counter('invalidations')).toBe(1);
  });

  test('materializes over HTTP and reports freshness per view in /metrics', async ({ pg, redis }) => {
    const { app } = await server({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    const end = new Date().toISOString();
    const full = await app.inject({ method: 'POST', url: '/materialize', payload: { start_ts: '2026-01-01T00:00:00Z', end_ts: end, feature_views: ['merchant_stats', 'customer_activity'] } });
    expect(full.statusCode).toBe(200);
    expect(full.json<{ views: { feature_view: string }[] }>().views.map((v) => v.feature_view)).toEqual(['merchant_stats', 'customer_activity']);
    const incremental = await app.inject({ method: 'POST', url: '/materialize-incremental', payload: { end_ts: end, feature_views: ['merchant_stats'] } });
    expect(incremental.json()).toEqual({ views: [] });
    const onDemand = await app.inject({ method: 'POST', url: '/materialize-incremental', payload: { end_ts: end, feature_views: ['payment_risk'] } });
    expect(onDemand.statusCode).toBe(400);

    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/feature_server_view_freshness_seconds\{view="merchant_stats"\} \d/);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ status: 'ok', registry_version: 1 });
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(docs.json<{ paths: object }>().paths)).toEqual(expect.arrayContaining(['/get-online-features', '/push', '/materialize', '/materialize-incremental', '/health']));
  });
});
