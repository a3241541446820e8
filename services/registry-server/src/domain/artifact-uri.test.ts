import { describe, expect, test } from 'vitest';
import { proxiedArtifactPath } from './artifact-uri.js';

describe('proxiedArtifactPath', () => {
  test('reads mlflow-artifacts URIs with or without a host', () => {
    expect(proxiedArtifactPath('mlflow-artifacts:/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect(proxiedArtifactPath('mlflow-artifacts://registry:5000/1/abc/artifacts/')).toBe('1/abc/artifacts');
    expect(proxiedArtifactPath('mlflow-artifacts:/')).toBe('');
  });

  test('reads http URLs of the artifact proxy', () => {
    expect(proxiedArtifactPath('http://localhost:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts')).toBe('1/abc/artifacts');
  });

  test('leaves other stores alone', () => {
    expect(proxiedArtifactPath('s3://bucket/1/abc/artifacts')).toBeUndefined();
    expect(proxiedArtifactPath('file:///tmp/mlruns/1')).toBeUndefined();
    expect(proxiedArtifactPath('http://elsewhere/some/path')).toBeUndefined();
  });
});
