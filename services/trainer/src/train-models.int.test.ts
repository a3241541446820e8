import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { MODEL_ARTIFACTS, MODEL_TASKS, ModelSignature, REGISTERED_MODEL_NAMES, ReferenceProfile } from '@payments-mlops/contracts';
import { RegistryClient, runArtifactPath } from '@payments-mlops/registry-client';
import { createPgPool, createS3Client, deleteBucket, infraSettings, schemaConnectionString, uniqueName } from '@payments-mlops/test-infra';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_TOKEN, seedTrainingWarehouse, startRegistryServer, type RunningRegistry } from './testing/training-stack.js';

const CLI = path.join(path.dirname(new URL(import.meta.url).pathname), 'cli/train-models.ts');
const infra = infraSettings();
const schema = uniqueName('trainer');
const bucket = uniqueName('trainer', '-');
let admin: pg.Pool;
let pool: pg.Pool;
let registryServer: RunningRegistry;
let registry: RegistryClient;
let workDir: string;
const s3 = createS3Client(infra.s3);

beforeAll(async () => {
  admin = createPgPool(infra.warehouseDatabaseUrl, 2);
  await admin.query(`CREATE SCHEMA ${schema}`);
  pool = createPgPool(schemaConnectionString(infra.warehouseDatabaseUrl, schema), 8);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  workDir = await mkdtemp(path.join(tmpdir(), 'trainer-work-'));
  // About 90 days of a small merchant base: enough fraud, churn, retries and recoveries to learn from.
  await seedTrainingWarehouse(pool, schema, { events: 60_000 });
  registryServer = await startRegistryServer(admin, schema, infra.warehouseDatabaseUrl);
  registry = new RegistryClient({ baseUrl: registryServer.url, token: REGISTRY_TOKEN });
}, 300_000);

afterAll(async () => {
  await registryServer?.stop();
  await pool?.end();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
  await admin?.end();
  await deleteBucket(s3, bucket);
  s3.destroy();
  await rm(workDir, { recursive: true, force: true });
});

async function trainModels(...args: string[]): Promise<{ stdout: string; code: number }> {
  const env = {
    ...process.env,
    WAREHOUSE_DATABASE_URL: schemaConnectionString(infra.warehouseDatabaseUrl, schema),
    FEATURE_REGISTRY_SCHEMA: schema,
    TRAINER_DB_SCHEMA: `${schema}_jobs`,
    MLFLOW_TRACKING_URI: registryServer.url,
    MLFLOW_TRACKING_TOKEN: REGISTRY_TOKEN,
    S3_ENDPOINT_URL: infra.s3.endpoint,
    TRAINER_DATASET_BUCKET: bucket,
    TRAINER_WORK_DIR: workDir,
    LOG_LEVEL: 'warn',
  };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, '--no-materialize', ...args], { env, timeout: 600_000 });
    return { stdout, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}`, code: failure.code ?? 1 };
  }
}

describe('make train-models', () => {
  it('trains, evaluates and registers all four models, prints the summary, and promotes the first versions', async () => {
    const { stdout, code } = await trainModels();
    expect(code, stdout).toBe(0);
    for (const task of MODEL_TASKS) expect(stdout).toContain(REGISTERED_MODEL_NAMES[task]);
    expect(stdout).toMatch(/model\s+version\s+metric\s+model\s+champion\s+rule\s+promoted\s+seconds/);
    expect(stdout).toContain('seconds per step');

    for (const task of MODEL_TASKS) {
      const name = REGISTERED_MODEL_NAMES[task];
      const champion = await registry.findVersionByAlias(name, 'champion');
      const challenger = await registry.findVersionByAlias(name, 'challenger');
      // The summary says which gate kept a version back, with what it measured.
      expect(champion?.version, `${name}\n${stdout}`).toBe('1');
      expect(challenger?.version, name).toBe('1');

      const directory = await mkdtemp(path.join(workDir, `${task}-`));
      await registry.downloadModelVersion(name, '1', directory);
      const signature = ModelSignature.parse(JSON.parse(await readFile(path.join(directory, 'signature.json'), 'utf8')));
      expect(signature.task).toBe(task);
      expect(signature.feature_service.name).toBe(task);
      expect(signature.inputs.length).toBeGreaterThan(5);
      const onnx = await readFile(path.join(directory, 'model.onnx'));
      expect(onnx.length).toBeGreaterThan(1000);

      // Lineage: the version names its dataset snapshot, feature service version and code.
      const lineage = await registry.api.getModelVersionLineage({ name, version: '1' });
      expect(lineage.dataset_snapshot?.digest).toBe(signature.dataset_digest);
      expect(lineage.dataset_snapshot?.location).toMatch(new RegExp(`^s3://${bucket}/datasets/${task}_training/`));
      expect(lineage.feature_service).toEqual({ name: task, version: '1' });
      const metrics = new Map(lineage.metrics?.map((metric) => [metric.key, metric.value]));
      expect(metrics.has(`baseline_${task === 'fraud' ? 'pr_auc' : task === 'churn' ? 'roc_auc' : 'policy_value'}`)).toBe(true);

      const runId = lineage.run!.run_id;
      const listed = async (dir: string) => ((await registry.api.listArtifacts({ run_id: runId, path: dir })).files ?? []).map((file) => file.path);
      expect(await listed('model')).toEqual(expect.arrayContaining(['model/model.onnx', 'model/model.json', 'model/signature.json', 'model/features.json']));
      expect(await listed('evaluation')).toEqual(expect.arrayContaining(['evaluation/metrics.json', 'evaluation/importance.svg']));
      if (signature.objective === 'binary') {
        expect(await listed('evaluation')).toEqual(expect.arrayContaining(['evaluation/roc.svg', 'evaluation/pr.svg', 'evaluation/calibration.svg']));
      }
      const profileDir = await mkdtemp(path.join(workDir, `${task}-profile-`));
      const [profileFile] = await registry.artifacts.downloadTree(runArtifactPath(lineage.run!.artifact_uri!, MODEL_ARTIFACTS.referenceProfile), profileDir);
      const profile = ReferenceProfile.parse(JSON.parse(await readFile(profileFile!, 'utf8')));
      expect(profile.task).toBe(task);
      expect(Object.keys(profile.scores)).toEqual([...signature.classes]);
    }
  }, 600_000);

  it('gives byte-identical ONNX for the same snapshot, parameters and seed, and does not promote a model no better than the champion', async () => {
    const { stdout, code } = await trainModels('--tasks', 'fraud');
    expect(code, stdout).toBe(0);
    const name = REGISTERED_MODEL_NAMES.fraud;
    const first = await registry.api.getModelVersionLineage({ name, version: '1' });
    const second = await registry.api.getModelVersionLineage({ name, version: '2' });
    expect(second.dataset_snapshot?.digest).toBe(first.dataset_snapshot?.digest);

    const sha = async (version: string) => {
      const directory = await mkdtemp(path.join(workDir, `fraud-v${version}-`));
      await registry.downloadModelVersion(name, version, directory);
      return ModelSignature.parse(JSON.parse(await readFile(path.join(directory, 'signature.json'), 'utf8'))).onnx.sha256;
    };
    expect(await sha('2')).toBe(await sha('1'));
    expect((await registry.findVersionByAlias(name, 'champion'))?.version, stdout).toBe('1');
    expect((await registry.findVersionByAlias(name, 'challenger'))?.version).toBe('2');
    expect(stdout).toMatch(/fraud-detector\s+2\s+pr_auc\s+\S+\s+\S+ \(v1\)\s+\S+\s+no\s+\S+\s+succeeded; kept from champion by beats_champion \(/);
  }, 300_000);
});
