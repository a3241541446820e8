/**
 * Server CPU per request of ONE ml-serving process (SERVING_WORKERS=1, path reasons, prediction
 * log on, LOG_LEVEL=warn unless --log-level), each endpoint at a fixed rate: the figure that says
 * where a change to the hot path lands, however busy the machine is with other work.
 * `--profile <dir>` runs the process under `--cpu-prof` and prints its top self-time functions;
 * `--analyze <dir>` only prints those of a profile already there.
 *
 * The machine is shared, so a figure alone moves with everyone else's load. `--baseline-patch
 * <file>` also runs a baseline ml-serving, from a copy of this working tree with the patch
 * reverse-applied (e.g. `git show <your commits> -- <paths> > p`), built and run as this tree is,
 * the two measured in alternating rounds so that drift in the machine's load hits both alike.
 *
 * "This tree" runs as the image does, from `dist/` (`make compile` first), unless BENCH_FROM_SOURCE=1;
 * `--compare-source` adds the same tree run from `src/` through tsx; `--compare-env KEY=VALUE,…` the
 * same tree with those variables changed; `--floor` the floor under any model server here (bare node:http,
 * one Redis read, a fixed answer: floor-server.ts), so that a p99 can be read against the machine's own.
 *
 *   node --conditions=source --import tsx bench/serving/cpu-per-request.ts [--rate 1000] [--seconds 10] [--rounds 3] [--profile dir] [--compare-source] [--compare-env KEY=VALUE,…] [--floor]
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { INFERENCE_EXAMPLES } from '@payments-mlops/contracts';
import { PostgresRegistryStore, RedisOnlineStore, RegistryCache, applyFeatureRepo } from '@payments-mlops/feature-store';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import pg from 'pg';
import { BenchSandbox, INFRA as infra } from './bench-infra.js';
import { ensureWrk, runLoad } from './load.js';
import { writeOnlineFeatures } from './online-data.js';
import { floorServerCommand } from './floor-server.js';
import { REPO_ROOT, freePort, publishSyntheticModels, serviceCommand, startService, type RunningProcess } from './processes.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    /** Only print the profile already in this directory. */
    analyze: { type: 'string' },
    'baseline-patch': { type: 'string' },
    /** Node/V8 flags for this tree's process only (e.g. --max-semi-space-size=16), to try one against the baseline. */
    'node-flags': { type: 'string', default: '' },
    /** Also runs this tree with these variables changed (`KEY=VALUE,KEY=VALUE`), e.g. a setting's default against another value; repeatable. */
    'compare-env': { type: 'string', multiple: true, default: [] },
    /** Also runs ml-serving from src/ through tsx beside this tree's (from dist/ unless BENCH_FROM_SOURCE=1). */
    'compare-source': { type: 'boolean', default: false },
    /** Also runs the floor: bare node:http, one Redis read, a fixed answer (floor-server.ts). */
    floor: { type: 'boolean', default: false },
  },
});
if (args.analyze !== undefined) {
  await printProfile(path.resolve(args.analyze));
  process.exit(0);
}
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const IDS = 2_000;
const FLOOR = 'floor (node:http + Redis)';
const TOKEN = 'cpu-per-request-registry-token';
const CLOCK_TICKS_PER_S = 100;

/**
 * The bodies make bench-serving sends: each contract example with a random id per entity (only
 * the entity fields it has), its timestamp and original payment dropped, a first retry attempt.
 */
const ENTITY_TEMPLATES: Readonly<Record<string, string>> = { payment_id: 'pay_@ID@', customer_id: 'cus_@ID@', merchant_id: 'mer_@ID@', card_id: 'card_@ID@' };
function loadBody(example: object, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...example, ...extra };
  for (const key of Object.keys(body)) if (key in ENTITY_TEMPLATES) body[key] = ENTITY_TEMPLATES[key];
  delete body.initiated_at;
  delete body.original_payment_id;
  return body;
}
const ENDPOINTS = [
  { path: '/fraud/score', body: loadBody(INFERENCE_EXAMPLES.fraudScore.request) },
  { path: '/retry/strategy', body: loadBody(INFERENCE_EXAMPLES.retryStrategy.request, { attempt_number: 1 }) },
  { path: '/churn/predict', body: loadBody(INFERENCE_EXAMPLES.churnPredict.request) },
  { path: '/recovery/recommend', body: loadBody(INFERENCE_EXAMPLES.recoveryRecommend.request) },
];

const tag = `cpu_per_request_${process.pid}`;
const sandbox = new BenchSandbox(tag);
const processes: RunningProcess[] = [];
const scratch = await mkdtemp(path.join(tmpdir(), 'cpu-per-request-'));
const log = (message: string) => process.stderr.write(`[cpu-per-request] ${message}\n`);

try {
  ensureWrk();
  await sandbox.create();
  const pool = new pg.Pool({ connectionString: sandbox.databaseUrl, max: 4 });
  await migrateWarehouse(pool);
  await applyFeatureRepo({ directory: path.join(REPO_ROOT, 'feature-repo'), pool, appliedBy: 'cpu-per-request', registrySchema: tag });
  const definitions = new RegistryCache({ store: new PostgresRegistryStore({ pool, schema: tag }), project: 'payments_mlops' });
  const catalog = (await definitions.start())!;
  definitions.stop();
  await pool.end();

  log('registry-server, 200-tree models, online features');
  const registry = await startService('registry-server', {
    REGISTRY_DATABASE_URL: sandbox.databaseUrl, S3_ENDPOINT_URL: infra.s3.endpoint, S3_REGION: infra.s3.region, AWS_ACCESS_KEY_ID: infra.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: infra.s3.secretAccessKey, REGISTRY_ARTIFACT_BUCKET: sandbox.bucket, REGISTRY_WRITE_TOKENS: TOKEN,
  });
  processes.push(registry);
  await publishSyntheticModels(
    { MLFLOW_TRACKING_URI: registry.url, MLFLOW_TRACKING_TOKEN: TOKEN, WAREHOUSE_DATABASE_URL: sandbox.databaseUrl, FEATURE_REGISTRY_SCHEMA: tag },
    ['--trees', '200', '--out', scratch],
  );
  await writeOnlineFeatures(new RedisOnlineStore({ redis: sandbox.redis, keyPrefix: sandbox.keyPrefix }), catalog, IDS);

  const profileDir = args.profile === undefined ? undefined : path.resolve(args.profile);
  const env = {
    REDIS_URL: infra.redisUrl, WAREHOUSE_DATABASE_URL: sandbox.databaseUrl, FEATURE_REGISTRY_SCHEMA: tag, MLFLOW_TRACKING_URI: registry.url,
    MLFLOW_TRACKING_TOKEN: TOKEN, SERVING_ONLINE_KEY_PREFIX: sandbox.keyPrefix, SERVING_REASONS: 'path', SERVING_WORKERS: '1',
    SERVING_PREDICTION_LOG_ENABLED: 'true', LOG_LEVEL: args['log-level'],
  };
  const servers: { name: string; process: ServingProcess }[] = [];
  if (args['baseline-patch'] !== undefined) {
    const root = await baselineTree(path.resolve(args['baseline-patch']), path.join(scratch, 'baseline'));
    servers.push({ name: 'baseline', process: await startServing(root, undefined, env, [], serviceCommand('services/ml-serving', root)) });
    processes.push(servers[0]!.process);
  }
  const nodeFlags = args['node-flags'].split(' ').filter(Boolean);
  for (const variant of args['compare-env']) {
    const changed = Object.fromEntries(variant.split(',').map((pair) => pair.split('=', 2) as [string, string]));
    servers.push({ name: variant, process: await startServing(REPO_ROOT, undefined, { ...env, ...changed }, nodeFlags, serviceCommand('services/ml-serving')) });
    processes.push(servers.at(-1)!.process);
  }
  if (args['compare-source']) {
    servers.push({ name: 'from src (tsx)', process: await startServing(REPO_ROOT, undefined, env, nodeFlags) });
    processes.push(servers.at(-1)!.process);
  }
  if (args.floor) {
    servers.push({ name: FLOOR, process: await startServing(REPO_ROOT, undefined, env, [], floorServerCommand({ redisUrl: infra.redisUrl, keyPrefix: sandbox.keyPrefix })) });
    processes.push(servers.at(-1)!.process);
  }
  servers.unshift({ name: 'this tree', process: await startServing(REPO_ROOT, profileDir, env, nodeFlags, serviceCommand('services/ml-serving')) });
  processes.push(servers[0]!.process);

  const figures = new Map<string, number[]>(servers.flatMap((server) => ENDPOINTS.map((endpoint) => [`${server.name} ${endpoint.path}`, []])));
  // User time alone: the process's own work, without the kernel's share of its I/O, which moves most with the machine's load.
  const userFigures = new Map<string, number[]>([...figures.keys()].map((key) => [key, []]));
  // Latency by server over all its rounds and endpoints: what the loop and the client saw.
  const lagP99s = new Map<string, number[]>(servers.map((server) => [server.name, []]));
  const wrkP99s = new Map<string, number[]>(servers.map((server) => [server.name, []]));
  const load = (server: RunningProcess, endpoint: (typeof ENDPOINTS)[number], rate: number, seconds: number) =>
    runLoad({ url: `${server.url}${endpoint.path}`, rate, seconds, connections: 16, ids: IDS, template: JSON.stringify(endpoint.body) });
  for (const server of servers) for (const endpoint of ENDPOINTS) await load(server.process, endpoint, 500, 3); // warm-up: JIT, connections
  for (let round = 0; round < ROUNDS; round++) {
    for (const endpoint of ENDPOINTS) {
      // Alternating which goes first, so neither always follows the other's load.
      for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
        const batchesBefore = await readings(server.process, endpoint.path); // resets the lag histogram: the next reading is this round's
        const before = await server.process.times();
        const result = await load(server.process, endpoint, RATE, SECONDS);
        const after = await server.process.times();
        const { lag, batches } = await readings(server.process, endpoint.path);
        const cpuUs = ((after.user + after.system - before.user - before.system) * 1000) / result.requests;
        const userUs = ((after.user - before.user) * 1000) / result.requests;
        if (result.errors > 0) throw new Error(`${server.name} ${endpoint.path}: ${result.errors} errors`);
        figures.get(`${server.name} ${endpoint.path}`)!.push(cpuUs);
        userFigures.get(`${server.name} ${endpoint.path}`)!.push(userUs);
        lagP99s.get(server.name)!.push(lag.p99);
        wrkP99s.get(server.name)!.push(result.p99);
        log(`round ${round + 1} ${server.name} ${endpoint.path}: ${cpuUs.toFixed(0)} µs/request (user ${userUs.toFixed(0)}), ${result.rps.toFixed(0)} answered/s, p99 ${result.p99.toFixed(2)} ms, event-loop lag p99 ${lag.p99.toFixed(2)} max ${lag.max.toFixed(2)} ms${batchSummary(batchesBefore.batches, batches)}, load ${loadavg()[0]!.toFixed(2)}`);
      }
    }
  }
  for (const server of servers) {
    await server.process.stop();
    processes.splice(processes.indexOf(server.process), 1);
  }

  console.log(`\ncpu-per-request: one ml-serving process, path reasons, prediction log on, LOG_LEVEL=${args['log-level']}, ${RATE} req/s × ${SECONDS} s × ${ROUNDS} rounds per endpoint`);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  for (const [name, values] of figures) {
    const user = userFigures.get(name)!;
    console.log(`  ${name.padEnd(30)} median ${median(values).toFixed(0)} µs/request, user ${median(user).toFixed(0)} µs  (rounds: ${values.map((value) => value.toFixed(0)).join(', ')}; user ${user.map((value) => value.toFixed(0)).join(', ')})`);
  }
  for (const server of servers) {
    const lags = lagP99s.get(server.name)!;
    const p99s = wrkP99s.get(server.name)!;
    const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
    console.log(`  ${server.name.padEnd(30)} event-loop lag p99 median ${median(lags).toFixed(2)} ms (${range(lags)}), wrk p99 median ${median(p99s).toFixed(2)} ms (${range(p99s)}) over its ${p99s.length} rounds`);
  }
  for (const other of servers.slice(1)) {
    for (const [kind, table] of [['cpu', figures], ['user', userFigures]] as const) {
      for (const endpoint of ENDPOINTS) {
        const ratios = table.get(`this tree ${endpoint.path}`)!.map((value, round) => value / table.get(`${other.name} ${endpoint.path}`)![round]!);
        console.log(`  ${endpoint.path.padEnd(20)} ${kind.padEnd(4)} this tree / ${other.name}: median ${median(ratios).toFixed(3)} (rounds: ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')})`);
      }
    }
  }
  if (profileDir !== undefined) await printProfile(profileDir);
} finally {
  for (const running of processes.reverse()) await running.stop().catch(() => undefined);
  await sandbox.drop();
  await rm(scratch, { recursive: true, force: true });
}

/** An endpoint's onnxruntime runs so far: how many, their rows, and how many had one row. */
interface BatchCounts {
  runs: number;
  rows: number;
  single: number;
}

/**
 * The process's event-loop lag since the last reading (prom-client's default metrics reset their
 * histogram on each scrape), in ms: how long the loop was blocked, whatever blocked it; and the
 * endpoint's onnxruntime batch counts so far (NaN where the process has no such metric).
 */
async function readings(server: RunningProcess, endpoint: string): Promise<{ lag: { p99: number; max: number }; batches: BatchCounts }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  // Node's histogram records the timer's whole interval: prom-client's 10 ms resolution, plus the lag.
  const gauge = (name: string) => Number(new RegExp(`^\\w*nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000 - 10;
  const batchSeries = (series: string, labels = '') => Number(new RegExp(`^\\w*inference_batch_rows_${series}\\{${labels}endpoint="${endpoint}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    lag: { p99: gauge('p99'), max: gauge('max') },
    batches: { runs: batchSeries('count'), rows: batchSeries('sum'), single: batchSeries('bucket', 'le="1",') },
  };
}

/** `, onnxruntime runs 1.40 rows on average, 30 % with more than one` over a round; empty for a process without the metric. */
function batchSummary(before: BatchCounts, after: BatchCounts): string {
  const runs = after.runs - before.runs;
  if (!(runs > 0)) return '';
  const shared = 1 - (after.single - before.single) / runs;
  return `, onnxruntime runs ${((after.rows - before.rows) / runs).toFixed(2)} rows on average, ${(shared * 100).toFixed(0)} % with more than one`;
}

/**
 * ml-serving as startService starts it, plus `--cpu-prof` when profiling (Node refuses it in
 * NODE_OPTIONS); one process, so its own /proc stat is all its CPU.
 */
interface ServingProcess extends RunningProcess {
  /** User and system CPU time used so far, in ms. */
  times(): Promise<{ user: number; system: number }>;
}

async function startServing(root: string, profileDir: string | undefined, env: Record<string, string>, nodeFlags: readonly string[] = [], command = ['--conditions=source', '--import', 'tsx', path.join(root, 'services/ml-serving/src/main.ts')]): Promise<ServingProcess> {
  const port = await freePort();
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...nodeFlags, ...profiling, ...command], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!(await fetch(`${url}/readyz`).then((response) => response.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('ml-serving did not become ready');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exited = once(child, 'exit');
  const times = async () => {
    const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_S, system: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_S };
  };
  return {
    url,
    pid: child.pid,
    times,
    async cpuMs() {
      const { user, system } = await times();
      return user + system;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A copy of this working tree's sources with `patch` reverse-applied. Each package's node_modules
 * is copied (its workspace links are relative, so they resolve inside the copy); the root one,
 * which holds the third-party packages, is linked.
 */
async function baselineTree(patch: string, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const run = promisify(execFile);
  await run('sh', ['-c', `tar -C "${REPO_ROOT}" --exclude=node_modules --exclude=dist --exclude=.git -cf - packages services warehouse feature-repo package.json tsconfig.json tsconfig.base.json | tar -C "${directory}" -xf -`]);
  for (const parent of ['packages', 'services', 'warehouse']) {
    const names = parent === 'warehouse' ? [''] : await readdir(path.join(REPO_ROOT, parent));
    for (const name of names) {
      const modules = path.join(REPO_ROOT, parent, name, 'node_modules');
      if (await stat(modules).then(() => true, () => false)) await run('cp', ['-a', modules, path.join(directory, parent, name)]);
    }
  }
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(directory, 'node_modules'));
  // An empty patch: the same code, to compare --node-flags alone.
  if ((await stat(patch)).size > 0) await run('patch', ['-R', '-p1', '-d', directory, '-i', patch]);
  // Run as this tree is (from dist/ unless BENCH_FROM_SOURCE=1): tsx's loader alone costs ~10 %.
  if (process.env.BENCH_FROM_SOURCE !== '1') {
    await run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-b', 'services/ml-serving'], { cwd: directory }).catch((error: { stdout?: string }) => {
      // tsc still emits; tests the patch leaves newer than the code they test may not type-check.
      const errors = (error.stdout ?? '').split('\n').filter((line) => /error TS\d+/.test(line));
      if (errors.length === 0 || errors.some((line) => !/\.test\.ts\(/.test(line))) throw error;
      log(`baseline built; ${errors.length} type errors in tests left newer than the patched code, ignored`);
    });
  }
  return directory;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time by function and by package over the main thread's .cpuprofile (the largest; warm-up included, idle excluded). */
async function printProfile(directory: string): Promise<void> {
  const files = await Promise.all((await readdir(directory)).filter((name) => name.endsWith('.cpuprofile')).map(async (name) => ({ name, size: (await stat(path.join(directory, name))).size })));
  const main = files.sort((a, b) => b.size - a.size)[0]?.name;
  if (main === undefined) {
    log(`no .cpuprofile in ${directory}`);
    return;
  }
  const profile = JSON.parse(await readFile(path.join(directory, main), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    const delta = profile.timeDeltas[index] ?? 0;
    // Waiting for work is not a cost.
    if (node.callFrame.functionName === '(idle)') return;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${url.replace(/^.*node_modules\/\.pnpm\/([^/]+)\/.*?([^/]+)$/, '$1 $2').replace(REPO_ROOT, '').replace('file://', '')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    const owner = /node_modules\/\.pnpm\/([^/]+)\//.exec(url)?.[1] ?? /\/work\/[^/]+\/((?:packages|services)\/[^/]+)\//.exec(url)?.[1] ?? (url.startsWith('node:') ? 'node:*' : url === '' ? functionName : url);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + delta);
  });
  console.log(`\nprofile ${main}: self time by package`);
  for (const [key, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
  console.log(`\nprofile ${main}: top self time of ${(total / 1e6).toFixed(1)} s sampled`);
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}
