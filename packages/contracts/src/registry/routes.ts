import { ListProxiedArtifactsRequest, ListProxiedArtifactsResponse } from './artifacts-api.js';
import { MlflowErrorBody } from './errors.js';
import { ARTIFACTS_PATH, REGISTRY_OPERATIONS, type RegistryOperation } from './operations.js';
import type { RouteDefinition } from '../route-table.js';
import { z } from 'zod';

export const REGISTRY_API_INFO = {
  title: 'registry-server',
  version: '2.0',
  description:
    "MLflow's REST API 2.0 (tracking and model registry) on Postgres, with model version lineage. The same routes answer under " +
    `/ajax-api/2.0 for the web UI. Artifact bytes stream through ${ARTIFACTS_PATH}/<path> (GET downloads, PUT uploads, DELETE deletes).`,
};

const ERRORS = {
  400: { description: "INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS or BAD_REQUEST: MLflow's {error_code, message}", schema: MlflowErrorBody },
  404: { description: 'RESOURCE_DOES_NOT_EXIST or ENDPOINT_NOT_FOUND', schema: MlflowErrorBody },
  409: { description: 'INVALID_STATE: the request conflicts with the resource\'s state, e.g. renaming a deleted experiment', schema: MlflowErrorBody },
  503: { description: 'TEMPORARILY_UNAVAILABLE: the registry database cannot be reached; retry later', schema: MlflowErrorBody },
};

/** How a client presents its token: what `security` names in the registry's documents. */
export const REGISTRY_SECURITY_SCHEMES = {
  registryToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A write token (REGISTRY_WRITE_TOKENS) for writes; reads are open unless the server protects them (a read token then). ' +
      "HTTP Basic with the token as password works too, as MLflow's client sends MLFLOW_TRACKING_USERNAME/PASSWORD.",
  },
} as const;

/** What an operation that needs the token (every write; reads where protected) names as its OpenAPI security. */
export const REGISTRY_TOKEN_SECURITY: { registryToken: never[] }[] = [{ registryToken: [] }];

/** The answers of a request without the right token: plain text, as MLflow's auth app answers. */
export const REGISTRY_AUTH_RESPONSES = {
  401: { description: 'No token, or one the server does not know (plain text; `WWW-Authenticate: Bearer`)', schema: z.string(), mediaType: 'text/plain' },
  403: { description: 'A read token on a write (plain text)', schema: z.string(), mediaType: 'text/plain' },
} as const;

/** The same object schema without its component name: query parameters are listed one by one. */
export function inlineObjectSchema(schema: z.ZodType): z.ZodObject {
  if (!(schema instanceof z.ZodObject)) throw new Error('a GET request schema must be an object');
  return z.object(schema.shape);
}

/**
 * The registry's API as route definitions, for the OpenAPI document under packages/contracts/openapi
 * (`buildOpenApiDocument(registryRouteDefinitions(), REGISTRY_API_INFO)`).
 */
export function registryRouteDefinitions(): RouteDefinition[] {
  const routes: RouteDefinition[] = [];
  for (const [name, operation] of Object.entries(REGISTRY_OPERATIONS) as [string, RegistryOperation][]) {
    for (const [index, method] of operation.methods.entries()) {
      routes.push({
        method,
        path: `/api/2.0${operation.path}`,
        operationId: index === 0 ? name : `${name}_${method.toLowerCase()}`,
        summary: operation.summary,
        description: operation.access === 'write' ? 'Needs a write token (Authorization: Bearer).' : 'Open, unless the server protects reads.',
        tags: [operation.path.split('/')[2] ?? 'registry'],
        ...(method === 'GET' ? { querystring: inlineObjectSchema(operation.request) } : { body: operation.request }),
        responses:
          operation.access === 'write'
            ? { 200: { description: 'OK', schema: operation.response }, ...ERRORS, ...REGISTRY_AUTH_RESPONSES }
            : { 200: { description: 'OK', schema: operation.response }, ...ERRORS },
        ...(operation.access === 'write' ? { security: REGISTRY_TOKEN_SECURITY } : {}),
      });
    }
  }
  routes.push({
    method: 'GET',
    path: ARTIFACTS_PATH,
    operationId: 'listProxiedArtifacts',
    summary: 'List the artifacts under a path of the artifact proxy',
    tags: ['mlflow-artifacts'],
    querystring: inlineObjectSchema(ListProxiedArtifactsRequest),
    responses: { 200: { description: 'OK', schema: ListProxiedArtifactsResponse }, 400: ERRORS[400] },
  });
  return routes;
}
