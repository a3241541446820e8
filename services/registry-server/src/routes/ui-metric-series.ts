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

/** One run's history of one metric, in MLflow's history order (step, timestamp, value). */
export interface MetricHistory {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

const EMPTY_HISTORY: MetricHistory = {
  steps: new Float64Array(0),
  timestamps: new Float64Array(0),
  values: new Float64Array(0),
};

/** Bytes per point as Postgres packs it below: step, timestamp and value as big-endian float8. */
const POINT_BYTES = 24;

/**
 * Unpacks the bytes of one run's history. Packing in Postgres makes a 100,000-point history one
 * value per run instead of 100,000 rows to parse, the slow part of reading it (about half the
 * request's time on a busy machine).
 */
export function unpackHistory(packed: Buffer): MetricHistory {
  const count = packed.length / POINT_BYTES;
  const history: MetricHistory = {
    steps: new Float64Array(count),
    timestamps: new Float64Array(count),
    values: new Float64Array(count),
  };
  for (let i = 0, offset = 0; i < count; i += 1, offset += POINT_BYTES) {
    history.steps[i] = packed.readDoubleBE(offset);
    history.timestamps[i] = packed.readDoubleBE(offset + 8);
    history.values[i] = packed.readDoubleBE(offset + 16);
  }
  return history;
}

/** Every value of `metricKey` for each run that logged it. */
async function readHistories(
  pool: pg.Pool,
  runIds: readonly string[],
  metricKey: string,
): Promise<Map<string, MetricHistory>> {
  // Steps and timestamps as float8 are exact below 2^53 (milliseconds until the year 287,396).
  const { rows } = await pool.query<[runId: string, packed: Buffer]>({
    text: `SELECT m.run_uuid,
                  string_agg(float8send(m.step::float8) || float8send(m.timestamp::float8) || float8send(m.value), ''::bytea
                             ORDER BY m.step, m.timestamp, m.value)
           FROM metrics m WHERE m.run_uuid = ANY($1) AND m.key = $2 GROUP BY m.run_uuid`,
    values: [runIds, metricKey],
    rowMode: 'array',
  });
  return new Map(rows.map(([runId, packed]) => [runId, unpackHistory(packed)]));
}

/** The points of a history a chart needs: all of them, or at most `maxPoints` chosen by minMaxIndices. */
export function metricSeries(
  runId: string,
  history: MetricHistory,
  maxPoints: number,
): MetricSeries {
  const kept = minMaxIndices(history.values, maxPoints);
  const series: MetricSeries = {
    run_id: runId,
    total_points: history.values.length,
    downsampled: kept.length < history.values.length,
    steps: new Array<number>(kept.length),
    timestamps: new Array<number>(kept.length),
    values: new Array<MetricSeries['values'][number]>(kept.length),
  };
  for (let i = 0; i < kept.length; i += 1) {
    const index = kept[i]!;
    series.steps[i] = history.steps[index]!;
    series.timestamps[i] = history.timestamps[index]!;
    series.values[i] = doubleToWire(history.values[index]!);
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
          series: runIds.map((runId) =>
            metricSeries(runId, histories.get(runId) ?? EMPTY_HISTORY, maxPoints),
          ),
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
