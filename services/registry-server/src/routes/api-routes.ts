// The OpenAPI fields of route schemas (operationId, summary, tags, hide) come from @fastify/swagger.
import type {} from '@fastify/swagger';
import {
  MlflowErrorBody,
  REGISTRY_API_PREFIXES,
  REGISTRY_OPERATIONS,
  inlineObjectSchema,
  type RegistryApi,
  type RegistryOperation,
  type RegistryOperationName,
} from '@payments-mlops/contracts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { checkNoNulCharacters } from '../domain/validation.js';
import { requireAccess, type createAuthorizer } from './auth.js';
import { handleMlflowError, handleMlflowNotFound } from './mlflow-errors.js';

export interface ApiRoutesOptions {
  registry: RegistryApi;
  authorize: ReturnType<typeof createAuthorizer>;
}

const ERROR_RESPONSES = { 400: MlflowErrorBody, 404: MlflowErrorBody, 409: MlflowErrorBody, 503: MlflowErrorBody };


/**
 * Every JSON operation of REGISTRY_OPERATIONS under one prefix (/api/2.0 or /ajax-api/2.0). GET
 * operations read their request from the query string, the others from a JSON body (DELETE too,
 * as MLflow's client sends it); an absent body is an empty request, as MLflow reads it.
 */
function operationRoutes(prefix: string, { registry, authorize }: ApiRoutesOptions): FastifyPluginAsync {
  return (app: FastifyInstance) => {
    app.setErrorHandler(handleMlflowError);
    app.setNotFoundHandler(handleMlflowNotFound);
    // Responses are built from contracts types by the stores; zod re-validation of a 1,000-run
    // search page would cost more than the query. The client and the tests check the shapes.
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));

    for (const [name, operation] of Object.entries(REGISTRY_OPERATIONS) as [RegistryOperationName, RegistryOperation][]) {
      const handler = registry[name] as (request: unknown) => Promise<unknown>;
      const auth = authorize.docs(operation.access);
      for (const [index, method] of operation.methods.entries()) {
        const input = method === 'GET' ? 'querystring' : 'body';
        app.route({
          method,
          url: operation.path,
          schema: {
            operationId: index === 0 ? name : `${name}_${method.toLowerCase()}`,
            summary: operation.summary,
            tags: [operation.path.split('/')[2] ?? 'registry'],
            hide: prefix !== REGISTRY_API_PREFIXES[0],
            // Query parameters are listed one by one in OpenAPI, so their schema is inlined, not a $ref.
            [input]: input === 'querystring' ? inlineObjectSchema(operation.request) : operation.request,
            response: { 200: operation.response, ...ERROR_RESPONSES, ...auth.response },
            ...(auth.security ? { security: auth.security } : {}),
          },
          preValidation: (request, _reply, done) => {
            if (input === 'body' && (request.body === undefined || request.body === null)) request.body = {};
            done();
          },
          // Before the body is read: an unauthenticated write gets 401, whatever it sent.
          onRequest: requireAccess(authorize, operation.access),
          handler: (request) => {
            const parsed = input === 'body' ? request.body : request.query;
            checkNoNulCharacters(parsed);
            return handler(parsed);
          },
        });
      }
    }
    return Promise.resolve();
  };
}

export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (app, options) => {
  for (const prefix of REGISTRY_API_PREFIXES) await app.register(operationRoutes(prefix, options), { prefix });
};
