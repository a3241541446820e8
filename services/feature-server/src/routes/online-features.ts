import { ErrorBody, GetOnlineFeaturesRequest, GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import { readOnlineFeatures, type OnlineStoreReader, type RegistryCache } from '@payments-mlops/feature-store';
import { QUIET_REQUEST_LOG } from '@payments-mlops/service-kit';
import { validatorCompiler, type FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { FeastResponseWriter } from '../domain/feast-response.js';
import { OnlineRequestCheck } from '../domain/online-request-check.js';
import { ReadPlanCache } from '../domain/read-plans.js';

export interface OnlineFeatureRouteOptions {
  registry: RegistryCache;
  store: OnlineStoreReader;
  clock: () => number;
}

export const onlineFeatureRoutes: FastifyPluginCallbackZod<OnlineFeatureRouteOptions> = (app, { registry, store, clock }, done) => {
  const plans = new ReadPlanCache();
  const answers = new FeastResponseWriter();
  const requests = new OnlineRequestCheck();
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
      // The contract's zod schema documents the body and judges every request the quick check
      // does not accept, so a bad request gets the same 400 as on any other route.
      validatorCompiler: (route) => {
        const contract = validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
        if (route.httpPart !== 'body') return contract;
        return (body) => {
          const accepted = requests.accept(body);
          return accepted === undefined ? contract(body) : { value: accepted };
        };
      },
      // Thousands of reads a second: logged only when they fail or are slow.
      ...QUIET_REQUEST_LOG,
    },
    async (request, reply) => {
      const catalog = registry.catalog();
      const { entities, full_feature_names: fullFeatureNames } = request.body;
      const plan = plans.planFor(catalog, request.body);
      const columns = await readOnlineFeatures(store, plan, { entities }, clock());
      const joinKeys = Object.keys(entities).filter((name) => catalog.entitiesByJoinKey.has(name));
      // The hot path: the answer is written as JSON bytes straight from the read columns (the
      // response schema still documents it in /docs); fastify sends a buffer as it is, without the
      // serializer (hence the cast: the bytes are that type, serialized). Error bodies go through
      // the shared error handler as usual.
      const json = answers.write(entities, joinKeys, columns, fullFeatureNames);
      // A large answer's buffer is the writer's own: it comes back once the answer has been sent
      // (the response closes when its last byte has left, or its connection is gone).
      if (answers.isLent(json)) reply.raw.once('close', () => answers.release(json));
      return reply.type('application/json; charset=utf-8').send(json as unknown as GetOnlineFeaturesResponse);
    },
  );
  done();
};
