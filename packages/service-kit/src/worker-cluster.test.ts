import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@payments-mlops/test-infra';
import { afterAll, describe, it } from 'vitest';
import { httpGet } from './test-fixtures/http-get.js';
import { WORKERS_LISTENING } from './worker-cluster.js';

const FIXTURE = fileURLToPath(new URL('./test-fixtures/cluster-service.ts', import.meta.url));

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface ClusterProcess {
  child: ChildProcess;
  port: number;
  logs: Record<string, unknown>[];
  /** The first IPC message from the primary. */
  notice: Promise<unknown>;
  exited: Promise<number | null>;
}

/** The fixture as its own process with an IPC channel, as the benches start a service. */
async function startCluster(env: Record<string, string>): Promise<ClusterProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  running.push(child);
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean))
      logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const notice = once(child, 'message').then(([message]) => message as unknown);
  return { child, port, logs, notice, exited };
}

async function roleOf(port: number): Promise<{ role: string; pid: number }> {
  const answer = await httpGet(port, '/role');
  return JSON.parse(answer.body) as { role: string; pid: number };
}

function metricValue(metrics: string, name: string): number {
  const found = metrics.split('\n').find((line) => line.startsWith(`${name} `));
  return Number(found?.split(' ').at(-1) ?? Number.NaN);
}

async function until(
  condition: () => Promise<boolean>,
  description: string,
  withinMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Each test is its own cluster of processes, one at a time: on two busy cores, two clusters
// starting side by side starve each other.
describe('superviseWorkers', { timeout: 60_000 }, () => {
  it('tells its parent when every worker listens, gives each its role, answers /metrics for the cluster, restarts a killed worker in its role and drains on SIGTERM', async ({
    expect,
  }) => {
    const service = await startCluster({ WORKERS: '2', SHUTDOWN_TIMEOUT_MS: '5000' });
    expect(await service.notice).toBe(WORKERS_LISTENING);

    // node:cluster hands each new connection to the next worker.
    const answers = await Promise.all(Array.from({ length: 10 }, () => roleOf(service.port)));
    const roles = new Map(answers.map((answer) => [answer.pid, answer.role]));
    expect([...roles.values()].sort()).toEqual(['lead', 'serve']);

    // Whichever worker takes the scrape, it reports both: the counter summed, the gauge as the
    // aggregator the service named.
    for (let scrape = 0; scrape < 4; scrape++) {
      const metrics = (await httpGet(service.port, '/metrics')).body;
      expect(metricValue(metrics, 'cluster_service_role_requests_total')).toBe(10);
      expect(metricValue(metrics, 'cluster_service_role_rank')).toBe(1);
    }

    const lead = [...roles].find(([, role]) => role === 'lead')![0];
    process.kill(lead, 'SIGKILL');
    const restarted = (entry: Record<string, unknown>) =>
      entry.msg === 'worker exited unexpectedly; starting another' && entry.pid === lead;
    // Until the primary has seen the exit, node:cluster may still hand a connection to the dead
    // worker, where it hangs; a client would time out and retry.
    await until(() => Promise.resolve(service.logs.some(restarted)), 'the primary to see the exit');
    expect(service.logs.find(restarted)).toMatchObject({ role: 'lead', signal: 'SIGKILL' });
    await until(async () => {
      const answer = await roleOf(service.port);
      return answer.role === 'lead' && answer.pid !== lead;
    }, 'a new lead worker');

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.logs).toContainEqual(
      expect.objectContaining({ msg: 'every worker has exited', failed: false }),
    );
    expect(service.logs.filter((entry) => entry.msg === 'shutdown complete')).toHaveLength(2);
  });

  it('exits 1 once workers have died restartLimit times within the window', async ({ expect }) => {
    const service = await startCluster({ WORKERS: '2', RESTART_LIMIT: '3', CRASH_ON_START: '1' });
    expect(await service.exited).toBe(1);
    expect(service.logs).toContainEqual(
      expect.objectContaining({ msg: 'workers keep dying; stopping the service', deaths: 3 }),
    );
  });
});
