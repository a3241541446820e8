// The OpenAPI fields of route schemas (operationId, summary, tags) come from @fastify/swagger.
import type {} from '@fastify/swagger';
import { DriftReport, MlflowErrorBody, ModelVersionPathParams, PerformanceReport, Timestamp } from '@payments-mlops/contracts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ModelMonitorClient } from '../stores/monitoring/model-monitor-client.js';
import { requireAccess, type createAuthorizer } from './auth.js';
import { handleMlflowError, handleMlflowNotFound } from './mlflow-errors.js';

/** Where the UI reads model-monitor's reports through the registry (same origin, same token). */
export const MONITORING_PROXY_PREFIX = '/ajax-api/monitoring';

export interface MonitoringProxyOptions {
  monitor: ModelMonitorClient;
  authorize: ReturnType<typeof createAuthorizer>;
}

const WindowQuery = z
  .object({
    from: Timestamp.optional().describe("Start of the window; model-monitor's default span by default."),
    to: Timestamp.optional().describe('End of the window (exclusive); now by default.'),
  })
  .describe('The report window.');

const ERROR_RESPONSES = { 400: MlflowErrorBody, 404: MlflowErrorBody, 500: MlflowErrorBody, 503: MlflowErrorBody };

/**
 * Read-only GETs of model-monitor's drift and performance reports per model version, for the UI's
 * Monitoring tab. Answers are checked against the contracts before they are passed on; a monitor
 * that is down or slow is a 503 naming where it was looked for, never a hang or a bare 500.
 */
export const monitoringProxyRoutes: FastifyPluginAsync<MonitoringProxyOptions> = async (app, { monitor, authorize }) => {
  await app.register(
    (scope: FastifyInstance) => {
      scope.setErrorHandler(handleMlflowError);
      scope.setNotFoundHandler(handleMlflowNotFound);
      // The client has validated the answer against the same schema.
      scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
      const reports = [
        { report: 'drift', schema: DriftReport, summary: "A model version's drift against its reference profile, from model-monitor" },
        { report: 'performance', schema: PerformanceReport, summary: "A model version's realized and estimated performance, from model-monitor" },
      ] as const;
      const readDocs = authorize.docs('read');
      for (const { report, schema, summary } of reports) {
        scope.get(`/models/:name/versions/:version/${report}`, {
          schema: {
            operationId: `getMonitoring${report === 'drift' ? 'Drift' : 'Performance'}`,
            summary,
            tags: ['monitoring'],
            params: ModelVersionPathParams,
            querystring: WindowQuery,
            response: { 200: schema, ...ERROR_RESPONSES, ...readDocs.response },
            ...(readDocs.security ? { security: readDocs.security } : {}),
          },
          onRequest: requireAccess(authorize, 'read'),
          handler: (request) => {
            const { name, version } = request.params as z.infer<typeof ModelVersionPathParams>;
            const window = request.query as z.infer<typeof WindowQuery>;
            return report === 'drift' ? monitor.drift(name, version, window) : monitor.performance(name, version, window);
          },
        });
      }
      return Promise.resolve();
    },
    { prefix: MONITORING_PROXY_PREFIX },
  );
};
