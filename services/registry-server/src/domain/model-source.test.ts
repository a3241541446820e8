import { describe, expect, test } from 'vitest';
import { parseModelsUri, validateModelVersionSource } from './model-source.js';

describe('validateModelVersionSource', () => {
  test('accepts proxied, object store and http sources', () => {
    for (const source of ['mlflow-artifacts:/1/abc/artifacts/model', 's3://bucket/models/fraud', 'http://registry:5000/api/2.0/mlflow-artifacts/artifacts/1/x', 'models:/fraud/3']) {
      expect(() => validateModelVersionSource(source)).not.toThrow();
    }
  });

  test('rejects local paths, which would read the server\'s own files', () => {
    for (const source of ['/etc/passwd', 'relative/model', 'file:///tmp/model', 'file://localhost/tmp/model']) {
      expect(() => validateModelVersionSource(source)).toThrow(/local path as a model version source/);
    }
  });

  test('rejects sources that walk up with .., plain or percent-encoded', () => {
    for (const source of ['s3://bucket/models/../../secrets', 'mlflow-artifacts:/1/..%2f..%2fetc', 'http://host/api/2.0/mlflow-artifacts/artifacts/%252e%252e/x']) {
      expect(() => validateModelVersionSource(source)).toThrow(/relative path references/);
    }
  });
});

describe('parseModelsUri', () => {
  test('reads a models:/ source and ignores others', () => {
    expect(parseModelsUri('models:/fraud/12')).toEqual({ name: 'fraud', version: 12 });
    expect(parseModelsUri('models:/fraud@champion')).toBeUndefined();
    expect(parseModelsUri('s3://b/k')).toBeUndefined();
  });
});
