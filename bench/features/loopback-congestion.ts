import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The TCP congestion control that connections to 127.0.0.1 get, and a way to run part of the bench
 * with another one on the loopback route alone.
 *
 * Why the bench cares: with BBR on loopback (the default of the machines this project is measured
 * on), a large answer can wait tens of milliseconds in the sender's kernel. Loopback segments are
 * 64 KB, the load generator acknowledges them late (delayed ACK), BBR takes those late
 * acknowledgements for a slow path and paces the next segments at a few MB/s: a packet capture of
 * a bare node:http server sending 212 kB showed segments 18 and 32 ms apart and the answer complete
 * after 92 ms, while its event loop never stalled more than 6 ms. CUBIC, Linux's default, does not
 * pace, so the answer leaves as fast as the reader takes it. The route's `congctl` changes the
 * algorithm for new connections to 127.0.0.1 only; nothing else on the machine is touched, and
 * the route is put back as it was.
 */
export interface LoopbackCongestion {
  /** The algorithm new loopback connections use now. */
  algorithm: string;
  /** Where it comes from: the machine-wide sysctl or a `congctl` on the loopback route. */
  source: 'sysctl' | 'route';
}

const LOOPBACK = '127.0.0.1';

export function loopbackCongestion(): LoopbackCongestion {
  const route = loopbackRoute();
  const congctl = route === undefined ? undefined : /\bcongctl (?:lock )?(\S+)/.exec(route)?.[1];
  if (congctl !== undefined) return { algorithm: congctl, source: 'route' };
  const sysctl = readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim();
  return { algorithm: sysctl, source: 'sysctl' };
}

/**
 * Runs `work` with new loopback connections on `algorithm`, then puts the route back. Returns
 * `{ skipped }` with the reason when the route cannot be changed here (not root, no iproute2, the
 * algorithm not available): the caller reports that instead of a figure.
 */
export async function withLoopbackCongestion<T>(algorithm: string, work: () => Promise<T>): Promise<{ result: T } | { skipped: string }> {
  const route = loopbackRoute();
  if (route === undefined) return { skipped: `no local route for ${LOOPBACK} (ip route show table local)` };
  const available = readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').split(/\s+/);
  if (!available.includes(algorithm)) return { skipped: `${algorithm} is not available (${available.join(' ').trim()})` };
  const original = route.replace(/\s*\bcongctl (?:lock )?\S+/, '');
  const changed = ip(['route', 'change', ...original.split(/\s+/), 'table', 'local', 'congctl', algorithm]);
  if (changed !== undefined) return { skipped: `could not set the loopback route's congctl: ${changed}` };
  const restore = () => ip(['route', 'change', ...route.split(/\s+/), 'table', 'local']);
  // A bench stopped with ^C still leaves the machine as it found it.
  process.once('exit', restore);
  let result: T;
  let restoreFailure: string | undefined;
  try {
    result = await work();
  } finally {
    process.removeListener('exit', restore);
    restoreFailure = restore();
  }
  if (restoreFailure !== undefined) throw new Error(`could not restore the loopback route (${route}): ${restoreFailure}`);
  return { result };
}

function loopbackRoute(): string | undefined {
  const shown = spawnSync('ip', ['-o', 'route', 'show', 'table', 'local', 'exact', LOOPBACK], { encoding: 'utf8' });
  if (shown.status !== 0) return undefined;
  const line = shown.stdout.trim();
  return line === '' ? undefined : line;
}

/** Runs `ip`; the error text when it fails. */
function ip(args: string[]): string | undefined {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.error !== undefined) return run.error.message;
  return run.status === 0 ? undefined : run.stderr.trim() || `exit ${run.status}`;
}
