import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { callApi, startTestRegistry, type TestRegistry } from '../testing/registry-harness.js';

interface RunBody {
  run: { info: { run_id: string; status: string; end_time?: number; run_name?: string }; data: { metrics?: { key: string; value: unknown }[]; tags?: { key: string; value: string }[] } };
}

async function newRun(registry: TestRegistry, request: Record<string, unknown> = {}): Promise<string> {
  const { body } = await callApi<RunBody>(registry.app, 'POST', '/runs/create', { experiment_id: '0', ...request });
  return body.run.info.run_id;
}

describe('runs API', () => {
  test('creates a run with MLflow\'s fields: RUNNING, a generated name, its name tag, unset fields left out', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const { status, body } = await callApi<RunBody & { run: { info: Record<string, unknown> } }>(registry.app, 'POST', '/runs/create', { experiment_id: '0', start_time: 1234 });
      expect(status).toBe(200);
      const { info, data } = body.run;
      expect(info).toMatchObject({ experiment_id: '0', user_id: '', status: 'RUNNING', start_time: 1234, lifecycle_stage: 'active' });
      expect(info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(info.run_uuid).toBe(info.run_id);
      expect(info.artifact_uri).toBe(`mlflow-artifacts:/0/${String(info.run_id)}/artifacts`);
      expect(info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect('end_time' in info).toBe(false);
      expect(data).toEqual({ tags: [{ key: 'mlflow.runName', value: info.run_name }] });
      expect(body.run).toHaveProperty('inputs', {});
    } finally {
      await registry.close();
    }
  });

  test('ends a run through update, with a status given by name or by protobuf number', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      const finished = await callApi(registry.app, 'POST', '/runs/update', { run_id: runId, status: 'FINISHED', end_time: 99 });
      expect(finished.body).toMatchObject({ run_info: { status: 'FINISHED', end_time: 99 } });
      const killed = await callApi(registry.app, 'POST', '/runs/update', { run_uuid: runId, status: 5, run_name: 'renamed' });
      expect(killed.body).toMatchObject({ run_info: { status: 'KILLED', run_name: 'renamed' } });
      const { body } = await callApi<RunBody>(registry.app, 'GET', '/runs/get', { run_id: runId });
      expect(body.run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
    } finally {
      await registry.close();
    }
  });

  test('names the failing field of a log-batch, as MLflow does', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      const missingValue = await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, metrics: [{ key: 'a', value: 1, timestamp: 1 }, { key: 'b', timestamp: 1 }] });
      expect(missingValue.status).toBe(400);
      expect(missingValue.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(String((missingValue.body as { message: string }).message)).toContain("'metrics[1].value'");

      const badKey = await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, params: [{ key: '../escape', value: 'x' }] });
      expect(badKey.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(String((badKey.body as { message: string }).message)).toContain("'params[0].key'");
    } finally {
      await registry.close();
    }
  });

  test("enforces MLflow's batch limits: 1000 metrics, 100 params, 100 tags, unique param keys", async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      const metrics = (n: number) => Array.from({ length: n }, (_, step) => ({ key: 'loss', value: step, timestamp: 1, step }));
      expect((await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, metrics: metrics(1000) })).status).toBe(200);
      const tooMany = await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, metrics: metrics(1001) });
      expect(tooMany.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
      });
      const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
      expect((await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, params })).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      const duplicate = await callApi(registry.app, 'POST', '/runs/log-batch', { run_id: runId, params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] });
      expect(String((duplicate.body as { message: string }).message)).toContain('Duplicate parameter keys have been submitted');
      expect((await callApi(registry.app, 'GET', '/metrics/get-history', { run_id: runId, metric_key: 'loss' })).body).toMatchObject({ metrics: expect.any(Array) });
      for (const max_results of [0, -5]) {
        expect(await callApi(registry.app, 'GET', '/metrics/get-history', { run_id: runId, metric_key: 'loss', max_results })).toMatchObject({
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining(`Invalid value ${max_results} for parameter 'max_results'`) },
        });
      }
    } finally {
      await registry.close();
    }
  });

  test('writes NaN and infinite metric values as protobuf-JSON strings', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      await callApi(registry.app, 'POST', '/runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'nan', value: 'NaN', timestamp: 1 },
          { key: 'inf', value: 'Infinity', timestamp: 1 },
          { key: 'neg', value: '-Infinity', timestamp: 1 },
        ],
      });
      const { body } = await callApi<RunBody>(registry.app, 'GET', '/runs/get', { run_id: runId });
      expect(body.run.data.metrics).toEqual([
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'neg', value: '-Infinity', timestamp: 1, step: 0 },
      ]);
    } finally {
      await registry.close();
    }
  });

  test('refuses to log to a deleted run, and to create runs in a deleted experiment', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      await callApi(registry.app, 'POST', '/runs/delete', { run_id: runId });
      const logged = await callApi(registry.app, 'POST', '/runs/log-metric', { run_id: runId, key: 'a', value: 1, timestamp: 1 });
      expect(logged.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: `The run ${runId} must be in the 'active' state. Current state is deleted.` });

      const { body } = await callApi<{ experiment_id: string }>(registry.app, 'POST', '/experiments/create', { name: 'gone' });
      await callApi(registry.app, 'POST', '/experiments/delete', { experiment_id: body.experiment_id });
      const created = await callApi(registry.app, 'POST', '/runs/create', { experiment_id: body.experiment_id });
      expect(created.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    } finally {
      await registry.close();
    }
  });

  test('answers unknown runs, experiments and tags with RESOURCE_DOES_NOT_EXIST and status 404', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      expect(await callApi(registry.app, 'GET', '/runs/get', { run_id: 'f'.repeat(32) })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect(await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: 'abc' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      const runId = await newRun(registry);
      expect(await callApi(registry.app, 'POST', '/runs/delete-tag', { run_id: runId, key: 'nope' })).toMatchObject({ status: 404 });
    } finally {
      await registry.close();
    }
  });

  test('search orders runs missing the metric, and NaN, after every value in both directions', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const values: Record<string, number | string | undefined> = { a: 0.5, b: 'NaN', c: undefined, d: 0.9 };
      for (const [name, value] of Object.entries(values)) {
        const runId = await newRun(registry, { run_name: name });
        if (value !== undefined) await callApi(registry.app, 'POST', '/runs/log-metric', { run_id: runId, key: 'auc', value, timestamp: 1 });
      }
      const names = async (order: string) =>
        ((await callApi<{ runs: RunBody['run'][] }>(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'], order_by: [order] })).body.runs ?? []).map((run) => run.info.run_name);
      expect(await names('metrics.auc DESC')).toEqual(['d', 'a', 'b', 'c']);
      expect(await names('metrics.auc ASC')).toEqual(['a', 'd', 'b', 'c']);
      const filtered = await callApi<{ runs?: unknown[] }>(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'], filter: 'metrics.auc > 0' });
      expect(filtered.body.runs).toHaveLength(2);
    } finally {
      await registry.close();
    }
  });

  test('answers an empty search with {} and a malformed filter with INVALID_PARAMETER_VALUE', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      expect((await callApi(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'] })).body).toEqual({});
      const bad = await callApi(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'], filter: "params.lr = '0.1' OR params.lr = '0.2'" });
      expect(bad).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
      const tooMany = await callApi(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'], max_results: 50_001 });
      expect(tooMany.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    } finally {
      await registry.close();
    }
  });

  test('searches by dataset inputs logged with log-inputs', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const runId = await newRun(registry);
      await newRun(registry);
      const dataset = { name: 'fraud-train', digest: 'abc123', source_type: 'feature-store', source: '{"uri": "s3://snapshots/1"}' };
      await callApi(registry.app, 'POST', '/runs/log-inputs', { run_id: runId, datasets: [{ dataset, tags: [{ key: 'mlflow.data.context', value: 'training' }] }] });
      const found = await callApi<{ runs: RunBody['run'][] }>(registry.app, 'POST', '/runs/search', {
        experiment_ids: ['0'],
        filter: "datasets.name = 'fraud-train' AND datasets.context = 'training'",
      });
      expect(found.body.runs.map((run) => run.info.run_id)).toEqual([runId]);
    } finally {
      await registry.close();
    }
  });

  test('serves the same operations under /ajax-api for the web UI, and ENDPOINT_NOT_FOUND elsewhere', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const ajax = await registry.app.inject({ method: 'GET', url: '/ajax-api/2.0/mlflow/experiments/get', query: { experiment_id: '0' } });
      expect(ajax.json()).toMatchObject({ experiment: { name: 'Default' } });
      const missing = await registry.app.inject({ method: 'GET', url: '/api/2.0/mlflow/runs/no-such-thing' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
      const wrongType = await registry.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: 'name=x', headers: { authorization: 'Bearer test-write-token-0123456789', 'content-type': 'application/x-www-form-urlencoded' } });
      expect(wrongType.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." });
    } finally {
      await registry.close();
    }
  });
});
