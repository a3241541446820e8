import { DriftReport, ErrorBody, ModelVersionPathParams, PerformanceReport, Timestamp } from '@payments-mlops/contracts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModelMonitor } from '../domain/model-monitor.js';

const WindowQuerystring = z.object({
  from: Timestamp.optional().describe(
    'Start of the window (inclusive); by default the configured span before `to`.',
  ),
  to: Timestamp.optional().describe('End of the window (exclusive); now by default.'),
});

const window = (q: z.infer<typeof WindowQuerystring>) => ({
  ...(q.from ? { fromMs: Date.parse(q.from) } : {}),
  ...(q.to ? { toMs: Date.parse(q.to) } : {}),
});

export const monitoringRoutes: FastifyPluginCallbackZod<{ monitor: ModelMonitor }> = (
  app,
  { monitor },
  done,
) => {
  app.get(
    '/models/:name/versions/:version/drift',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Drift of a model version against its reference profile',
        description:
          'Per feature and class score over the window: normalised Wasserstein (numeric) or Jensen-Shannon (categorical) above 1,000 reference rows, K-S or chi-squared below; PSI; dataset drift by share of drifted features.',
        params: ModelVersionPathParams,
        querystring: WindowQuerystring,
        response: { 200: DriftReport, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    (request) => monitor.drift(request.params.name, request.params.version, window(request.query)),
  );
  app.get(
    '/models/:name/versions/:version/performance',
    {
      schema: {
        tags: ['monitoring'],
        summary:
          'Performance of a model version on labelled predictions, and its estimate before labels',
        description:
          "Realized ROC AUC, PR AUC, accuracy and calibration of the window's labelled predictions, the CBPE estimate over the recent window, and the primary metric's degradation against the version's test value.",
        params: ModelVersionPathParams,
        querystring: WindowQuerystring,
        response: { 200: PerformanceReport, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    (request) =>
      monitor.performance(request.params.name, request.params.version, window(request.query)),
  );
  done();
};
