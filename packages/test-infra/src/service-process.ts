import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraSettings } from './settings.js';
import { waitFor } from './wait-for.js';

/*
 * The repository's services as real processes, the way `make up` runs them: services never import
 * each other, so a test that needs another service starts its main.ts on a free port.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  url: string;
  port: number;
  /** SIGTERM, then waits for the exit: the service drains as in production. */
  stop(): Promise<void>;
  /** SIGKILL: the service vanishes mid-flight, as in an outage. */
  kill(): Promise<void>;
  /** The last few KB of its stdout and stderr. */
  output(): string;
}

export interface ServiceProcessOptions {
  /** Answering 2xx here means started. Default `/readyz`. */
  readyPath?: string;
  /** Default 60 s: starting a TypeScript process on two busy cores takes seconds. */
  timeoutMs?: number;
  /** A fixed port; a free one by default. */
  port?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A repository TypeScript entry point (relative to the repository root) run from source. */
function spawnEntry(entry: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    // Only what the test names: the developer's own environment must not leak settings in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

/** Runs a repository script (e.g. a CLI) to completion; throws with its output when it fails. */
export async function runScript(entry: string, args: string[], env: Record<string, string>): Promise<string> {
  const { child, output } = spawnEntry(entry, args, env);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${entry} exited ${code}:\n${output()}`);
  return output();
}

/** `services/<service>/src/main.ts` as its own process; resolves once `readyPath` answers 2xx. */
export async function startServiceProcess(
  service: string,
  env: Record<string, string>,
  { readyPath = '/readyz', timeoutMs = 60_000, port }: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const listenPort = port ?? (await freePort());
  const { child, output } = spawnEntry(`services/${service}/src/main.ts`, [], { HOST: '127.0.0.1', PORT: String(listenPort), ...env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${listenPort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${service} exited ${child.exitCode} during start-up:\n${output()}`);
        return (await fetch(`${url}${readyPath}`).catch(() => undefined))?.ok === true;
      },
      { timeoutMs, intervalMs: 200, description: `${service} ${readyPath}` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { url, port: listenPort, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL'), output };
}

export interface RegistryServerOptions {
  /** The registry's Postgres: a test schema's connection string. */
  databaseUrl: string;
  /** The test's S3 bucket for artifacts. */
  bucket: string;
  /** The bearer token writes need. */
  token: string;
  port?: number;
  /** More of its environment, e.g. MODEL_MONITOR_URL. */
  env?: Record<string, string>;
}

export interface RegistryServerProcess extends ServiceProcess {
  token: string;
}

/** A real registry-server over a test's Postgres schema and S3 bucket, ready when this resolves. */
export async function startRegistryServer({ databaseUrl, bucket, token, port, env = {} }: RegistryServerOptions): Promise<RegistryServerProcess> {
  const { s3 } = infraSettings();
  const registry = await startServiceProcess(
    'registry-server',
    {
      REGISTRY_DATABASE_URL: databaseUrl,
      REGISTRY_DB_POOL_SIZE: '4',
      S3_ENDPOINT_URL: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      REGISTRY_ARTIFACT_BUCKET: bucket,
      REGISTRY_WRITE_TOKENS: token,
      ...env,
    },
    port === undefined ? {} : { port },
  );
  return { ...registry, token };
}
