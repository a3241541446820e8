import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { infraSettings, waitFor } from '@payments-mlops/test-infra';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** registry-server's entry point, run as a process of its own: services never import each other. */
const REGISTRY_MAIN = fileURLToPath(
  new URL('../../../registry-server/src/main.ts', import.meta.url),
);
const TOKEN = 'model-monitor-test-token';

export interface RegistryProcess {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** A real registry-server on port 0 over a test's Postgres schema and S3 bucket; resolves once ready. */
export async function startRegistry(databaseUrl: string, bucket: string): Promise<RegistryProcess> {
  const { s3 } = infraSettings();
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', REGISTRY_MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      REGISTRY_DATABASE_URL: databaseUrl,
      S3_ENDPOINT_URL: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      REGISTRY_ARTIFACT_BUCKET: bucket,
      REGISTRY_WRITE_TOKENS: TOKEN,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`registry-server exited with ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'registry-server /readyz' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    token: TOKEN,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
