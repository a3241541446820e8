import { ErrorBody, MaterializeIncrementalRequest, MaterializeRequest, MaterializeResponse } from '@payments-mlops/contracts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { Materializer } from '../domain/materialize-scheduler.js';

export const materializeRoutes: FastifyPluginCallbackZod<{ materializer: Materializer }> = (app, { materializer }, done) => {
  app.post(
    '/materialize',
    {
      schema: {
        tags: ['materialization'],
        summary: 'Materialize a time range (Feast-compatible)',
        description: 'Loads the offline store into the online store for [start_ts, end_ts): batch views and stream views (by replay).',
        body: MaterializeRequest,
        response: { 200: MaterializeResponse, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { start_ts: start, end_ts: end, feature_views: views } = request.body;
      return { views: await materializer.materialize(Date.parse(start), Date.parse(end), views) };
    },
  );
  app.post(
    '/materialize-incremental',
    {
      schema: {
        tags: ['materialization'],
        summary: 'Materialize since the last run (Feast-compatible)',
        description: 'Each view from the end of its last recorded materialization up to end_ts.',
        body: MaterializeIncrementalRequest,
        response: { 200: MaterializeResponse, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => ({ views: await materializer.materializeIncremental(Date.parse(request.body.end_ts), request.body.feature_views) }),
  );
  done();
};
