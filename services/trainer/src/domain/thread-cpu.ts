import { closeSync, openSync, readSync } from 'node:fs';

/**
 * CPU time of the calling thread, in nanoseconds, where Linux tells it
 * (`/proc/thread-self/schedstat`: time on a CPU, then time waiting, then timeslices). Unlike
 * `process.cpuUsage()`, it leaves out the process' other threads: the garbage collector's helpers,
 * libuv's pool compressing or uploading a snapshot for another job, another library's threads.
 * Elsewhere it falls back to the process' CPU time.
 */
export class ThreadCpuClock {
  private readonly fd: number | undefined;
  private readonly buffer = Buffer.alloc(96);

  constructor() {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** True when the clock reads this thread's own time, not the whole process'. */
  get perThread(): boolean {
    return this.fd !== undefined;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }

  nowNs(): number {
    if (this.fd === undefined) {
      const { user, system } = process.cpuUsage();
      return (user + system) * 1000;
    }
    // A proc file is produced anew on every read from offset 0.
    const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    const text = this.buffer.toString('latin1', 0, length);
    return Number(text.slice(0, text.indexOf(' ')));
  }
}
