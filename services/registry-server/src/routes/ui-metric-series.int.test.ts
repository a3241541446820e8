import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { WRITER, callApi, startTestRegistry } from '../testing/registry-harness.js';

async function runWithHistory(
  app: Parameters<typeof callApi>[0],
  experimentId: string,
  steps: number,
  value: (step: number) => number | string,
) {
  const { body } = await callApi<{ run: { info: { run_id: string } } }>(
    app,
    'POST',
    '/runs/create',
    { experiment_id: experimentId, start_time: 1_700_000_000_000 },
  );
  const runId = body.run.info.run_id;
  for (let start = 0; start < steps; start += 1000) {
    const metrics = [];
    for (let step = start; step < Math.min(steps, start + 1000); step += 1)
      metrics.push({
        key: 'loss',
        value: value(step),
        timestamp: 1_700_000_000_000 + step * 10,
        step,
      });
    const logged = await callApi(app, 'POST', '/runs/log-batch', { run_id: runId, metrics });
    expect(logged.status).toBe(200);
  }
  return runId;
}

interface SeriesBody {
  metric_key: string;
  max_points: number;
  method: string;
  series: {
    run_id: string;
    total_points: number;
    downsampled: boolean;
    steps: number[];
    timestamps: number[];
    values: (number | string)[];
  }[];
}

describe('GET /ajax-api/2.0/mlflow/metrics/get-history-downsampled', () => {
  test("answers each run's history in step order, downsampled to max_points with the spike kept, and says so", async ({
    pg,
  }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const { body: created } = await callApi<{ experiment_id: string }>(
        registry.app,
        'POST',
        '/experiments/create',
        { name: 'charts' },
      );
      const long = await runWithHistory(registry.app, created.experiment_id, 5000, (step) =>
        step === 3210 ? 99 : 1 / (step + 1),
      );
      const short = await runWithHistory(registry.app, created.experiment_id, 3, (step) =>
        step === 1 ? 'NaN' : step,
      );

      const response = await registry.app.inject({
        method: 'GET',
        url: `/ajax-api/2.0/mlflow/metrics/get-history-downsampled?run_ids=${long}&run_ids=${short}&run_ids=unknown-run&metric_key=loss&max_points=500`,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json<SeriesBody>();
      expect(body).toMatchObject({ metric_key: 'loss', max_points: 500, method: 'min-max' });
      const [longSeries, shortSeries, unknown] = body.series;
      expect(longSeries).toMatchObject({ run_id: long, total_points: 5000, downsampled: true });
      expect(longSeries!.steps.length).toBeLessThanOrEqual(500);
      expect(longSeries!.steps[0]).toBe(0);
      expect(longSeries!.steps.at(-1)).toBe(4999);
      expect(longSeries!.values[longSeries!.steps.indexOf(3210)]).toBe(99);
      expect(longSeries!.timestamps[longSeries!.steps.indexOf(3210)]).toBe(1_700_000_032_100);
      expect(shortSeries).toEqual({
        run_id: short,
        total_points: 3,
        downsampled: false,
        steps: [0, 1, 2],
        timestamps: [1_700_000_000_000, 1_700_000_000_010, 1_700_000_000_020],
        values: [0, 'NaN', 2],
      });
      expect(unknown).toEqual({
        run_id: 'unknown-run',
        total_points: 0,
        downsampled: false,
        steps: [],
        timestamps: [],
        values: [],
      });
    } finally {
      await registry.close();
    }
  });

  test('answers 400 INVALID_PARAMETER_VALUE naming max_points when it is too small, and the missing metric_key', async ({
    pg,
  }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const tooSmall = await registry.app.inject({
        method: 'GET',
        url: '/api/2.0/mlflow/metrics/get-history-downsampled?run_ids=a&metric_key=loss&max_points=3',
      });
      expect(tooSmall.statusCode).toBe(400);
      expect(tooSmall.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(tooSmall.json<{ message: string }>().message).toContain("'max_points'");
      const missing = await registry.app.inject({
        method: 'GET',
        url: '/api/2.0/mlflow/metrics/get-history-downsampled?run_ids=a',
      });
      expect(missing.json<{ message: string }>().message).toContain(
        "Missing value for required parameter 'metric_key'",
      );
    } finally {
      await registry.close();
    }
  });

  test('needs a token when the registry protects reads', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { auth: { protectReads: true } });
    try {
      const url = '/ajax-api/2.0/mlflow/metrics/get-history-downsampled?run_ids=a&metric_key=loss';
      expect((await registry.app.inject({ method: 'GET', url })).statusCode).toBe(401);
      expect((await registry.app.inject({ method: 'GET', url, headers: WRITER })).statusCode).toBe(
        200,
      );
    } finally {
      await registry.close();
    }
  });
});

describe('the UI beside the API', () => {
  test("leaves MLflow's answers, docs, metrics and probes as they were", async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const unknownApi = await registry.app.inject({
        method: 'GET',
        url: '/api/2.0/mlflow/experiments/nope',
      });
      expect(unknownApi.statusCode).toBe(404);
      expect(unknownApi.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
      const unknownAjax = await registry.app.inject({
        method: 'GET',
        url: '/ajax-api/2.0/mlflow/runs/nope',
      });
      expect(unknownAjax.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
      expect(
        (await registry.app.inject({ method: 'GET', url: '/docs/json' })).json(),
      ).toMatchObject({ openapi: '3.1.0' });
      expect((await registry.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await registry.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await registry.app.inject({ method: 'GET', url: '/metrics' })).body).toContain(
        'registry_server_',
      );
      const documented = (await registry.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        paths: Record<string, unknown>;
      }>().paths;
      expect(Object.keys(documented)).toContain('/api/2.0/mlflow/metrics/get-history-downsampled');
      expect(
        Object.keys(documented).some(
          (path) => path.startsWith('/experiments') || path.startsWith('/assets'),
        ),
      ).toBe(false);
    } finally {
      await registry.close();
    }
  });
});
