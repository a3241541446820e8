import { ErrorBody, GetOnlineFeaturesRequest, GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import { readOnlineFeatures, type OnlineStoreReader, type RegistryCache } from '@payments-mlops/feature-store';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { feastResponse } from '../domain/feast-response.js';
import { ReadPlanCache } from '../domain/read-plans.js';

export interface OnlineFeatureRouteOptions {
  registry: RegistryCache;
  store: OnlineStoreReader;
  clock: () => number;
}

export const onlineFeatureRoutes: FastifyPluginCallbackZod<OnlineFeatureRouteOptions> = (app, { registry, store, clock }, done) => {
  const plans = new ReadPlanCache();
  app.post(
    '/get-online-features',
    {
      schema: {
        tags: ['features'],
        summary: 'Read online features (Feast-compatible)',
        description:
          'Features by reference (`view:feature`) or by feature service, for the given entity keys, with request fields for ' +
          'on-demand features. Answers column-oriented as Feast does: the entity keys first, then per feature its values, ' +
          'statuses (PRESENT, NOT_FOUND, NULL_VALUE, OUTSIDE_MAX_AGE) and event timestamps. One Redis round trip per request.',
        body: GetOnlineFeaturesRequest,
        response: { 200: GetOnlineFeaturesResponse, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
      // The hot path: the answer is built from the read plan's own typed values, so it is written
      // with JSON.stringify instead of being validated against the response schema again (which
      // still documents it in /docs). Error bodies go through the shared error handler as usual.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request) => {
      const catalog = registry.catalog();
      const { entities, full_feature_names: fullFeatureNames } = request.body;
      const plan = plans.planFor(catalog, request.body);
      const columns = await readOnlineFeatures(store, plan, { entities }, clock());
      const joinKeys = Object.keys(entities).filter((name) => catalog.entitiesByJoinKey.has(name));
      return feastResponse(entities, joinKeys, columns, fullFeatureNames);
    },
  );
  done();
};
