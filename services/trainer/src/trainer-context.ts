import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { CodeVersion } from '@payments-mlops/contracts';
import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  createOnlineRedis,
  materializeIncremental,
} from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { createPgPool, type Logger } from '@payments-mlops/service-kit';
import type pg from 'pg';
import type { TrainerConfig } from './config.js';
import type { TrainerDeps } from './domain/training-run.js';
import { JobRunner } from './jobs/job-runner.js';
import { JobStore } from './jobs/job-store.js';
import { runTraining } from './domain/training-run.js';

export interface TrainerContext {
  deps: TrainerDeps;
  jobs: JobStore;
  runner: JobRunner;
  featureRegistry: RegistryCache;
  warehouse: pg.Pool;
  close(): Promise<void>;
}

/** The code a run was trained with: the checkout's commit and branch when git can tell. */
export async function codeVersion(env: Readonly<Record<string, string | undefined>> = process.env): Promise<CodeVersion> {
  const run = promisify(execFile);
  const git = async (...args: string[]): Promise<string | undefined> => {
    try {
      return (await run('git', args, { timeout: 5_000 })).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const commit = env.TRAINER_CODE_COMMIT ?? (await git('rev-parse', 'HEAD'));
  const branch = await git('rev-parse', '--abbrev-ref', 'HEAD');
  return { ...(commit ? { commit } : {}), ...(branch ? { branch } : {}), source_name: 'services/trainer/src/main.ts' };
}

export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
  }
}

/** Connects everything a trainer process needs, from its config: the one composition root. */
export async function createTrainerContext(config: TrainerConfig, logger: Logger): Promise<TrainerContext> {
  const warehouse = createPgPool(config.WAREHOUSE_DATABASE_URL, { applicationName: 'trainer', max: 8, logger });
  await warehouse.query(`CREATE SCHEMA IF NOT EXISTS ${config.TRAINER_DB_SCHEMA}`);
  const jobsUrl = new URL(config.WAREHOUSE_DATABASE_URL);
  jobsUrl.searchParams.set('options', `-c search_path=${config.TRAINER_DB_SCHEMA}`);
  const jobsPool = createPgPool(jobsUrl.toString(), { applicationName: 'trainer-jobs', max: 4, logger });
  const jobs = new JobStore(jobsPool);
  await jobs.prepare();

  const store = new PostgresRegistryStore({ pool: warehouse, schema: config.FEATURE_REGISTRY_SCHEMA });
  const featureRegistry = new RegistryCache({
    store,
    project: config.FEATURE_PROJECT,
    refreshIntervalMs: config.REGISTRY_REFRESH_MS,
    onError: (error) => logger.error({ component: 'feature-registry', err: error }, 'could not refresh feature definitions'),
  });
  await featureRegistry.start();

  const s3 = new S3Client({
    endpoint: config.S3_ENDPOINT_URL,
    region: config.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY },
  });
  await ensureBucket(s3, config.TRAINER_DATASET_BUCKET);
  const registry = new RegistryClient({ baseUrl: config.MLFLOW_TRACKING_URI, ...(config.MLFLOW_TRACKING_TOKEN ? { token: config.MLFLOW_TRACKING_TOKEN } : {}) });

  const deps: TrainerDeps = {
    pool: warehouse,
    catalog: () => featureRegistry.loaded,
    s3,
    datasetBucket: config.TRAINER_DATASET_BUCKET,
    project: config.FEATURE_PROJECT,
    registry,
    registryUrl: config.MLFLOW_TRACKING_URI,
    workDir: config.TRAINER_WORK_DIR,
    code: await codeVersion(),
  };

  let redis: ReturnType<typeof createOnlineRedis> | undefined;
  const materialize = async (): Promise<string> => {
    const catalog = featureRegistry.loaded;
    if (catalog === undefined) return 'no feature definitions applied: nothing to materialize';
    redis ??= createOnlineRedis(config.REDIS_URL, { connectionName: 'trainer' });
    const online = new RedisOnlineStore({ redis, keyPrefix: catalog.repo.config.online_store.key_prefix });
    const views = await materializeIncremental({ pool: warehouse, store: online, registry: store, catalog, endMs: Date.now() });
    return `materialized ${views.length} view run(s) into the online store`;
  };
  const runner = new JobRunner({
    store: jobs,
    train: (request) => runTraining(deps, request),
    materialize,
    materializeByDefault: config.TRAINER_MATERIALIZE_FIRST,
    logger,
    maxConcurrent: config.TRAINER_MAX_CONCURRENT_JOBS,
  });
  return {
    deps,
    jobs,
    runner,
    featureRegistry,
    warehouse,
    async close() {
      await runner.drain();
      featureRegistry.stop();
      redis?.disconnect();
      s3.destroy();
      await jobsPool.end();
      await warehouse.end();
    },
  };
}
