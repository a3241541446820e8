import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { httpGet, waitUntilRefused } from './test-fixtures/http-get.js';

const FIXTURE = fileURLToPath(new URL('./test-fixtures/slow-service.ts', import.meta.url));

interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** Every JSON line logged so far. */
  logs: Record<string, unknown>[];
  waitForLog(message: string): Promise<void>;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the fixture service as its own process, the way a service's main.ts runs. */
async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const logs: Record<string, unknown>[] = [];
  const waiters: { message: string; resolve: () => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      for (const waiter of waiters.filter((w) => w.message === entry.msg)) waiter.resolve();
    }
  });
  // 'close' rather than 'exit': it comes once stdout is read to its end, so every line is in logs.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const waitForLog = (message: string) =>
    logs.some((entry) => entry.msg === message)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ message, resolve });
          void exited.then((code) =>
            reject(new Error(`service exited (${code}) before logging '${message}'`)),
          );
        });
  await waitForLog('listening');
  const address = logs.find((entry) => entry.msg === 'listening')?.address as string;
  return { child, port: Number(new URL(address).port), logs, waitForLog, exited };
}

const messages = (service: ServiceProcess) => service.logs.map((entry) => entry.msg);

// Each test is its own process; they run side by side since most of their time is process start-up,
// which on two busy cores (tsx compiling the fixture) can take several seconds.
describe.concurrent('runService', { timeout: 30_000 }, () => {
  it('on SIGTERM drains the in-flight request, refuses new ones, runs onShutdown and exits 0', async ({
    expect,
  }) => {
    const service = await startService({ SLOW_MS: '700', SHUTDOWN_TIMEOUT_MS: '5000' });
    const inFlight = httpGet(service.port, '/slow');
    await service.waitForLog('slow request started');

    service.child.kill('SIGTERM');
    await waitUntilRefused(service.port);

    expect(await inFlight).toEqual({ statusCode: 200, body: '{"finished":true}' });
    expect(await service.exited).toBe(0);
    expect(messages(service)).toEqual(
      expect.arrayContaining([
        'shutting down: draining in-flight requests',
        'requests drained',
        'resources released',
        'shutdown complete',
      ]),
    );
    const order = ['requests drained', 'resources released', 'shutdown complete'].map((m) =>
      messages(service).indexOf(m),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('exits 1 when draining takes longer than the shutdown timeout', async ({ expect }) => {
    const service = await startService({ SLOW_MS: '10000', SHUTDOWN_TIMEOUT_MS: '300' });
    void httpGet(service.port, '/slow').catch(() => undefined);
    await service.waitForLog('slow request started');

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(1);
    expect(messages(service)).toContain(
      'shutdown timed out; exiting with requests or resources still open',
    );
    expect(messages(service)).not.toContain('shutdown complete');
  });

  it('exits 1 at once on a second signal', async ({ expect }) => {
    const service = await startService({ SLOW_MS: '10000', SHUTDOWN_TIMEOUT_MS: '10000' });
    void httpGet(service.port, '/slow').catch(() => undefined);
    await service.waitForLog('slow request started');

    service.child.kill('SIGTERM');
    await service.waitForLog('shutting down: draining in-flight requests');
    service.child.kill('SIGINT');

    expect(await service.exited).toBe(1);
    expect(messages(service)).toContain('second signal while shutting down; exiting now');
  });
});
