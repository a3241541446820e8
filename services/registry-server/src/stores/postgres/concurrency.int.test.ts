import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { callApi, startTestRegistry } from '../../testing/registry-harness.js';

describe('concurrency', () => {
  test('parallel registrations of one model get contiguous, unique version numbers', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { poolSize: 16 });
    try {
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'fraud' });
      const responses = await Promise.all(
        Array.from({ length: 48 }, () => callApi<{ model_version: { version: string } }>(registry.app, 'POST', '/model-versions/create', { name: 'fraud', source: 's3://models/fraud' })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 48 }, () => 200));
      const numbers = responses.map((response) => Number(response.body.model_version.version)).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 48 }, (_, index) => index + 1));
    } finally {
      await registry.close();
    }
  });

  test('16 writers logging batches to one run at once: no errors, no lost metrics, the right latest values', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { poolSize: 20 });
    try {
      const { body } = await callApi<{ run: { info: { run_id: string } } }>(registry.app, 'POST', '/runs/create', { experiment_id: '0' });
      const runId = body.run.info.run_id;
      const writers = 16;
      const batchesPerWriter = 6;
      const metricsPerBatch = 1000;
      // Every writer logs the same 50 keys (so their latest-value rows are contended) at its own
      // steps, each in its own key order: a store that locked rows in request order would deadlock.
      const batch = (writer: number, round: number) => {
        const metrics = Array.from({ length: metricsPerBatch }, (_, index) => {
          const step = (round * metricsPerBatch + index) * writers + writer;
          return { key: `m${index % 50}`, value: step / 7, timestamp: 1_700_000_000_000 + step, step };
        });
        const rotated = [...metrics.slice(writer * 37), ...metrics.slice(0, writer * 37)];
        return writer % 2 === 0 ? rotated : rotated.reverse();
      };
      const statuses = await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          const seen: number[] = [];
          for (let round = 0; round < batchesPerWriter; round += 1) {
            const response = await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, metrics: batch(writer, round) });
            seen.push(response.status);
          }
          return seen;
        }),
      );
      expect(statuses.flat().filter((status) => status !== 200)).toEqual([]);

      const { rows } = await registry.pool.query<{ count: string }>('SELECT count(*) AS count FROM metrics WHERE run_uuid = $1', [runId]);
      expect(Number(rows[0]?.count)).toBe(writers * batchesPerWriter * metricsPerBatch);

      const { body: run } = await callApi<{ run: { data: { metrics: { key: string; step: number }[] } } }>(registry.app, 'GET', '/runs/get', { run_id: runId });
      const highestStep = (key: number) => {
        let best = -1;
        for (let writer = 0; writer < writers; writer += 1)
          for (let round = 0; round < batchesPerWriter; round += 1)
            for (let index = key; index < metricsPerBatch; index += 50) best = Math.max(best, (round * metricsPerBatch + index) * writers + writer);
        return best;
      };
      expect(run.run.data.metrics).toHaveLength(50);
      for (const metric of run.run.data.metrics) expect(metric.step).toBe(highestStep(Number(metric.key.slice(1))));
    } finally {
      await registry.close();
    }
  });

  test('readers of a moving alias always see one of the versions it moves between', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { poolSize: 12 });
    try {
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'churn' });
      for (let i = 0; i < 2; i += 1) await callApi(registry.app, 'POST', '/model-versions/create', { name: 'churn', source: 's3://m/churn' });
      await callApi(registry.app, 'POST', '/registered-models/alias', { name: 'churn', alias: 'champion', version: '1' });
      const moves = Array.from({ length: 40 }, (_, i) => callApi(registry.app, 'POST', '/registered-models/alias', { name: 'churn', alias: 'champion', version: String((i % 2) + 1) }));
      const reads = Array.from({ length: 40 }, () => callApi<{ model_version: { version: string } }>(registry.app, 'GET', '/registered-models/alias', { name: 'churn', alias: 'champion' }));
      const [moved, read] = await Promise.all([Promise.all(moves), Promise.all(reads)]);
      expect(moved.every((response) => response.status === 200)).toBe(true);
      expect(read.every((response) => response.status === 200 && ['1', '2'].includes(response.body.model_version.version))).toBe(true);
    } finally {
      await registry.close();
    }
  });

  test('the same param logged by many writers at once is stored once, without errors', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { poolSize: 12 });
    try {
      const { body } = await callApi<{ run: { info: { run_id: string } } }>(registry.app, 'POST', '/runs/create', { experiment_id: '0' });
      const responses = await Promise.all(
        Array.from({ length: 24 }, () => callApi(registry.app, 'POST', '/runs/log-batch', { run_id: body.run.info.run_id, params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '6' }] })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 24 }, () => 200));
      const { rows } = await registry.pool.query('SELECT key, value FROM params ORDER BY key');
      expect(rows).toEqual([
        { key: 'depth', value: '6' },
        { key: 'lr', value: '0.1' },
      ]);
    } finally {
      await registry.close();
    }
  });
});
