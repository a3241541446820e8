import {
  ChurnPredictResponse,
  ErrorBody,
  FraudScoreResponse,
  INFERENCE_EXAMPLES,
  RecoveryRecommendResponse,
  RetryStrategyResponse,
} from '@payments-mlops/contracts';
import type { BatchViewInfo } from '@payments-mlops/feature-store';
import { test, waitFor } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import type { PredictionLogRecord } from '@payments-mlops/contracts';
import { startServingHarness, type HarnessOptions } from './testing/serving-harness.js';

const HOUR = 3_600_000;
const { fraudScore, retryStrategy, churnPredict, recoveryRecommend } = INFERENCE_EXAMPLES;
// Scored now, so the online features written below are fresh.
const fraudRequest = { ...fraudScore.request, initiated_at: undefined };

async function harness(options: HarnessOptions) {
  const started = await startServingHarness(options);
  onTestFinished(() => started.close());
  return started;
}

describe('ml-serving', () => {
  test('answers the four endpoints with their contracts, naming the model version, from online features', async ({ pg, redis, s3 }) => {
    const recorded: PredictionLogRecord[] = [];
    const { app, store, catalog } = await harness({ pg, redis, s3, sink: { record: (prediction) => recorded.push(prediction) } });
    const now = Date.now();
    await store.writeBatchRows(catalog.view('merchant_stats') as BatchViewInfo, [
      { key: fraudRequest.merchant_id, eventMs: now - HOUR, createdMs: now, values: [1200, 3_600_000, 0.05, 3000, 400, 0.01] },
    ]);

    const fraud = await app.inject({ method: 'POST', url: '/fraud/score', payload: fraudRequest, headers: { 'x-request-id': 'req-fraud-1' } });
    expect(fraud.statusCode).toBe(200);
    const fraudBody = FraudScoreResponse.parse(fraud.json());
    expect(fraudBody).toMatchObject({ payment_id: fraudRequest.payment_id, request_id: 'req-fraud-1', model: { name: 'fraud-detector', version: '1', alias: 'champion' }, degraded: false });
    expect(fraudBody.reasons.length).toBeGreaterThan(0);
    expect(fraudBody.reasons.length).toBeLessThanOrEqual(3);

    const retry = await app.inject({ method: 'POST', url: '/retry/strategy', payload: retryStrategy.request });
    expect(retry.statusCode).toBe(200);
    expect(RetryStrategyResponse.parse(retry.json()).model).toEqual({ name: 'retry-strategy', version: '1', alias: 'champion' });

    const churn = await app.inject({ method: 'POST', url: '/churn/predict', payload: churnPredict.request });
    expect(churn.statusCode).toBe(200);
    const churnBody = ChurnPredictResponse.parse(churn.json());
    expect(churnBody).toMatchObject({ customer_id: churnPredict.request.customer_id, subscription_id: 'sub_q81mz', horizon_days: 30, model: { name: 'churn-predictor' } });

    const recovery = await app.inject({ method: 'POST', url: '/recovery/recommend', payload: recoveryRecommend.request });
    expect(recovery.statusCode).toBe(200);
    const recoveryBody = RecoveryRecommendResponse.parse(recovery.json());
    expect(recoveryBody.ranked_actions.map((ranked) => ranked.action).sort()).toEqual([...recoveryRecommend.request.candidate_actions].sort());
    expect(recoveryBody.currency).toBe('EUR');

    // The merchant's stored features reached the model (the request alone has no merchant_failure_rate_30d).
    await new Promise((resolve) => setImmediate(resolve));
    const fraudLog = recorded.find((prediction) => prediction.request_id === 'req-fraud-1');
    expect(fraudLog).toMatchObject({ task: 'fraud', endpoint: '/fraud/score', model: { version: '1', alias: 'champion' }, degraded: false });
    expect(fraudLog?.features.merchant_failure_rate_30d).toBe(0.05);
    expect(fraudLog?.features.amount_cents).toBe(fraudRequest.amount_cents);
  });

  test('with the client-side cache on, scores repeated entities from memory and a changed feature once Redis reports it', async ({ pg, redis, s3 }) => {
    const recorded: PredictionLogRecord[] = [];
    const { app, store, catalog } = await harness({ pg, redis, s3, env: { SERVING_ONLINE_CACHE_MB: '1' }, sink: { record: (prediction) => recorded.push(prediction) } });
    const merchantStats = catalog.view('merchant_stats') as BatchViewInfo;
    const writeFailureRate = (rate: number, ageMs: number) =>
      store.writeBatchRows(merchantStats, [{ key: fraudRequest.merchant_id, eventMs: Date.now() - ageMs, createdMs: Date.now(), values: [1200, 3_600_000, rate, 3000, 400, 0.01] }]);
    const scoredFailureRate = async () => {
      const response = await app.inject({ method: 'POST', url: '/fraud/score', payload: fraudRequest });
      expect(response.json<{ degraded: boolean }>().degraded).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      return recorded.at(-1)?.features.merchant_failure_rate_30d;
    };
    const cacheCount = async (name: string) =>
      Number(new RegExp(`^ml_serving_online_cache_${name}_total (\\d+)$`, 'm').exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);

    await writeFailureRate(0.05, HOUR);
    // Cached from the second read on.
    expect(await scoredFailureRate()).toBe(0.05);
    expect(await scoredFailureRate()).toBe(0.05);
    const misses = await cacheCount('misses');
    expect(await scoredFailureRate()).toBe(0.05);
    expect(await cacheCount('misses')).toBe(misses);
    expect(await cacheCount('hits')).toBeGreaterThan(0);

    await writeFailureRate(0.5, 60_000);
    await waitFor(async () => (await scoredFailureRate()) === 0.5, { timeoutMs: 2_000, description: 'the new failure rate to reach the model' });
    expect(await cacheCount('invalidations')).toBeGreaterThanOrEqual(1);
  });

  test('returns 400 naming the field for malformed requests, and scores an unknown payment method as an unknown category', async ({ pg, redis, s3 }) => {
    const { app } = await harness({ pg, redis, s3 });
    const negative = await app.inject({ method: 'POST', url: '/fraud/score', payload: { ...fraudRequest, amount_cents: -5 } });
    expect(negative.statusCode).toBe(400);
    expect(ErrorBody.parse(negative.json()).details?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'amount_cents' })]));

    const currency = await app.inject({ method: 'POST', url: '/fraud/score', payload: { ...fraudRequest, currency: 'XYZ' } });
    expect(currency.statusCode).toBe(400);
    expect(JSON.stringify(currency.json())).toContain('currency');

    const missing = await app.inject({ method: 'POST', url: '/retry/strategy', payload: { ...retryStrategy.request, failed_at: undefined } });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json())).toContain('failed_at');

    const notJson = await app.inject({ method: 'POST', url: '/churn/predict', payload: '{"customer_id":', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);

    const wallet = await app.inject({ method: 'POST', url: '/fraud/score', payload: { ...fraudRequest, payment_method_type: 'crypto_wallet', card_brand: 'newnetwork' } });
    expect(wallet.statusCode).toBe(200);
    expect(FraudScoreResponse.parse(wallet.json()).unknown_categories.sort()).toEqual(['card_brand', 'payment_method_type']);
  });

  test('applies the retry guardrails over the model: a hard decline is never retried', async ({ pg, redis, s3 }) => {
    const { app } = await harness({ pg, redis, s3, champions: ['retry', 'fraud', 'churn', 'recovery'] });
    const response = await app.inject({
      method: 'POST',
      url: '/retry/strategy',
      payload: { ...retryStrategy.request, decline_code: 'stolen_card', decline_type: 'hard' },
    });
    const body = RetryStrategyResponse.parse(response.json());
    expect(body).toMatchObject({ strategy: 'do_not_retry', retry_allowed: false, retry_at: null, delay_seconds: null });
    expect(body.guardrail === 'hard_decline' || body.model_strategy === 'do_not_retry').toBe(true);
  });

  test('answers degraded from request fields when Redis is unreachable, and counts it', async ({ pg, redis, s3 }) => {
    const { app } = await harness({ pg, redis, s3, onlineRedisUrl: 'redis://127.0.0.1:1' });
    for (const [url, payload] of [
      ['/fraud/score', fraudRequest],
      ['/retry/strategy', retryStrategy.request],
      ['/churn/predict', churnPredict.request],
      ['/recovery/recommend', recoveryRecommend.request],
    ] as const) {
      const response = await app.inject({ method: 'POST', url, payload });
      expect(response.statusCode, url).toBe(200);
      expect(response.json<{ degraded: boolean }>().degraded, url).toBe(true);
    }
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ml_serving_degraded_responses_total\{endpoint="\/fraud\/score"\} 1/);
    expect(metrics.body).toMatch(/ml_serving_requests_total\{endpoint="\/churn\/predict",status="200"\} 1/);
    expect(metrics.body).toMatch(/ml_serving_request_duration_seconds_bucket\{le="0.00005",endpoint="\/fraud\/score",model_version="1"\}/);
    // Every run is counted, the warm-up's at load among them.
    expect(Number(/^ml_serving_inference_batch_rows_count\{endpoint="\/fraud\/score"\} (\d+)$/m.exec(metrics.body)?.[1])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  test('a task without a model answers 503 MODEL_NOT_READY while the others answer, and readiness waits for it', async ({ pg, redis, s3 }) => {
    const serving = await harness({ pg, redis, s3, champions: ['fraud', 'retry', 'recovery'] });
    const { app } = serving;
    const churn = await app.inject({ method: 'POST', url: '/churn/predict', payload: churnPredict.request });
    expect(churn.statusCode).toBe(503);
    expect(churn.json<ErrorBody>().code).toBe('MODEL_NOT_READY');
    expect((await app.inject({ method: 'POST', url: '/fraud/score', payload: fraudRequest })).statusCode).toBe(200);
    const notReady = await app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.body).toContain('churn-predictor@champion');

    await serving.publish('churn');
    await serving.slots.poll();
    expect((await app.inject({ method: 'POST', url: '/churn/predict', payload: churnPredict.request })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  test('publishes the four endpoints in /docs', async ({ pg, redis, s3 }) => {
    const { app } = await harness({ pg, redis, s3 });
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/fraud/score', '/retry/strategy', '/churn/predict', '/recovery/recommend']));
  });
});
