import { describe, expect, test } from 'vitest';
import { buildOpenApiDocument } from '../openapi.js';
import { REGISTRY_API_INFO, registryRouteDefinitions } from './routes.js';

describe('registry route definitions', () => {
  test('build an OpenAPI document with every operation and its schemas', () => {
    const document = buildOpenApiDocument(registryRouteDefinitions(), REGISTRY_API_INFO);
    expect(document.paths['/api/2.0/mlflow/runs/log-batch']?.post?.operationId).toBe('logBatch');
    expect(document.paths['/api/2.0/mlflow/experiments/search']?.get?.operationId).toBe('searchExperiments_get');
    expect(document.paths['/api/2.0/mlflow/model-versions/get-lineage']?.get?.parameters?.map((p) => p.name)).toEqual(['name', 'version']);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Run', 'ModelVersion', 'MlflowErrorBody', 'ModelVersionLineage']));
  });
});
