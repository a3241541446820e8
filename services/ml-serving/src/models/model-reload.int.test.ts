import { FraudScoreResponse, INFERENCE_EXAMPLES } from '@payments-mlops/contracts';
import { test } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import type { PredictionLogRecord } from '@payments-mlops/contracts';
import { startServingHarness, type HarnessOptions } from '../testing/serving-harness.js';

const fraudRequest = { ...INFERENCE_EXAMPLES.fraudScore.request, initiated_at: undefined };

async function harness(options: HarnessOptions) {
  const started = await startServingHarness(options);
  onTestFinished(() => started.close());
  return started;
}

async function fraudVersion(app: Awaited<ReturnType<typeof harness>>['app'], customerId = fraudRequest.customer_id) {
  const response = await app.inject({ method: 'POST', url: '/fraud/score', payload: { ...fraudRequest, customer_id: customerId } });
  expect(response.statusCode).toBe(200);
  return FraudScoreResponse.parse(response.json()).model;
}

describe('model versions from the registry', () => {
  test('swaps the champion three times under load with zero failed requests', async ({ pg, redis, s3 }) => {
    const { app, publish, slots } = await harness({ pg, redis, s3, champions: ['fraud'], pollIntervalMs: 100, publishOptions: { numTrees: 50 } });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    let running = true;
    const outcomes = { ok: 0, failed: 0 };
    const versions = new Set<string>();
    const client = async () => {
      while (running) {
        const response = await fetch(`${url}/fraud/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fraudRequest) }).catch(() => undefined);
        if (response?.status === 200) {
          outcomes.ok++;
          versions.add((await response.json() as FraudScoreResponse).model.version);
        } else {
          outcomes.failed++;
          await response?.body?.cancel();
        }
      }
    };
    const clients = Array.from({ length: 8 }, () => client());
    for (let move = 2; move <= 4; move++) {
      await publish('fraud', { seed: move, numTrees: 50 });
      // Until the poller has swapped the new version in, with requests flowing all along.
      const deadline = Date.now() + 20_000;
      while (slots.model('fraud', 'champion')?.version !== String(move) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(slots.model('fraud', 'champion')?.version).toBe(String(move));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    running = false;
    await Promise.all(clients);
    expect(outcomes.failed).toBe(0);
    expect(outcomes.ok).toBeGreaterThan(100);
    expect([...versions].sort()).toEqual(['1', '2', '3', '4']);
  });

  test('refuses a version whose ONNX file does not match the signature checksum and keeps the old one', async ({ pg, redis, s3 }) => {
    const { app, publish, slots } = await harness({ pg, redis, s3, champions: ['fraud'] });
    await publish('fraud', { seed: 2, corruptChecksum: true });
    await slots.poll();
    expect((await fraudVersion(app)).version).toBe('1');
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('ml_serving_model_load_failures_total{model="fraud-detector",alias="champion",reason="checksum_mismatch"} 1\n');
    expect(metrics).toMatch(/ml_serving_model_info\{endpoint="\/fraud\/score",model="fraud-detector",version="1",alias="champion"\} 1/);

    // The next good version replaces it.
    await publish('fraud', { seed: 3 });
    await slots.poll();
    expect((await fraudVersion(app)).version).toBe('3');
  });

  test('keeps serving the last good models while the registry is down', async ({ pg, redis, s3 }) => {
    const { app, registry, slots } = await harness({ pg, redis, s3 });
    await registry.kill();
    await slots.poll();
    expect((await fraudVersion(app)).version).toBe('1');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ml_serving_model_load_failures_total\{model="fraud-detector",alias="champion",reason="registry_unreachable"\} [1-9]/);
  });

  test('splits traffic by customer hash between champion and challenger, the same customer always to the same version', async ({ pg, redis, s3 }) => {
    const { app, publish, slots } = await harness({ pg, redis, s3, champions: ['fraud'], env: { SERVING_CHALLENGER_WEIGHTS: 'fraud=0.5' } });
    await publish('fraud', { seed: 2, aliases: ['challenger'] });
    await slots.poll();
    const answers = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const model = await fraudVersion(app, `cus_${i}`);
      answers.set(`cus_${i}`, `${model.alias}:${model.version}`);
    }
    const split = [...answers.values()];
    expect(new Set(split)).toEqual(new Set(['champion:1', 'challenger:2']));
    expect(split.filter((answer) => answer === 'challenger:2').length).toBeGreaterThan(8);
    for (let i = 0; i < 40; i += 7) {
      const model = await fraudVersion(app, `cus_${i}`);
      expect(`${model.alias}:${model.version}`).toBe(answers.get(`cus_${i}`));
    }
  });

  test('in shadow mode the challenger scores every request but only the champion answers', async ({ pg, redis, s3 }) => {
    const recorded: PredictionLogRecord[] = [];
    const { app, publish, slots } = await harness({ pg, redis, s3, champions: ['fraud'], env: { SERVING_SHADOW_TASKS: 'fraud' }, sink: { record: (prediction) => recorded.push(prediction) } });
    await publish('fraud', { seed: 2, aliases: ['challenger'] });
    await slots.poll();
    for (let i = 0; i < 5; i++) expect(await fraudVersion(app, `cus_${i}`)).toEqual({ name: 'fraud-detector', version: '1', alias: 'champion' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recorded.filter((prediction) => prediction.model.alias === 'champion')).toHaveLength(5);
    const shadows = recorded.filter((prediction) => prediction.model.alias === 'shadow');
    expect(shadows).toHaveLength(5);
    expect(shadows.every((prediction) => prediction.model.version === '2')).toBe(true);
  });
});
