import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ThreadCpuClock } from './thread-cpu.js';

/** A worker thread of this process, busy for `ms` of its own time. */
function busyThread(ms: number): Promise<void> {
  const worker = new Worker(`const until = performance.now() + ${ms}; while (performance.now() < until);`, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
}

describe('ThreadCpuClock', () => {
  it("counts this thread's CPU time only: a busy worker thread of the same process stays out", async () => {
    const clock = new ThreadCpuClock();
    try {
      // Linux, as on every machine the trainer runs on; elsewhere it is the process' time.
      expect(clock.perThread).toBe(process.platform === 'linux');
      const threadStarted = clock.nowNs();
      const processStarted = process.cpuUsage();
      await busyThread(300);
      const threadMs = (clock.nowNs() - threadStarted) / 1e6;
      const processUsed = process.cpuUsage(processStarted);
      const processMs = (processUsed.user + processUsed.system) / 1000;
      expect(processMs).toBeGreaterThan(250);
      // Starting the worker and waiting for it costs this thread a few milliseconds at most.
      expect(threadMs).toBeLessThan(100);
    } finally {
      clock.close();
    }
  });

  it('counts work on this thread', () => {
    const clock = new ThreadCpuClock();
    try {
      const started = clock.nowNs();
      const until = performance.now() + 50;
      while (performance.now() < until);
      const usedMs = (clock.nowNs() - started) / 1e6;
      expect(usedMs).toBeGreaterThan(30);
      expect(usedMs).toBeLessThan(500);
    } finally {
      clock.close();
    }
  });
});
