import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { floorServerCommand } from './floor-server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = {
  'registry-server': 'services/registry-server',
  'ml-serving': 'services/ml-serving',
} as const;

/**
 * How a bench starts a service of ours: as the images run it, `node dist/main.js` over the
 * compiled workspace (`tsc -b` first: the Makefile's bench targets do), or with
 * BENCH_FROM_SOURCE=1 from `src/` through tsx. The two are not the same program to V8: tsx's
 * loader detaches ArrayBuffers, after which every typed-array access pays a detached check.
 */
export function serviceCommand(directory: string, root = REPO_ROOT): string[] {
  if (process.env.BENCH_FROM_SOURCE === '1') return ['--conditions=source', '--import', 'tsx', path.join(root, directory, 'src/main.ts')];
  return [path.join(root, directory, 'dist/main.js')];
}
const PUBLISH_CLI = `${REPO_ROOT}services/ml-serving/src/testing/publish-synthetic-models.ts`;
const ANCHOR_REQUIREMENTS = ['fastapi==0.115.6', 'uvicorn==0.34.0', 'uvloop==0.21.0', 'httptools==0.6.4', 'onnxruntime==1.20.1', 'redis==5.2.1', 'numpy==2.2.6'];

export interface RunningProcess {
  url: string;
  pid: number | undefined;
  /** CPU time the process and its workers have used so far (user + system), in ms: what each request cost it. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_S = 100;

/** utime + stime (ticks) and the parent pid of a process, from /proc/<pid>/stat; undefined once it is gone. */
async function processStat(pid: number): Promise<{ ticks: number; ppid: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return undefined;
  // After the command name (which may hold spaces): state, ppid, …; utime and stime are the 12th and 13th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ticks: Number(fields[11]) + Number(fields[12]), ppid: Number(fields[1]) };
}

/**
 * CPU time used so far by a process and its children (cluster workers, uvicorn workers), in ms.
 * The children are live ones: a rate is measured between two readings while they all run.
 */
async function processTreeCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const own = await processStat(pid);
  if (own === undefined) return Number.NaN;
  let ticks = own.ticks;
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name) && Number(name) !== pid);
  for (const stat of await Promise.all(pids.map((name) => processStat(Number(name))))) {
    if (stat?.ppid === pid) ticks += stat.ticks;
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function started(name: string, child: ChildProcess, url: string, timeoutMs = 120_000): Promise<RunningProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await fetch(`${url}/readyz`).then((response) => response.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exited = once(child, 'exit');
  return {
    url,
    pid: child.pid,
    cpuMs: () => processTreeCpuMs(child.pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A service of this repository as deployed: its own process (main.ts), on a free port. */
export async function startService(name: keyof typeof ENTRY, env: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, serviceCommand(ENTRY[name]), {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return started(name, child, `http://127.0.0.1:${port}`);
}

/** Registers synthetic models for every task (and extra fraud versions); returns what it printed. */
export async function publishSyntheticModels(env: Record<string, string>, args: readonly string[]): Promise<Record<string, { version: string; signature: string }[]>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', PUBLISH_CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, { version: string; signature: string }[]>;
}

/** The floor under any model server here (floor-server.ts): one plain node process on a free port. */
export async function startFloor(options: { redisUrl: string; keyPrefix: string }): Promise<RunningProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, floorServerCommand(options), {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return started('floor', child, `http://127.0.0.1:${port}`);
}

/** FastAPI + onnxruntime + redis-py from PyPI in a venv under the cache dir, `workers` uvicorn workers. */
export async function startAnchor(env: Record<string, string>, workers = 1): Promise<RunningProcess> {
  const venv = spawnSync('bash', [`${REPO_ROOT}infra/local/python-venv.sh`, 'bench-serving', ...ANCHOR_REQUIREMENTS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (venv.status !== 0) throw new Error('could not create the anchor venv (infra/local/python-venv.sh)');
  const port = await freePort();
  const child = spawn(
    `${venv.stdout.trim()}/bin/python`,
    ['-m', 'uvicorn', 'app:app', '--app-dir', `${REPO_ROOT}bench/serving/anchor`, '--host', '127.0.0.1', '--port', String(port), '--workers', String(workers), '--loop', 'uvloop', '--http', 'httptools', '--log-level', 'warning', '--no-access-log'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return started('anchor', child, `http://127.0.0.1:${port}`);
}
