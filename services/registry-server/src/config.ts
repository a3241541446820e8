import { BaseServiceConfig, envBoolean, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

const tokenList = z
  .string()
  .transform((value) => value.split(',').map((token) => token.trim()).filter((token) => token.length > 0))
  .pipe(z.array(z.string().min(16, { error: 'each token must be at least 16 characters' })));

/**
 * registry-server's environment. Artifacts go to S3 when S3_ENDPOINT_URL is set (MinIO locally),
 * otherwise to REGISTRY_ARTIFACT_DIR on the local filesystem.
 */
export const RegistryConfig = BaseServiceConfig.extend({
  PORT: envInteger({ min: 0, max: 65_535 }).default(5000),
  REGISTRY_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/mlflow'),
  REGISTRY_DB_POOL_SIZE: envInteger({ min: 1, max: 200 }).default(16),
  /** Where experiments created without a location keep artifacts; the proxy serves mlflow-artifacts:/. */
  REGISTRY_DEFAULT_ARTIFACT_ROOT: z.string().default('mlflow-artifacts:/'),
  S3_ENDPOINT_URL: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  REGISTRY_ARTIFACT_BUCKET: z.string().default('mlflow-artifacts'),
  REGISTRY_ARTIFACT_PREFIX: z.string().default(''),
  REGISTRY_ARTIFACT_DIR: z.string().default('.data/registry-artifacts'),
  /** Largest artifact the proxy accepts, in bytes (default 5 GiB). */
  REGISTRY_ARTIFACT_MAX_BYTES: envInteger({ min: 1 }).default(5 * 1024 ** 3),
  /** Comma-separated bearer tokens allowed to write (and read). */
  REGISTRY_WRITE_TOKENS: tokenList.default([]),
  /** Comma-separated bearer tokens allowed to read only. */
  REGISTRY_READ_TOKENS: tokenList.default([]),
  /** When true, reads need a token too. */
  REGISTRY_PROTECT_READS: envBoolean.default(false),
  /** When true, no token is checked at all; for a registry on a developer's machine only. */
  REGISTRY_AUTH_DISABLED: envBoolean.default(false),
  /** model-monitor, whose drift and performance reports the UI shows per model version (read-only). */
  MODEL_MONITOR_URL: z.url().default('http://127.0.0.1:8004'),
  /** How long the UI's monitoring requests wait for model-monitor before answering 503. */
  MODEL_MONITOR_TIMEOUT_MS: envInteger({ min: 100, max: 120_000 }).default(10_000),
}).check((context) => {
  const config = context.value;
  if (!config.REGISTRY_AUTH_DISABLED && config.REGISTRY_WRITE_TOKENS.length === 0) {
    context.issues.push({
      code: 'custom',
      input: config.REGISTRY_WRITE_TOKENS,
      path: ['REGISTRY_WRITE_TOKENS'],
      message: 'is required: writes need a token (or set REGISTRY_AUTH_DISABLED=true on a developer machine)',
    });
  }
});
export type RegistryConfig = z.infer<typeof RegistryConfig>;
