import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** registry-server's entry point, run as its own process: services never import each other. */
const REGISTRY_MAIN = fileURLToPath(new URL('../../../registry-server/src/main.ts', import.meta.url));
export const REGISTRY_TOKEN = 'ml-serving-test-registry-token';

export interface RegistryProcess {
  url: string;
  token: string;
  /** SIGKILL: the registry vanishes mid-flight, as in an outage. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryProcessOptions {
  /** The registry's Postgres (a test schema's connection string). */
  databaseUrl: string;
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A real registry-server process on the test's Postgres schema and S3 bucket, ready when this resolves. */
export async function startRegistryProcess({ databaseUrl, s3, port }: RegistryProcessOptions): Promise<RegistryProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', REGISTRY_MAIN], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(listenPort),
      LOG_LEVEL: 'warn',
      REGISTRY_DATABASE_URL: databaseUrl,
      REGISTRY_DB_POOL_SIZE: '4',
      S3_ENDPOINT_URL: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      REGISTRY_ARTIFACT_BUCKET: s3.bucket,
      REGISTRY_WRITE_TOKENS: REGISTRY_TOKEN,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${listenPort}`;
  await waitUntilReady(url, child, () => stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    token: REGISTRY_TOKEN,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`registry-server exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`registry-server did not become ready within ${timeoutMs} ms: ${stderr()}`);
}
