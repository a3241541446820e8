import { INFERENCE_API_INFO, INFERENCE_ROUTES } from './inference-routes.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { REGISTRY_API_INFO, REGISTRY_SECURITY_SCHEMES, registryRouteDefinitions } from './registry/routes.js';

/**
 * The OpenAPI documents committed under `packages/contracts/openapi/`, by file name. Add a
 * service's route table here and `openapi:generate` writes it, `openapi:check` guards it.
 */
export const OPENAPI_DOCUMENTS: Readonly<Record<string, () => OpenApiDocument>> = {
  'inference.openapi.json': () =>
    buildOpenApiDocument(INFERENCE_ROUTES, INFERENCE_API_INFO, {
      servers: [{ url: 'http://127.0.0.1:8002', description: 'ml-serving on a local machine' }],
    }),
  'registry.openapi.json': () =>
    buildOpenApiDocument(registryRouteDefinitions(), REGISTRY_API_INFO, {
      servers: [{ url: 'http://127.0.0.1:5000', description: 'registry-server on a local machine' }],
      securitySchemes: REGISTRY_SECURITY_SCHEMES,
    }),
};

/** The committed form: stable key order from the route tables, two-space indent, final newline. */
export function serializeOpenApiDocument(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
