import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The fixed-rate wrk script of bench/features, shared: each @ID@ of a body becomes a random seven-digit id. */
const CONSTANT_RATE = fileURLToPath(new URL('../features/constant-rate.lua', import.meta.url));

export interface LoadResult {
  rate: number;
  requests: number;
  errors: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Requests sent more than 1 ms behind their slot (every connection busy): the server fell behind. */
  late: number;
}

/** wrk (C) leaves more of the two cores to the server than a Node generator; installed on first use. */
export function ensureWrk(): void {
  if (spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0) return;
  const install = spawnSync('sh', ['-c', 'apt-get install -y wrk || (apt-get update && apt-get install -y wrk)'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0) throw new Error('could not install wrk (apt-get install -y wrk)');
}

/** POSTs `template` to `url` at `rate` requests/s for `seconds`, ids drawn below `ids`. */
export async function runLoad({ url, rate, seconds, connections, ids, template }: { url: string; rate: number; seconds: number; connections: number; ids: number; template: string }): Promise<LoadResult> {
  const directory = await mkdtemp(path.join(tmpdir(), 'serving-bench-'));
  try {
    const body = path.join(directory, 'body.json');
    await writeFile(body, template);
    const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', CONSTANT_RATE, url, '--', String(rate), String(ids), body], { maxBuffer: 1 << 20 });
    const line = stdout.split('\n').find((text) => text.startsWith('{"requests"'));
    if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
    const summary = JSON.parse(line) as { requests: number; durationUs: number; non200: number; socketErrors: number; p50Us: number; p99Us: number; maxUs: number; late: number };
    return {
      rate,
      requests: summary.requests,
      errors: summary.non200 + summary.socketErrors,
      rps: summary.requests / (summary.durationUs / 1e6),
      p50: summary.p50Us / 1000,
      p99: summary.p99Us / 1000,
      max: summary.maxUs / 1000,
      late: summary.late,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * A rate counts as sustained when nothing failed, p99 stayed under the bound and the server kept
 * up: at least 95 % of the rate answered and at most 5 % of requests sent late (a late request's
 * wait is not in its latency, so more would flatter the p99).
 */
export function sustained(result: LoadResult, p99BoundMs: number): boolean {
  return result.errors === 0 && result.p99 < p99BoundMs && result.rps >= 0.95 * result.rate && result.late <= 0.05 * result.requests;
}

/** Steps up the rate until one is not sustained; returns every step measured. */
export async function highestRate(options: Omit<Parameters<typeof runLoad>[0], 'rate'>, rates: readonly number[], p99BoundMs: number): Promise<{ best: LoadResult | undefined; steps: LoadResult[] }> {
  const steps: LoadResult[] = [];
  let best: LoadResult | undefined;
  for (const rate of rates) {
    // A pause between steps, so one step's backlog is not measured in the next.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const result = await runLoad({ ...options, rate });
    steps.push(result);
    if (!sustained(result, p99BoundMs)) break;
    best = result;
  }
  return { best, steps };
}
