import { describe, expect, test } from 'vitest';
import { runArtifactPath } from './artifact-client.js';
import { errorFromResponse } from './http-transport.js';
import { registryClientFromEnv } from './registry-client.js';

describe('errorFromResponse', () => {
  test("keeps MLflow's error code and message from a JSON error body", async () => {
    const error = await errorFromResponse(new Response(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found' }), { status: 404 }));
    expect(error).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found' });
  });

  test('names plain-text auth failures by their status', async () => {
    expect(await errorFromResponse(new Response('You are not authenticated.', { status: 401 }))).toMatchObject({ errorCode: 'UNAUTHENTICATED' });
    expect(await errorFromResponse(new Response('Permission denied', { status: 403 }))).toMatchObject({ errorCode: 'PERMISSION_DENIED' });
    expect(await errorFromResponse(new Response('<html>bad gateway</html>', { status: 502 }))).toMatchObject({ errorCode: 'INTERNAL_ERROR' });
  });
});

describe('runArtifactPath', () => {
  test("turns a run's mlflow-artifacts URI into a path of the artifact proxy", () => {
    expect(runArtifactPath('mlflow-artifacts:/3/abc/artifacts', 'model/model.onnx')).toBe('3/abc/artifacts/model/model.onnx');
    expect(runArtifactPath('mlflow-artifacts://registry:5000/3/abc/artifacts/', '')).toBe('3/abc/artifacts');
  });

  test('refuses artifact URIs the proxy does not serve', () => {
    expect(() => runArtifactPath('s3://bucket/3/abc/artifacts')).toThrow(/does not proxy|not an artifact URI/);
  });
});

describe('registryClientFromEnv', () => {
  test("reads MLflow's own variables", async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const fetch = ((input: URL, init?: RequestInit) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return Promise.resolve(new Response(JSON.stringify({ experiment: { experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0', lifecycle_stage: 'active' } }), { status: 200 }));
    }) as typeof globalThis.fetch;
    const client = registryClientFromEnv({ MLFLOW_TRACKING_URI: 'http://registry:5000/', MLFLOW_TRACKING_TOKEN: 'token-from-env' }, { fetch });
    await client.api.getExperiment({ experiment_id: '0' });
    expect(seen).toEqual([{ url: 'http://registry:5000/api/2.0/mlflow/experiments/get?experiment_id=0', authorization: 'Bearer token-from-env' }]);
  });
});
