import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { ARTIFACT_SHA256_HEADER } from '@payments-mlops/contracts';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { s3ArtifactStore } from '../stores/artifacts/s3-artifact-store.js';
import { READ_TOKEN, WRITER, startTestRegistry } from '../testing/registry-harness.js';

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('artifact proxy', () => {
  test('streams an upload to S3 and back, recording its sha256', async ({ pg, s3 }) => {
    const registry = await startTestRegistry(pg.connectionString, { artifactStore: s3ArtifactStore(s3.client, { bucket: s3.bucket, prefix: '' }) });
    try {
      const bytes = randomBytes(200_000);
      const put = await registry.app.inject({ method: 'PUT', url: `${ARTIFACTS}/1/run/artifacts/model/model.onnx`, payload: bytes, headers: { ...WRITER, 'content-type': 'application/octet-stream' } });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({});

      const get = await registry.app.inject({ method: 'GET', url: `${ARTIFACTS}/1/run/artifacts/model/model.onnx` });
      expect(get.statusCode).toBe(200);
      expect(get.rawPayload.equals(bytes)).toBe(true);
      expect(get.headers[ARTIFACT_SHA256_HEADER]).toBe(sha256(bytes));
      expect(get.headers['content-disposition']).toBe('attachment; filename="model.onnx"');
      const { rows } = await registry.pool.query('SELECT size::int AS size, sha256 FROM artifact_files WHERE path = $1', ['1/run/artifacts/model/model.onnx']);
      expect(rows).toEqual([{ size: bytes.length, sha256: sha256(bytes) }]);
    } finally {
      await registry.close();
    }
  });

  test('downloads a file whose name a header cannot hold as it is, naming it in filename* (found by schemathesis)', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const name = 'Résumé 𝕋.txt';
      const url = `${ARTIFACTS}/e/r/artifacts/${encodeURIComponent(name)}`;
      expect((await registry.app.inject({ method: 'PUT', url, payload: 'hello', headers: { ...WRITER, 'content-type': 'text/plain' } })).statusCode).toBe(200);
      const get = await registry.app.inject({ method: 'GET', url });
      expect(get.statusCode).toBe(200);
      expect(get.body).toBe('hello');
      expect(get.headers['content-disposition']).toBe(`attachment; filename="R_sum_ _.txt"; filename*=UTF-8''${encodeURIComponent(name)}`);
    } finally {
      await registry.close();
    }
  });

  test('lists a directory by basename, as MLflow does, and deletes a tree', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      for (const path of ['e/r/artifacts/notes.txt', 'e/r/artifacts/model/MLmodel']) {
        await registry.app.inject({ method: 'PUT', url: `${ARTIFACTS}/${path}`, payload: 'x', headers: { ...WRITER, 'content-type': 'text/plain' } });
      }
      const listed = await registry.app.inject({ method: 'GET', url: ARTIFACTS, query: { path: 'e/r/artifacts' } });
      expect(listed.json()).toEqual({
        files: [
          { path: 'model', is_dir: true },
          { path: 'notes.txt', is_dir: false, file_size: 1 },
        ],
      });
      const deleted = await registry.app.inject({ method: 'DELETE', url: `${ARTIFACTS}/e/r/artifacts/model`, headers: WRITER });
      expect(deleted.json()).toEqual({});
      expect((await registry.app.inject({ method: 'GET', url: ARTIFACTS, query: { path: 'e/r/artifacts' } })).json()).toEqual({
        files: [{ path: 'notes.txt', is_dir: false, file_size: 1 }],
      });
    } finally {
      await registry.close();
    }
  });

  test('accepts a JSON artifact as bytes, not as a request body', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const document = '{"feature_list": ["amount", "mcc"]}';
      await registry.app.inject({ method: 'PUT', url: `${ARTIFACTS}/x/features.json`, payload: document, headers: { ...WRITER, 'content-type': 'application/json' } });
      const get = await registry.app.inject({ method: 'GET', url: `${ARTIFACTS}/x/features.json` });
      expect(get.body).toBe(document);
      expect(get.headers['content-type']).toMatch(/^text\/plain/);
    } finally {
      await registry.close();
    }
  });

  test('refuses paths that leave the artifact root, sent raw over HTTP, with INVALID_PARAMETER_VALUE', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const address = new URL(await registry.app.listen({ host: '127.0.0.1', port: 0 }));
      const rawPut = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const put = request({ host: address.hostname, port: address.port, method: 'PUT', path, headers: { ...WRITER, 'content-length': '1' } }, (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          });
          put.on('error', reject);
          put.end('x');
        });
      for (const path of ['a/../../../etc/passwd', 'a/%2e%2e/%2e%2e/etc/passwd', 'a/%252e%252e/b', 'a%5cb', '%2fetc/passwd']) {
        const response = await rawPut(`${ARTIFACTS}/${path}`);
        expect(response.status, path).toBe(400);
        expect(JSON.parse(response.body), path).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      }
      const listing = await registry.app.inject({ method: 'GET', url: ARTIFACTS, query: { path: '../..' } });
      expect(listing.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(await registry.artifactStore.list('')).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  test('refuses an artifact larger than the limit, before reading it', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { maxArtifactBytes: 1000 });
    try {
      const response = await registry.app.inject({ method: 'PUT', url: `${ARTIFACTS}/big.bin`, payload: randomBytes(5000), headers: WRITER });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Artifact size is too large. Max size is 1000 bytes.' });
      expect((await registry.app.inject({ method: 'GET', url: `${ARTIFACTS}/big.bin` })).statusCode).toBe(404);
    } finally {
      await registry.close();
    }
  });

  test('answers a missing artifact with RESOURCE_DOES_NOT_EXIST', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await registry.app.inject({ method: 'GET', url: `${ARTIFACTS}/no/such.bin` });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    } finally {
      await registry.close();
    }
  });

  test('needs a write token to upload or delete, and lets anyone download', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const anonymous = await registry.app.inject({ method: 'PUT', url: `${ARTIFACTS}/a.txt`, payload: 'x' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="mlflow"');
      const reader = await registry.app.inject({ method: 'DELETE', url: `${ARTIFACTS}/a.txt`, headers: { authorization: `Bearer ${READ_TOKEN}` } });
      expect(reader.statusCode).toBe(403);
      expect(reader.body).toBe('Permission denied');
    } finally {
      await registry.close();
    }
  });

  test('an upload cut off mid-stream leaves no artifact visible, on S3', async ({ pg, s3 }) => {
    const registry = await startTestRegistry(pg.connectionString, { artifactStore: s3ArtifactStore(s3.client, { bucket: s3.bucket, prefix: '' }) });
    try {
      const address = new URL(await registry.app.listen({ host: '127.0.0.1', port: 0 }));
      await new Promise<void>((resolve) => {
        const upload = request({
          host: address.hostname,
          port: address.port,
          method: 'PUT',
          path: `${ARTIFACTS}/cut/model.onnx`,
          headers: { ...WRITER, 'content-type': 'application/octet-stream', 'content-length': String(20 * 1024 * 1024) },
        });
        upload.on('error', () => resolve());
        upload.on('close', () => resolve());
        // 12 MiB of the announced 20: past the first 8 MiB part, then the client goes away.
        upload.write(randomBytes(12 * 1024 * 1024), () => setTimeout(() => upload.destroy(), 200));
      });
      // The server notices the disconnect asynchronously; give it a moment to abort the upload.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const get = await registry.app.inject({ method: 'GET', url: `${ARTIFACTS}/cut/model.onnx` });
      expect(get.statusCode).toBe(404);
      const listing = await registry.app.inject({ method: 'GET', url: ARTIFACTS, query: { path: 'cut' } });
      expect(listing.json()).toEqual({});
    } finally {
      await registry.close();
    }
  });
});
