/**
 * make bench-registry: registry-server and MLflow's own server (2.22.5, from PyPI) on the same
 * Postgres, each on a fresh database of its own, through the same MLflow REST API workloads:
 *   - runs/create throughput from 16 concurrent clients;
 *   - log-batch of 1,000 metrics, latency;
 *   - runs/search over 25,000 runs with a metric filter and order_by, max_results 1000, latency;
 *   - 16 writers logging batches to one run for 30 s: errors, and metrics lost (acknowledged but
 *     not stored).
 * The servers run one after the other, never at once: load generator and server share 2 cores.
 *
 *   node --conditions=source --import tsx bench/registry/bench.ts [--runs 25000] [--writer-seconds 30] [--skip-mlflow]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { JsonClient } from './http-client.js';
import { countMetrics, seedMlflowRuns, seedRegistryRuns } from './seed-runs.js';
import { BENCH_TOKEN, REPO_ROOT, startMlflowServer, startRegistryServer, type RunningServer } from './servers.js';
import { concurrentWriters, createExperiment, createRun, createRunsRate, logBatchLatency, searchLatency } from './workloads.js';

interface Options {
  runs: number;
  writerSeconds: number;
  createSeconds: number;
  skipMlflow: boolean;
  mlflowWorkers: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number) => {
    const index = argv.indexOf(flag);
    return index === -1 ? fallback : Number(argv[index + 1]);
  };
  return {
    runs: value('--runs', 25_000),
    writerSeconds: value('--writer-seconds', 30),
    createSeconds: value('--create-seconds', 10),
    mlflowWorkers: value('--mlflow-workers', 4),
    skipMlflow: argv.includes('--skip-mlflow'),
  };
}

const TARGETS = { runsPerSecond: 2000, logBatchP50: 50, searchP50: 100 };

const baseDatabaseUrl = process.env.REGISTRY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mlflow';

function databaseUrl(name: string): string {
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freshDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).finally(() => admin.end());
}

type Seeder = (pool: pg.Pool, experimentId: string, count: number) => Promise<void>;

async function measure(server: RunningServer, database: string, seed: Seeder, options: Options) {
  const client = new JsonClient(server.baseUrl, { authorization: `Bearer ${BENCH_TOKEN}` });
  const pool = new pg.Pool({ connectionString: databaseUrl(database), max: 2 });
  const log = (message: string) => console.error(`[${server.name}] ${message}`);
  try {
    log('runs/create from 16 clients');
    const createExperimentId = await createExperiment(client, 'bench-create');
    const create = await createRunsRate(client, createExperimentId, 16, options.createSeconds * 1000);

    log('log-batch of 1,000 metrics');
    const batchRun = await createRun(client, createExperimentId);
    const logBatch = await logBatchLatency(client, batchRun, 30);

    log(`seeding ${options.runs} runs, then runs/search`);
    const searchExperimentId = await createExperiment(client, 'bench-search');
    await seed(pool, searchExperimentId, options.runs);
    const search = await searchLatency(client, searchExperimentId, 15);

    log(`16 writers to one run for ${options.writerSeconds} s`);
    const writerRun = await createRun(client, createExperimentId);
    const writers = await concurrentWriters(client, writerRun, 16, options.writerSeconds * 1000, 100);
    const stored = await countMetrics(pool, writerRun);
    return { create, logBatch, search, writers: { ...writers, stored, lost: Math.max(0, writers.acknowledged - stored) } };
  } finally {
    client.close();
    await pool.end();
  }
}

type Result = Awaited<ReturnType<typeof measure>>;

function report(results: { name: string; result: Result }[]): string {
  const columns = results.map(({ name }) => name);
  const rows: [string, (r: Result) => string, string][] = [
    ['runs/create, 16 clients (runs/s)', (r) => r.create.runsPerSecond.toFixed(0), `>= ${TARGETS.runsPerSecond}`],
    ['runs/create latency p50 (ms)', (r) => r.create.latency.p50.toFixed(1), ''],
    ['log-batch 1,000 metrics p50 (ms)', (r) => r.logBatch.p50.toFixed(1), `<= ${TARGETS.logBatchP50}`],
    ['log-batch 1,000 metrics p95 (ms)', (r) => r.logBatch.p95.toFixed(1), ''],
    ['runs/search 25k runs, filter+order, 1000 p50 (ms)', (r) => `${r.search.p50.toFixed(1)} (${r.search.returned} runs)`, `<= ${TARGETS.searchP50}`],
    ['runs/search p95 (ms)', (r) => r.search.p95.toFixed(1), ''],
    ['16 writers x 30 s: metrics acknowledged', (r) => String(r.writers.acknowledged), ''],
    ['16 writers: failed calls', (r) => String(r.writers.errors), '0'],
    ['16 writers: metrics lost', (r) => String(r.writers.lost), '0'],
  ];
  const width = [52, ...columns.map((c) => Math.max(22, c.length + 2)), 10];
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width[i] ?? 16)).join('');
  return [line(['', ...columns, 'target']), ...rows.map(([label, cell, target]) => line([label, ...results.map(({ result }) => cell(result)), target]))].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const results: { name: string; result: Result }[] = [];

  await freshDatabase('registry_bench');
  const ours = await startRegistryServer(databaseUrl('registry_bench'));
  try {
    results.push({ name: ours.name, result: await measure(ours, 'registry_bench', seedRegistryRuns, options) });
  } finally {
    await ours.stop();
    await dropDatabase('registry_bench');
  }

  if (!options.skipMlflow) {
    await freshDatabase('registry_bench_mlflow');
    const mlflow = await startMlflowServer(databaseUrl('registry_bench_mlflow'), options.mlflowWorkers);
    try {
      results.push({ name: `${mlflow.name} (${options.mlflowWorkers} workers)`, result: await measure(mlflow, 'registry_bench_mlflow', seedMlflowRuns, options) });
    } finally {
      await mlflow.stop();
      await dropDatabase('registry_bench_mlflow');
    }
  }

  const table = report(results);
  console.log(table);
  for (const { name, result } of results) {
    if (result.writers.errorSamples.length > 0) console.log(`${name} writer errors, e.g.: ${result.writers.errorSamples.join(' | ')}`);
  }
  const directory = path.join(REPO_ROOT, 'bench', 'results');
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, `registry-${new Date().toISOString().replaceAll(':', '-')}.json`), JSON.stringify({ options, results }, null, 2));
}

await main();
