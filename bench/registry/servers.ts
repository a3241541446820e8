import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/* The two servers under test, each started as a process of its own group and stopped with it. */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_TOKEN = 'bench-write-token-0123456789';
export const MLFLOW_REQUIREMENTS = ['mlflow==2.22.5', 'psycopg2-binary==2.9.13', 'pandas==2.3.3', 'sqlalchemy==2.0.58'];

export interface RunningServer {
  name: string;
  baseUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    process.kill(-child.pid, 'SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 5000).unref();
  });
}

export async function startRegistryServer(databaseUrl: string): Promise<RunningServer> {
  const port = await freePort();
  const artifacts = await mkdtemp(path.join(tmpdir(), 'bench-registry-artifacts-'));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'services/registry-server/src/main.ts'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      REGISTRY_DATABASE_URL: databaseUrl,
      REGISTRY_WRITE_TOKENS: BENCH_TOKEN,
      REGISTRY_DB_POOL_SIZE: '20',
      S3_ENDPOINT_URL: '',
      REGISTRY_ARTIFACT_DIR: artifacts,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${baseUrl}/readyz`, child, 60_000);
  return {
    name: 'registry-server',
    baseUrl,
    async stop() {
      await stopGroup(child);
      await rm(artifacts, { recursive: true, force: true });
    },
  };
}

/** MLflow's own tracking server from PyPI, in a cached virtual environment, on its own database. */
export async function startMlflowServer(databaseUrl: string, workers: number): Promise<RunningServer> {
  const { stdout } = await promisify(execFile)('bash', [path.join(REPO_ROOT, 'infra/local/python-venv.sh'), 'registry-anchor', ...MLFLOW_REQUIREMENTS], { timeout: 900_000 });
  const venv = stdout.trim();
  const port = await freePort();
  const artifacts = await mkdtemp(path.join(tmpdir(), 'bench-mlflow-artifacts-'));
  const child = spawn(
    path.join(venv, 'bin', 'mlflow'),
    [
      'server',
      '--backend-store-uri', databaseUrl.replace(/^postgres:/, 'postgresql:'),
      '--artifacts-destination', artifacts,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--workers', String(workers),
      '--gunicorn-opts', '--timeout 300 --graceful-timeout 3',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, GIT_PYTHON_REFRESH: 'quiet' } },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${baseUrl}/health`, child, 180_000);
  return {
    name: 'mlflow 2.22.5',
    baseUrl,
    async stop() {
      await stopGroup(child);
      await rm(artifacts, { recursive: true, force: true });
    },
  };
}
