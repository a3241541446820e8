import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyFeatureRepo } from '@payments-mlops/feature-store';
import {
  REPO_ROOT,
  infraSettings,
  runScript,
  startRegistryServer,
  startServiceProcess,
  uniqueName,
  type KafkaFixture,
  type PgFixture,
  type RedisFixture,
  type RegistryServerProcess,
  type S3Fixture,
  type ServiceProcess,
} from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';

/*
 * The services as `make up` runs them, each its own process, on one test's Postgres schema, Redis
 * key prefix, Kafka topic and S3 bucket: what the fuzzer writes stays there and goes with them.
 */

export const REGISTRY_TOKEN = 'api-conformance-registry-token';

export interface Sandbox {
  pg: PgFixture;
  redis: RedisFixture;
  s3: S3Fixture;
  kafka: KafkaFixture;
}

/** Runs `use` with a fresh stack on the sandbox, and stops whatever it started, however it ends. */
export async function withStack(
  sandbox: Sandbox,
  use: (stack: Stack) => Promise<void>,
): Promise<void> {
  const stack = new Stack(sandbox);
  try {
    await use(stack);
  } finally {
    await stack.stop();
  }
}

/** Stops what was started, last first. */
export class Stack {
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(private readonly sandbox: Sandbox) {}

  onStop(stop: () => Promise<void>): void {
    this.stops.unshift(stop);
  }

  async stop(): Promise<void> {
    for (const stop of this.stops) await stop().catch(() => undefined);
  }

  /** The warehouse tables and the feature repository, applied with the sandbox's Redis prefix. */
  async features(): Promise<void> {
    const { pg, redis } = this.sandbox;
    await migrateWarehouse(pg.pool);
    const directory = await mkdtemp(path.join(tmpdir(), 'api-conformance-repo-'));
    this.onStop(() => rm(directory, { recursive: true, force: true }));
    await cp(path.join(REPO_ROOT, 'feature-repo'), directory, { recursive: true });
    const config = path.join(directory, 'feature_store.yaml');
    const text = await readFile(config, 'utf8');
    const prefixed = text.replace(/^(\s*key_prefix:\s*).*$/m, `$1"${redis.prefix}"`);
    if (prefixed === text)
      throw new Error('feature_store.yaml has no online_store.key_prefix to point at the sandbox');
    await writeFile(config, prefixed);
    await applyFeatureRepo({
      directory,
      pool: pg.pool,
      appliedBy: 'api-conformance',
      registrySchema: pg.schema,
    });
  }

  /** `monitorPort`: where it will find model-monitor, which needs the registry to start first. */
  async registry({ monitorPort }: { monitorPort?: number } = {}): Promise<RegistryServerProcess> {
    const { pg, s3 } = this.sandbox;
    const registry = await startRegistryServer({
      databaseUrl: pg.connectionString,
      bucket: s3.bucket,
      token: REGISTRY_TOKEN,
      ...(monitorPort === undefined
        ? {}
        : { env: { MODEL_MONITOR_URL: `http://127.0.0.1:${monitorPort}` } }),
    });
    this.onStop(() => registry.stop());
    return registry;
  }

  /** A small synthetic model version per task, each `champion`. */
  async models(registry: RegistryServerProcess): Promise<void> {
    const { pg } = this.sandbox;
    await runScript(
      'services/ml-serving/src/testing/publish-synthetic-models.ts',
      ['--trees', '20', '--leaves', '7', '--rows', '2000'],
      {
        ...registryEnv(registry),
        WAREHOUSE_DATABASE_URL: pg.connectionString,
        FEATURE_REGISTRY_SCHEMA: pg.schema,
      },
    );
  }

  async mlServing(registry: RegistryServerProcess): Promise<ServiceProcess> {
    const { pg, redis, kafka } = this.sandbox;
    return this.service('ml-serving', {
      ...registryEnv(registry),
      WAREHOUSE_DATABASE_URL: pg.connectionString,
      FEATURE_REGISTRY_SCHEMA: pg.schema,
      REDIS_URL: redis.url,
      SERVING_ONLINE_KEY_PREFIX: redis.prefix,
      KAFKA_BROKERS: kafka.brokers.join(','),
      PREDICTION_LOG_TOPIC: kafka.topic,
    });
  }

  async featureServer(): Promise<ServiceProcess> {
    const { pg, redis, kafka } = this.sandbox;
    return this.service('feature-server', {
      WAREHOUSE_DATABASE_URL: pg.connectionString,
      FEATURE_REGISTRY_SCHEMA: pg.schema,
      REDIS_URL: redis.url,
      // Two cores shared with the other test files: a slow read is not what is under test.
      REDIS_COMMAND_TIMEOUT_MS: '10000',
      KAFKA_BROKERS: kafka.brokers.join(','),
      STREAM_ENABLED: 'false',
      MATERIALIZE_SCHEDULE_ENABLED: 'false',
    });
  }

  async modelMonitor(registry: RegistryServerProcess, port?: number): Promise<ServiceProcess> {
    const { pg, kafka } = this.sandbox;
    return this.service(
      'model-monitor',
      {
        ...registryEnv(registry),
        WAREHOUSE_DATABASE_URL: pg.connectionString,
        MONITOR_SCHEMA: pg.schema,
        KAFKA_BROKERS: kafka.brokers.join(','),
        PREDICTION_LOG_TOPIC: kafka.topic,
        PREDICTION_SINK_GROUP_ID: uniqueName('sink', '-'),
      },
      '/readyz',
      port,
    );
  }

  async trainer(registry: RegistryServerProcess): Promise<ServiceProcess> {
    const { pg, redis, s3 } = this.sandbox;
    const { s3: s3Settings } = infraSettings();
    const workDir = await mkdtemp(path.join(tmpdir(), 'api-conformance-trainer-'));
    const jobsSchema = `${pg.schema}_jobs`;
    this.onStop(async () => {
      await rm(workDir, { recursive: true, force: true });
      await pg.pool.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`);
    });
    return this.service(
      'trainer',
      {
        ...registryEnv(registry),
        WAREHOUSE_DATABASE_URL: pg.connectionString,
        TRAINER_DB_SCHEMA: jobsSchema,
        FEATURE_REGISTRY_SCHEMA: pg.schema,
        S3_ENDPOINT_URL: s3Settings.endpoint,
        AWS_ACCESS_KEY_ID: s3Settings.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3Settings.secretAccessKey,
        TRAINER_DATASET_BUCKET: s3.bucket,
        TRAINER_MATERIALIZE_FIRST: 'false',
        TRAINER_SCHEDULE_ENABLED: 'false',
        TRAINER_WORK_DIR: workDir,
        REDIS_URL: redis.url,
      },
      '/healthz',
    );
  }

  private async service(
    name: string,
    env: Record<string, string>,
    readyPath = '/readyz',
    port?: number,
  ): Promise<ServiceProcess> {
    const service = await startServiceProcess(name, env, {
      readyPath,
      timeoutMs: 120_000,
      ...(port === undefined ? {} : { port }),
    });
    this.onStop(() => service.stop());
    return service;
  }
}

function registryEnv(registry: RegistryServerProcess): Record<string, string> {
  return { MLFLOW_TRACKING_URI: registry.url, MLFLOW_TRACKING_TOKEN: registry.token };
}
