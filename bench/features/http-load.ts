import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SCRIPT = fileURLToPath(new URL('./constant-rate.lua', import.meta.url));

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Requests sent more than 1 ms after their slot because every connection was busy. */
  late: number;
  maxLateMs: number;
}

/**
 * wrk (C, from Debian) so that the load generator leaves the server most of the machine; the
 * Node generator used before (autocannon) cost about as much CPU as the server it measured.
 * Installed on first use, as the other bench prerequisites are.
 */
export function ensureWrk(): void {
  if (spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0) return;
  const install = spawnSync('sh', ['-c', 'apt-get install -y wrk || (apt-get update && apt-get install -y wrk)'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0) throw new Error('could not install wrk (apt-get install -y wrk)');
}

/**
 * POSTs to `/get-online-features` at a fixed `rate` for `seconds` over `connections` keep-alive
 * connections (one wrk thread, constant-rate.lua). Every `@ID@` of `template` becomes a random id
 * below `ids` in each request. Latency is wrk's, per request from its write to its answer, in
 * microseconds; requests sent behind schedule are counted, since their wait is not in it.
 */
export async function runLoad({ url, rate, seconds, connections, ids, template }: {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  ids: number;
  template: string;
}): Promise<LoadResult> {
  const directory = await mkdtemp(path.join(tmpdir(), 'feature-bench-load-'));
  try {
    const body = path.join(directory, 'body.json');
    await writeFile(body, template);
    const { stdout } = await promisify(execFile)(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', SCRIPT, `${url}/get-online-features`, '--', String(rate), String(ids), body],
      { maxBuffer: 1 << 20 },
    );
    const line = stdout.split('\n').find((text) => text.startsWith('{"requests"'));
    if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
    const summary = JSON.parse(line) as {
      requests: number; durationUs: number; non200: number; socketErrors: number;
      p50Us: number; p99Us: number; p999Us: number; maxUs: number; late: number; maxLateMs: number;
    };
    return {
      requests: summary.requests,
      errors: summary.non200 + summary.socketErrors,
      rps: summary.requests / (summary.durationUs / 1e6),
      p50: summary.p50Us / 1000,
      p99: summary.p99Us / 1000,
      p999: summary.p999Us / 1000,
      max: summary.maxUs / 1000,
      late: summary.late,
      maxLateMs: summary.maxLateMs,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
