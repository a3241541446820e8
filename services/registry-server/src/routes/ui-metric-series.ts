// The OpenAPI fields of route schemas (operationId, summary, tags, hide) come from @fastify/swagger.
import type {} from '@fastify/swagger';
import {
  GetMetricSeriesRequest,
  GetMetricSeriesResponse,
  METRIC_SERIES_LIMITS,
  METRIC_SERIES_PATH,
  MlflowErrorBody,
  REGISTRY_API_PREFIXES,
  doubleToWire,
  type MetricSeries,
} from '@payments-mlops/contracts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { requireAccess, type createAuthorizer } from './auth.js';
import { handleMlflowError } from './mlflow-errors.js';
import { minMaxIndices } from './ui-downsample.js';

export interface MetricSeriesRoutesOptions {
  pool: pg.Pool;
  authorize: ReturnType<typeof createAuthorizer>;
}

/** Rows as arrays: a 100,000-point history parses several times faster than as objects. */
type MetricRow = [runId: string, step: string, timestamp: string, value: number];

/** Every value of `metricKey` for each run, in MLflow's history order (step, timestamp, value). */
async function readHistories(pool: pg.Pool, runIds: readonly string[], metricKey: string) {
  const { rows } = await pool.query<MetricRow>({
    // Qualified: a bare `step` in ORDER BY would name the text output column and sort "999" after "4999".
    text: `SELECT m.run_uuid, m.step::text, m.timestamp::text, m.value FROM metrics m
           WHERE m.run_uuid = ANY($1) AND m.key = $2 ORDER BY m.run_uuid, m.step, m.timestamp, m.value`,
    values: [runIds, metricKey],
    rowMode: 'array',
  });
  const byRun = new Map<string, MetricRow[]>();
  for (const row of rows) {
    const history = byRun.get(row[0]);
    if (history) history.push(row);
    else byRun.set(row[0], [row]);
  }
  return byRun;
}

export function metricSeries(
  runId: string,
  history: readonly MetricRow[],
  maxPoints: number,
): MetricSeries {
  const values = Float64Array.from(history, (row) => row[3]);
  const kept = minMaxIndices(values, maxPoints);
  const series: MetricSeries = {
    run_id: runId,
    total_points: history.length,
    downsampled: kept.length < history.length,
    steps: new Array<number>(kept.length),
    timestamps: new Array<number>(kept.length),
    values: new Array<MetricSeries['values'][number]>(kept.length),
  };
  for (let i = 0; i < kept.length; i += 1) {
    const row = history[kept[i]!]!;
    series.steps[i] = Number(row[1]);
    series.timestamps[i] = Number(row[2]);
    series.values[i] = doubleToWire(values[kept[i]!]!);
  }
  return series;
}

function metricSeriesRoutes(
  prefix: string,
  { pool, authorize }: MetricSeriesRoutesOptions,
): FastifyPluginAsync {
  return (app: FastifyInstance) => {
    app.setErrorHandler(handleMlflowError);
    // The response is built here from typed rows; re-validating 200,000 numbers would cost more than the query.
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    app.get(METRIC_SERIES_PATH, {
      schema: {
        operationId: 'getMetricHistoryDownsampled',
        summary:
          'One metric of several runs, each history downsampled to at most max_points (min and max per bucket)',
        tags: ['metrics'],
        hide: prefix !== REGISTRY_API_PREFIXES[0],
        querystring: GetMetricSeriesRequest,
        response: { 200: GetMetricSeriesResponse, 400: MlflowErrorBody, 503: MlflowErrorBody },
      },
      onRequest: requireAccess(authorize, 'read'),
      handler: async (request) => {
        const {
          run_ids: runIds,
          metric_key: metricKey,
          max_points: maxPoints = METRIC_SERIES_LIMITS.defaultMaxPoints,
        } = request.query as GetMetricSeriesRequest;
        const histories = await readHistories(pool, runIds, metricKey);
        const response: GetMetricSeriesResponse = {
          metric_key: metricKey,
          max_points: maxPoints,
          method: 'min-max',
          series: runIds.map((runId) => metricSeries(runId, histories.get(runId) ?? [], maxPoints)),
        };
        return response;
      },
    });
    return Promise.resolve();
  };
}

/** GET .../mlflow/metrics/get-history-downsampled under /api/2.0 and /ajax-api/2.0. */
export const uiMetricSeriesRoutes: FastifyPluginAsync<MetricSeriesRoutesOptions> = async (
  app,
  options,
) => {
  for (const prefix of REGISTRY_API_PREFIXES)
    await app.register(metricSeriesRoutes(prefix, options), { prefix });
};
