import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * feature-server as the image runs it, `node dist/main.js` over the compiled workspace (`make
 * bench-features` runs `tsc -b` first), or with BENCH_FROM_SOURCE=1 from `src/` through tsx.
 */
const COMMAND =
  process.env.BENCH_FROM_SOURCE === '1'
    ? ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('../../services/feature-server/src/main.ts', import.meta.url))]
    : [fileURLToPath(new URL('../../services/feature-server/dist/main.js', import.meta.url))];

export interface RunningServer {
  url: string;
  /** CPU time the process has used so far (user + system, or system alone: the kernel's share), in ms. */
  cpuMs(kind?: 'system'): Promise<number>;
  stop(): Promise<void>;
}

/**
 * CPU time from /proc of a process and its children (the workers of FEATURE_SERVER_WORKERS > 1),
 * so a figure can say what each request cost the server.
 */
export async function processCpuMs(pid: number | undefined, kind?: 'system'): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let total = (((kind === 'system' ? 0 : Number(fields[11])) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const child of children.split(' ').filter(Boolean)) {
    const used = await processCpuMs(Number(child), kind);
    if (Number.isFinite(used)) total += used;
  }
  return total;
}
const CLOCK_TICKS = 100;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** feature-server as deployed (its own process, main.ts), on a free port, ready when /readyz says so. */
export async function startFeatureServer(env: Record<string, string>, nodeOptions: readonly string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, ...COMMAND], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', MATERIALIZE_SCHEDULE_ENABLED: 'false', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // With several workers, /readyz answers as soon as the first listens: wait for all of them.
  const workersListening = Number(env.FEATURE_SERVER_WORKERS ?? '1') > 1 ? once(child, 'message') : Promise.resolve();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`feature-server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('feature-server did not become ready within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await workersListening;
  return {
    url,
    cpuMs: (kind) => processCpuMs(child.pid, kind),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
