import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '@payments-mlops/registry-client';

const SERVER_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(SERVER_DIR, 'src', 'main.ts');

export const UI_WRITE_TOKEN = 'registry-ui-test-write-token';

export interface LiveRegistryOptions {
  /** A Postgres connection string; the test fixtures' carries its own search_path. */
  databaseUrl: string;
  /** Artifacts in this S3 bucket (MinIO); in a fresh temporary directory otherwise. */
  s3?: {
    endpoint: string;
    bucket: string;
    region?: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
  /** More environment for the process (LOG_LEVEL, REGISTRY_PROTECT_READS, ...). */
  env?: Record<string, string>;
}

export interface LiveRegistry {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** A client holding the write token. */
  client: RegistryClient;
  writeToken: string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls /healthz until it answers 200; fails when the process exits first or after 60 s. */
async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `registry-server exited (${child.exitCode ?? child.signalCode}) before it was healthy`,
      );
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('registry-server was not healthy within 60 s');
}

/** The last lines the process printed, for the error when it dies or never gets healthy. */
function collect(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 200) lines.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('');
}

/**
 * registry-server as it runs in production: its own process (src/main.ts, from source) on a free
 * port of 127.0.0.1, configured only through its environment. Resolves once /healthz answers;
 * `stop()` sends SIGTERM and waits for the graceful shutdown.
 */
export async function startLiveRegistry(options: LiveRegistryOptions): Promise<LiveRegistry> {
  const scratch = options.s3
    ? undefined
    : await mkdtemp(path.join(tmpdir(), 'registry-ui-artifacts-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REGISTRY_DATABASE_URL: options.databaseUrl,
    REGISTRY_DB_POOL_SIZE: '8',
    REGISTRY_WRITE_TOKENS: UI_WRITE_TOKEN,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(options.s3
      ? {
          S3_ENDPOINT_URL: options.s3.endpoint,
          S3_REGION: options.s3.region ?? 'us-east-1',
          REGISTRY_ARTIFACT_BUCKET: options.s3.bucket,
          AWS_ACCESS_KEY_ID: options.s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: options.s3.secretAccessKey,
        }
      : { REGISTRY_ARTIFACT_DIR: scratch ?? '' }),
    ...options.env,
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    cwd: SERVER_DIR,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  try {
    await untilHealthy(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    if (scratch) await rm(scratch, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}:\n${output()}`, { cause: error });
  }

  return {
    url,
    writeToken: UI_WRITE_TOKEN,
    client: new RegistryClient({ baseUrl: url, token: UI_WRITE_TOKEN }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timeout);
      }
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
