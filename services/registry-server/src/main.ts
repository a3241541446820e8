import { S3Client } from '@aws-sdk/client-s3';
import { createLogger, createMetrics, createPgPool, loadConfig, runService } from '@payments-mlops/service-kit';
import { SERVICE_NAME, buildApp, storeContext } from './app.js';
import { RegistryConfig } from './config.js';
import type { ArtifactStore } from './stores/artifacts/artifact-store.js';
import { localArtifactStore } from './stores/artifacts/local-artifact-store.js';
import { ensureBucket, s3ArtifactStore } from './stores/artifacts/s3-artifact-store.js';
import { prepareRegistryDatabase } from './stores/postgres/schema.js';

const config = loadConfig(RegistryConfig);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
const metrics = createMetrics(SERVICE_NAME);
const pool = createPgPool(config.REGISTRY_DATABASE_URL, { applicationName: SERVICE_NAME, max: config.REGISTRY_DB_POOL_SIZE, logger });

let s3: S3Client | undefined;
let artifactStore: ArtifactStore;
if (config.S3_ENDPOINT_URL !== undefined) {
  // Credentials come from the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
  s3 = new S3Client({ endpoint: config.S3_ENDPOINT_URL, region: config.S3_REGION, forcePathStyle: true });
  await ensureBucket(s3, config.REGISTRY_ARTIFACT_BUCKET);
  artifactStore = s3ArtifactStore(s3, { bucket: config.REGISTRY_ARTIFACT_BUCKET, prefix: config.REGISTRY_ARTIFACT_PREFIX });
} else {
  artifactStore = localArtifactStore(config.REGISTRY_ARTIFACT_DIR);
}

const deps = { pool, defaultArtifactRoot: config.REGISTRY_DEFAULT_ARTIFACT_ROOT };
const applied = await prepareRegistryDatabase(pool, storeContext(deps));
if (applied.length > 0) logger.info({ applied }, 'migrations applied');

const app = await buildApp({
  ...deps,
  artifactStore,
  logger,
  metrics,
  maxArtifactBytes: config.REGISTRY_ARTIFACT_MAX_BYTES,
  modelMonitor: { baseUrl: config.MODEL_MONITOR_URL, timeoutMs: config.MODEL_MONITOR_TIMEOUT_MS },
  auth: {
    writeTokens: config.REGISTRY_WRITE_TOKENS,
    readTokens: config.REGISTRY_READ_TOKENS,
    protectReads: config.REGISTRY_PROTECT_READS,
    disabled: config.REGISTRY_AUTH_DISABLED,
  },
});
if (config.REGISTRY_AUTH_DISABLED) logger.warn('REGISTRY_AUTH_DISABLED=true: anyone who can reach this port can write');
logger.info(
  { artifacts: artifactStore.kind, defaultArtifactRoot: config.REGISTRY_DEFAULT_ARTIFACT_ROOT, modelMonitor: config.MODEL_MONITOR_URL },
  'registry ready',
);

await runService({
  app,
  host: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await pool.end();
    s3?.destroy();
  },
});
