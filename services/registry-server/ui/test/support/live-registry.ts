import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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

/** Everything the process printed, for the error when it dies or never listens. */
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
 * registry-server as it runs in production: its own process (src/main.ts, from source) on an
 * ephemeral port of 127.0.0.1, configured only through its environment. Resolves once it logs
 * that it listens; `stop()` sends SIGTERM and waits for the graceful shutdown.
 */
export async function startLiveRegistry(options: LiveRegistryOptions): Promise<LiveRegistry> {
  const scratch = options.s3
    ? undefined
    : await mkdtemp(path.join(tmpdir(), 'registry-ui-artifacts-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
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
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error('registry-server did not listen within 60 s')),
      60_000,
    );
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; address?: string };
          if (entry.msg === 'listening' && entry.address) {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            resolve(entry.address);
          }
        } catch {
          // Not a JSON log line.
        }
      }
    };
    const onExit = (code: number | null) =>
      fail(new Error(`registry-server exited with ${code} before listening`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}:\n${output()}`));
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

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
