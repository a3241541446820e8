import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { REGISTERED_MODEL_NAMES } from '@payments-mlops/contracts';
import { PostgresRegistryStore, RegistryCache } from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { createLogger, createMetrics, type ServiceApp } from '@payments-mlops/service-kit';
import { createPgPool, createS3Client, deleteBucket, infraSettings, schemaConnectionString, test, uniqueName } from '@payments-mlops/test-infra';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { runTraining, type TrainerDeps, type TrainingReport } from './domain/training-run.js';
import { JobRunner } from './jobs/job-runner.js';
import { JobStore, type TrainingJob } from './jobs/job-store.js';
import { TrainingSchedule } from './jobs/schedule.js';
import { MODELS_DIR } from './pipelines/model-config.js';
import { REGISTRY_TOKEN, seedTrainingWarehouse, startRegistryServer, type RunningRegistry } from './testing/training-stack.js';

const infra = infraSettings();
const schema = uniqueName('trainer');
const bucket = uniqueName('trainer', '-');
const logger = createLogger({ service: 'trainer', level: 'silent' });
const s3 = createS3Client(infra.s3);
const WEBHOOK_TOKEN = 'webhook-token-0123456789';
let admin: pg.Pool;
let pool: pg.Pool;
let registryServer: RunningRegistry;
let registry: RegistryClient;
let featureRegistry: RegistryCache;
let workDir: string;
let deps: TrainerDeps;
let jobs: JobStore;
let runner: JobRunner;
let app: ServiceApp;

beforeAll(async () => {
  admin = createPgPool(infra.warehouseDatabaseUrl, 2);
  await admin.query(`CREATE SCHEMA ${schema}`);
  pool = createPgPool(schemaConnectionString(infra.warehouseDatabaseUrl, schema), 8);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  workDir = await mkdtemp(path.join(tmpdir(), 'trainer-jobs-'));
  await seedTrainingWarehouse(pool, schema, { events: 40_000, seed: 7 });
  registryServer = await startRegistryServer(admin, schema, infra.warehouseDatabaseUrl);
  registry = new RegistryClient({ baseUrl: registryServer.url, token: REGISTRY_TOKEN });
  featureRegistry = new RegistryCache({ store: new PostgresRegistryStore({ pool, schema }), project: 'payments_mlops' });
  await featureRegistry.start();
  deps = {
    pool,
    catalog: () => featureRegistry.loaded,
    s3,
    datasetBucket: bucket,
    project: 'payments_mlops',
    registry,
    registryUrl: registryServer.url,
    workDir,
    code: { commit: 'test-commit', source_name: 'jobs.int.test.ts' },
  };
  jobs = new JobStore(pool);
  await jobs.prepare();
  runner = new JobRunner({ store: jobs, train: (request) => runTraining(deps, request), logger, maxConcurrent: 2, progressIntervalMs: 0 });
  app = await buildApp({ logger, metrics: createMetrics('trainer', { defaultMetrics: false }), runner, jobs, pool, definitionsLoaded: () => true, webhookToken: WEBHOOK_TOKEN });
}, 300_000);

afterAll(async () => {
  await runner?.drain();
  await app?.close();
  featureRegistry?.stop();
  await registryServer?.stop();
  await pool?.end();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
  await deleteBucket(s3, bucket);
  s3.destroy();
  await rm(workDir, { recursive: true, force: true });
});

async function finished(jobId: string): Promise<TrainingJob> {
  await runner.wait(jobId);
  const response = await app.inject({ method: 'GET', url: `/jobs/${jobId}` });
  expect(response.statusCode).toBe(200);
  return response.json<TrainingJob>();
}

const versionsOf = async (name: string): Promise<string[]> =>
  ((await registry.api.searchModelVersions({ filter: `name='${name}'` })).model_versions ?? []).map((version) => version.version).sort();

describe('the jobs API', () => {
  it('runs one job per model at a time, shows progress and logs, and keeps the history', async () => {
    const first = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'fraud', reason: 'first fraud model' } });
    expect(first.statusCode).toBe(202);
    const fraudJob = first.json<TrainingJob>();
    const again = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'fraud' } });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toContain(fraudJob.job_id);
    const other = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'churn' } });
    expect(other.statusCode).toBe(202);

    // Another trainer process sharing the job table is held to the same rule.
    const elsewhere = new JobStore(pool);
    await expect(elsewhere.create({ job_id: crypto.randomUUID(), task: 'fraud', trigger: 'api', reason: null, request: {} })).rejects.toMatchObject({ code: 'CONFLICT' });

    const done = await finished(fraudJob.job_id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.progress).toBe(1);
    const steps = done.logs.map((line) => /^\[(\w+)\]/.exec(line.message)?.[1]).filter(Boolean);
    expect(steps).toEqual(expect.arrayContaining(['features', 'training_set', 'train', 'evaluate', 'onnx', 'champion', 'artifacts', 'register']));
    expect(done.logs.some((line) => /round \d+ of at most/.test(line.message))).toBe(true);
    const report = done.result as unknown as TrainingReport;
    expect(report).toMatchObject({ task: 'fraud', registered_model: 'fraud-detector', version: '1', promoted: true, champion: null });
    expect(report.parity_error).toBeLessThanOrEqual(1e-5);
    expect(Object.keys(report.timings_ms)).toEqual(expect.arrayContaining(['training_set', 'train', 'register']));
    expect((await finished(other.json<TrainingJob>().job_id)).status).toBe('succeeded');

    const listed = await app.inject({ method: 'GET', url: '/jobs?task=fraud' });
    expect(listed.json<{ jobs: TrainingJob[] }>().jobs.map((job) => job.job_id)).toContain(fraudJob.job_id);
    // After the first finished, the task takes a new job.
    const next = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'fraud', params: { numRounds: 2, numLeaves: 2, learningRate: 0.01 } } });
    expect(next.statusCode).toBe(202);
    const worse = await finished(next.json<TrainingJob>().job_id);
    // A worse model is registered as challenger but never promoted.
    const worseReport = worse.result as unknown as TrainingReport;
    expect(worseReport.promoted).toBe(false);
    expect(worseReport.champion?.version).toBe('1');
    expect(worseReport.gates.find((gate) => gate.gate === 'beats_champion')?.passed).toBe(false);
    expect((await registry.findVersionByAlias('fraud-detector', 'champion'))?.version).toBe('1');
    expect((await registry.findVersionByAlias('fraud-detector', 'challenger'))?.version).toBe('2');
  }, 600_000);

  it('answers 400 naming the field for a bad request and 404 for an unknown job', async () => {
    const bad = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'loans' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { fields: { field: string }[] } }>().details.fields[0]?.field).toBe('task');
    const badParams = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'fraud', params: { numRounds: -1 } } });
    expect(badParams.statusCode).toBe(400);
    expect(JSON.stringify(badParams.json())).toContain('params.numRounds');
    expect((await app.inject({ method: 'GET', url: `/jobs/${crypto.randomUUID()}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/jobs/not-a-job' })).statusCode).toBe(400);
  });

  it('starts retraining from a firing Alertmanager alert naming a model, with the webhook token', async () => {
    const payload = {
      version: '4',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'ModelFeatureDrift', model: 'retry-strategy' } },
        { status: 'firing', labels: { alertname: 'ModelFeatureDrift', task: 'retry' } },
        { status: 'firing', labels: { alertname: 'Other', model: 'no-such-model' } },
        { status: 'resolved', labels: { alertname: 'ModelFeatureDrift', task: 'recovery' } },
      ],
    };
    expect((await app.inject({ method: 'POST', url: '/webhooks/retrain', payload })).statusCode).toBe(401);
    const response = await app.inject({ method: 'POST', url: '/webhooks/retrain', payload, headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } });
    expect(response.statusCode).toBe(202);
    const body = response.json<{ accepted: { task: string; job_id: string }[]; skipped: { task: string; reason: string }[] }>();
    expect(body.accepted.map((job) => job.task)).toEqual(['retry']);
    expect(body.skipped.map((skip) => skip.reason)).toEqual(['the alert names no known model (label task or model)', 'alert resolved']);
    const job = await finished(body.accepted[0]!.job_id);
    expect(job).toMatchObject({ status: 'succeeded', trigger: 'webhook', reason: 'alert ModelFeatureDrift' });
  }, 300_000);
});

describe('the schedule', () => {
  it('starts one job per task on each tick, skipping a task whose job still runs', async () => {
    const schedule = new TrainingSchedule(runner, ['churn'], 60_000, logger);
    const started = await schedule.tick();
    expect(started).toHaveLength(1);
    expect(await schedule.tick()).toEqual([]);
    const job = await finished(started[0]!);
    expect(job.status, job.error ?? '').toBe('succeeded');
    expect(job.trigger).toBe('schedule');
  }, 300_000);
});

describe('failed jobs', () => {
  const failedJob = async (trainDeps: TrainerDeps, request: Parameters<JobRunner['submit']>[0]): Promise<TrainingJob> => {
    const failing = new JobRunner({ store: jobs, train: (run) => runTraining(trainDeps, run), logger });
    const job = await failing.submit(request);
    await failing.wait(job.job_id);
    return (await jobs.get(job.job_id))!;
  };

  it('fail with a clear reason for a feature service that does not exist, registering nothing', async () => {
    const modelsDir = await mkdtemp(path.join(tmpdir(), 'trainer-models-'));
    await cp(MODELS_DIR, modelsDir, { recursive: true });
    const file = path.join(modelsDir, 'recovery', 'config.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('feature_service: recovery', 'feature_service: recovery_v9'));
    const before = await versionsOf(REGISTERED_MODEL_NAMES.recovery);
    const job = await failedJob({ ...deps, modelsDir }, { task: 'recovery', trigger: 'api' });
    expect(job.status).toBe('failed');
    expect(job.error).toContain("recovery_v9");
    expect(await versionsOf(REGISTERED_MODEL_NAMES.recovery)).toEqual(before);
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('fail when the training window is empty', async () => {
    const job = await failedJob(deps, { task: 'churn', trigger: 'api', asOfMs: Date.UTC(2025, 5, 1) });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/the training window .* has no churn rows/);
  });

  it('fail when the registry is down, leaving champion where it was', async () => {
    const champion = await registry.findVersionByAlias('fraud-detector', 'champion');
    const down = { ...deps, registry: new RegistryClient({ baseUrl: 'http://127.0.0.1:9', token: REGISTRY_TOKEN }), registryUrl: 'http://127.0.0.1:9' };
    const job = await failedJob(down, { task: 'fraud', trigger: 'api' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/the model registry at http:\/\/127\.0\.0\.1:9 is unreachable .*champion did not move/);
    expect((await registry.findVersionByAlias('fraud-detector', 'champion'))?.version).toBe(champion?.version);
  }, 300_000);
});

describe('a label with one class', () => {
  test('fails the job naming it', async ({ pg, s3: bucketFixture }) => {
    await seedTrainingWarehouse(pg.pool, pg.schema, { events: 8_000, seed: 3 });
    await pg.pool.query('TRUNCATE fraud_labels');
    const cache = new RegistryCache({ store: new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }), project: 'payments_mlops' });
    await cache.start();
    try {
      const store = new JobStore(pg.pool);
      await store.prepare();
      const oneClass = new JobRunner({ store, train: (run) => runTraining({ ...deps, pool: pg.pool, catalog: () => cache.loaded, s3: bucketFixture.client, datasetBucket: bucketFixture.bucket }, run), logger });
      const job = await oneClass.submit({ task: 'fraud', trigger: 'api' });
      await oneClass.wait(job.job_id);
      const failed = (await store.get(job.job_id))!;
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/the label has one class \(legitimate\) in the training period/);
    } finally {
      cache.stop();
    }
  }, 300_000);
});
