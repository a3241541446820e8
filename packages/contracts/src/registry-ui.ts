import { z } from 'zod';
import { DoubleOut, Int32, RequiredString, repeated } from './registry/wire.js';

/*
 * What the registry's web UI needs beyond MLflow's API: metric histories of several runs in one
 * call, downsampled on the server, so a chart of 10 runs × 10,000 steps stays fast to fetch and
 * draw. An extension in MLflow's style under /api/2.0/mlflow and /ajax-api/2.0/mlflow.
 */

export const METRIC_SERIES_PATH = '/mlflow/metrics/get-history-downsampled';

export const METRIC_SERIES_LIMITS = {
  runsPerRequest: 100,
  defaultMaxPoints: 2000,
  minMaxPoints: 16,
  maxMaxPoints: 100_000,
} as const;

export const GetMetricSeriesRequest = z
  .object({
    run_ids: repeated(RequiredString).pipe(
      z
        .array(z.string())
        .min(1, { error: 'must name at least one run' })
        .max(METRIC_SERIES_LIMITS.runsPerRequest, {
          error: `must name at most ${METRIC_SERIES_LIMITS.runsPerRequest} runs`,
        }),
    ),
    metric_key: RequiredString,
    max_points: Int32.pipe(
      z
        .number()
        .min(METRIC_SERIES_LIMITS.minMaxPoints, {
          error: `must be at least ${METRIC_SERIES_LIMITS.minMaxPoints}`,
        })
        .max(METRIC_SERIES_LIMITS.maxMaxPoints, {
          error: `must be at most ${METRIC_SERIES_LIMITS.maxMaxPoints}`,
        }),
    )
      .optional()
      .describe(`Points per run at most; ${METRIC_SERIES_LIMITS.defaultMaxPoints} by default.`),
  })
  // No OpenAPI component id: @fastify/swagger 9.9 cannot expand a named querystring schema into
  // parameters for routes registered after the MLflow routes (it answers /docs with a 500).
  .describe('Query parameters of get-history-downsampled.');
export type GetMetricSeriesRequest = z.infer<typeof GetMetricSeriesRequest>;

/** One run's history of one metric, as parallel columns in (step, timestamp) order. */
export const MetricSeries = z
  .object({
    run_id: z.string(),
    total_points: z.number().int().describe('How many values the run logged for this metric.'),
    downsampled: z.boolean().describe('Whether the columns hold fewer points than total_points.'),
    steps: z.array(z.number().int()),
    timestamps: z.array(z.number().int()),
    values: z.array(DoubleOut),
  })
  .meta({ id: 'MetricSeries' });
export type MetricSeries = z.infer<typeof MetricSeries>;

export const GetMetricSeriesResponse = z
  .object({
    metric_key: z.string(),
    max_points: z.number().int(),
    method: z
      .literal('min-max')
      .describe(
        "A long history is cut into equal runs of consecutive points, and each keeps its lowest and highest value (and the series' first and last point), so spikes survive.",
      ),
    series: z.array(MetricSeries).describe('One per requested run, in request order.'),
  })
  .meta({ id: 'GetMetricSeriesResponse' });
export type GetMetricSeriesResponse = z.infer<typeof GetMetricSeriesResponse>;
