import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { RegistryClient } from '@payments-mlops/registry-client';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { registryApiContract } from '../testing/registry-api-contract.js';
import { READ_TOKEN, WRITE_TOKEN, startTestRegistry } from '../testing/registry-harness.js';

registryApiContract('the REST client, over HTTP to a live server', async (pg) => {
  const registry = await startTestRegistry(pg.connectionString);
  const baseUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
  const client = new RegistryClient({ baseUrl, token: WRITE_TOKEN });
  return { api: client.api, close: () => registry.close() };
});

describe('registry client: artifacts and lineage over HTTP', () => {
  test('logs a run\'s artifacts, registers them, and downloads the version with its lineage', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    const scratch = await mkdtemp(path.join(tmpdir(), 'registry-client-'));
    try {
      const baseUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
      const client = new RegistryClient({ baseUrl, token: WRITE_TOKEN });
      const { run } = await client.api.createRun({ experiment_id: '0', run_name: 'train-fraud' });
      const model = path.join(scratch, 'model');
      await mkdir(path.join(model, 'data'), { recursive: true });
      const onnx = randomBytes(100_000);
      await writeFile(path.join(model, 'model.onnx'), onnx);
      await writeFile(path.join(model, 'data', 'features.json'), '["amount","mcc"]');

      const uploaded = await client.logArtifacts(run.info.run_id, model, 'model');
      expect(uploaded.sort()).toEqual([`0/${run.info.run_id}/artifacts/model/data/features.json`, `0/${run.info.run_id}/artifacts/model/model.onnx`]);
      await client.recordRunLineage(run.info.run_id, {
        dataset_snapshot: { digest: 'sha256:feed', location: 's3://snapshots/fraud/1' },
        feature_service: { name: 'fraud_scoring', version: '3' },
        code: { commit: 'cafe123' },
      });
      await client.logMetrics(run.info.run_id, Array.from({ length: 2500 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1, step })));
      expect((await client.api.getMetricHistory({ run_id: run.info.run_id, metric_key: 'loss' })).metrics).toHaveLength(2500);

      await client.api.createRegisteredModel({ name: 'fraud' });
      await client.api.createModelVersion({ name: 'fraud', source: `${run.info.artifact_uri}/model`, run_id: run.info.run_id });
      await client.api.setRegisteredModelAlias({ name: 'fraud', alias: 'champion', version: '1' });
      expect((await client.findVersionByAlias('fraud', 'champion'))?.version).toBe('1');
      expect(await client.findVersionByAlias('fraud', 'challenger')).toBeUndefined();

      const target = path.join(scratch, 'downloaded');
      await client.downloadModelVersion('fraud', '1', target);
      expect((await readFile(path.join(target, 'model.onnx'))).equals(onnx)).toBe(true);
      expect(await readFile(path.join(target, 'data', 'features.json'), 'utf8')).toBe('["amount","mcc"]');
      const download = await client.artifacts.download(`0/${run.info.run_id}/artifacts/model/model.onnx`);
      expect(download.sha256).toBe(createHash('sha256').update(onnx).digest('hex'));
      expect((await buffer(download.body)).equals(onnx)).toBe(true);

      const lineage = await client.api.getModelVersionLineage({ name: 'fraud', version: '1' });
      expect(lineage).toMatchObject({
        run: { run_id: run.info.run_id },
        dataset_snapshot: { digest: 'sha256:feed', location: 's3://snapshots/fraud/1' },
        feature_service: { name: 'fraud_scoring', version: '3' },
        code: { commit: 'cafe123' },
        metrics: [{ key: 'loss', step: 2499 }],
      });
    } finally {
      await registry.close();
      await rm(scratch, { recursive: true, force: true });
    }
  });

  test('raises MlflowErrors with the server\'s code, also for plain-text auth failures', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const baseUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
      const anonymous = new RegistryClient({ baseUrl });
      await expect(anonymous.api.createExperiment({ name: 'x' })).rejects.toMatchObject({ errorCode: 'UNAUTHENTICATED' });
      await expect(anonymous.api.getRegisteredModel({ name: 'missing' })).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
      const reader = new RegistryClient({ baseUrl, token: READ_TOKEN });
      await expect(reader.artifacts.upload('a.txt', 'x')).rejects.toMatchObject({ errorCode: 'PERMISSION_DENIED' });
    } finally {
      await registry.close();
    }
  });
});
