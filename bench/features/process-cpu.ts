import { readFileSync, readdirSync } from 'node:fs';

/** CPU time in ms (user + system) of every process named `name` here, from /proc: what a local server spent. */
export function processCpuMs(name: string): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
      const fields = stat.slice(close + 2).split(' ');
      // utime, stime, and cutime, cstime: a backend's time moves to the postmaster when it exits.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** CPU ms of this process, Postgres and Redis since `start()`, for figures on a shared machine. */
export function cpuMeter(): () => { node: number; postgres: number; redis: number } {
  const node = process.cpuUsage();
  const postgres = processCpuMs('postgres');
  const redis = processCpuMs('redis-server');
  return () => {
    const used = process.cpuUsage(node);
    return { node: (used.user + used.system) / 1000, postgres: processCpuMs('postgres') - postgres, redis: processCpuMs('redis-server') - redis };
  };
}

export const cpuText = (cpu: { node: number; postgres: number; redis: number }, rows: number): string =>
  `CPU ${(cpu.node / 1000).toFixed(1)} s Node + ${(cpu.postgres / 1000).toFixed(1)} s Postgres + ${(cpu.redis / 1000).toFixed(1)} s Redis` +
  ` (${((cpu.node * 1000) / rows).toFixed(1)} + ${((cpu.postgres * 1000) / rows).toFixed(1)} + ${((cpu.redis * 1000) / rows).toFixed(1)} µs/row)`;
