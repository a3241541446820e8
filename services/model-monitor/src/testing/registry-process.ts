import { infraSettings } from '@payments-mlops/test-infra';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

const TOKEN = 'model-monitor-test-token';

export interface RegistryProcess extends ServiceProcess {
  token: string;
}

/** A real registry-server over a test's Postgres schema and S3 bucket. */
export async function startRegistry(databaseUrl: string, bucket: string): Promise<RegistryProcess> {
  const { s3 } = infraSettings();
  const registry = await startServiceProcess('registry-server', {
    REGISTRY_DATABASE_URL: databaseUrl,
    S3_ENDPOINT_URL: s3.endpoint,
    S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    REGISTRY_ARTIFACT_BUCKET: bucket,
    REGISTRY_WRITE_TOKENS: TOKEN,
  });
  return { ...registry, token: TOKEN };
}
