/**
 * make bench-training: seeds 1,000,000 simulated payment events (QUICK=1: 200,000) into a schema
 * of its own, runs `make train-models`' CLI against it (a registry-server process of its own, MinIO)
 * under /usr/bin/time, and prints the per-step times, total time and peak memory beside the
 * targets (3 min, 4 GB), each model's primary metric beside its rule baseline, and fraud ROC AUC
 * beside LightGBM trained on the very same snapshot, inputs and time split.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { averagePrecision, rocAuc, train } from '@payments-mlops/boosting';
import { ModelSignature, type DatasetManifest } from '@payments-mlops/contracts';
import { applyFeatureRepo, readDatasetSnapshot } from '@payments-mlops/feature-store';
import { encodeDatasetColumns, type DatasetColumnLike } from '@payments-mlops/model-inputs';
import { RegistryClient } from '@payments-mlops/registry-client';
import { PaymentSimulation, seedWarehouse } from '@payments-mlops/simulator';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import pg from 'pg';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const events = Number(args.events ?? (args.quick ? 200_000 : 1_000_000));
const TOKEN = 'bench-training-token-0123456789';
const ANCHOR_REQUIREMENTS = ['lightgbm==4.6.0', 'scikit-learn==1.7.2', 'numpy==2.3.5'];
const baseUrl = process.env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments';
const s3Endpoint = process.env.S3_ENDPOINT_URL ?? 'http://127.0.0.1:9000';
const stamp = `${Date.now().toString(36)}${process.pid}`;
const schema = `bench_training_${stamp}`;
const bucket = `bench-training-${stamp}`;
const workDir = mkdtempSync(join(tmpdir(), 'bench-training-'));
const log = (message: string): void => void process.stderr.write(`[bench-training] ${message}\n`);
const inSchema = (name: string): string => {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
};

const admin = new pg.Pool({ connectionString: baseUrl, max: 2 });
const pool = new pg.Pool({ connectionString: inSchema(schema), max: 8 });
const s3 = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'minioadmin', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'minioadmin' } });
let registryProcess: ReturnType<typeof spawn> | undefined;

interface JobResult {
  task: string;
  status: string;
  error: string | null;
  result: {
    registered_model: string;
    version: string;
    primary_metric: string;
    candidate: { primary: number };
    baseline: { primary: number };
    promoted: boolean;
    dataset: DatasetManifest;
    split: { validation_start: string; test_start: string };
    evaluation: { binary?: { model: { roc_auc: number; pr_auc: number }; baseline: { roc_auc: number; pr_auc: number } } };
  } | null;
}

async function main(): Promise<void> {
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE SCHEMA ${schema}_registry`);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  log(`seeding ${events.toLocaleString('en')} simulated payment events into schema ${schema}`);
  let started = Date.now();
  await migrateWarehouse(pool);
  await seedWarehouse({ pool, simulation: new PaymentSimulation({ seed: 42, startMs: Date.UTC(2026, 0, 1), days: 90, events }) });
  await applyFeatureRepo({ directory: join(repo, 'feature-repo'), pool, appliedBy: 'bench-training', registrySchema: schema });
  const seedSeconds = (Date.now() - started) / 1000;

  const registryUrl = await startRegistry();
  log(`registry-server at ${registryUrl}; training the four models`);
  const reportFile = join(workDir, 'report.json');
  const env = {
    ...process.env,
    WAREHOUSE_DATABASE_URL: inSchema(schema),
    FEATURE_REGISTRY_SCHEMA: schema,
    TRAINER_DB_SCHEMA: `${schema}_jobs`,
    MLFLOW_TRACKING_URI: registryUrl,
    MLFLOW_TRACKING_TOKEN: TOKEN,
    S3_ENDPOINT_URL: s3Endpoint,
    TRAINER_DATASET_BUCKET: bucket,
    TRAINER_WORK_DIR: join(workDir, 'trainer'),
    LOG_LEVEL: 'warn',
  };
  started = Date.now();
  const cli = join(repo, 'services/trainer/src/cli/train-models.ts');
  const { stdout, stderr } = await promisify(execFile)('/usr/bin/time', ['-v', process.execPath, '--conditions=source', '--import', 'tsx', cli, '--no-materialize', '--report', reportFile], { env, maxBuffer: 64 * 1024 * 1024, cwd: repo });
  const wallSeconds = (Date.now() - started) / 1000;
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { seconds: number; jobs: JobResult[] };
  console.log(stdout.trim());

  const fraud = report.jobs.find((job) => job.task === 'fraud')?.result;
  const anchor = fraud ? await lightgbmAnchor(fraud, registryUrl) : undefined;
  const load = (await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ');
  const ok = (pass: boolean): string => (pass ? 'yes' : 'NO');
  console.log(`\n=== bench-training: ${events.toLocaleString('en')} simulated events (seeded in ${seedSeconds.toFixed(1)} s, not counted), load ${load} ===`);
  console.log(`all four trained, evaluated and registered: ${report.seconds.toFixed(1)} s in the CLI (${wallSeconds.toFixed(1)} s with process start) — target ≤ 180 s: ${ok(wallSeconds <= 180)}`);
  console.log(`peak memory (max RSS of the CLI process): ${(peakKb / 1024).toFixed(0)} MB — target ≤ 4096 MB: ${ok(peakKb / 1024 <= 4096)}`);
  console.log('\nmodel                 metric        model    rule     beats rule');
  for (const job of report.jobs) {
    if (job.result === null) {
      console.log(`${job.task.padEnd(22)}FAILED: ${job.error}`);
      continue;
    }
    const r = job.result;
    console.log(`${r.registered_model.padEnd(22)}${r.primary_metric.padEnd(14)}${r.candidate.primary.toFixed(4).padEnd(9)}${r.baseline.primary.toFixed(4).padEnd(9)}${ok(r.candidate.primary > r.baseline.primary)}`);
  }
  if (fraud?.evaluation.binary) {
    const { model, baseline } = fraud.evaluation.binary;
    console.log(`\nfraud PR AUC ${model.pr_auc.toFixed(4)} vs rule ${baseline.pr_auc.toFixed(4)}; fraud ROC AUC ${model.roc_auc.toFixed(4)} (calibrated) vs rule ${baseline.roc_auc.toFixed(4)}`);
  }
  const churn = report.jobs.find((job) => job.task === 'churn')?.result;
  if (churn?.evaluation.binary) console.log(`churn ROC AUC ${churn.evaluation.binary.model.roc_auc.toFixed(4)} vs rule ${churn.evaluation.binary.baseline.roc_auc.toFixed(4)}`);
  if (anchor) {
    console.log(
      `\nfraud on the same snapshot, inputs, weights and split (raw scores, test period of ${anchor.testRows.toLocaleString('en')} rows):\n` +
        `  ours      ROC AUC ${anchor.ours.roc.toFixed(4)}  PR AUC ${anchor.ours.pr.toFixed(4)}  best iteration ${anchor.ours.best}  ${anchor.ours.seconds.toFixed(1)} s\n` +
        `  LightGBM  ROC AUC ${anchor.lightgbm.roc_auc.toFixed(4)}  PR AUC ${anchor.lightgbm.pr_auc.toFixed(4)}  best iteration ${anchor.lightgbm.best_iteration}  ${anchor.lightgbm.train_seconds.toFixed(1)} s (${anchor.lightgbm.version})\n` +
        `  |Δ ROC AUC| ${Math.abs(anchor.ours.roc - anchor.lightgbm.roc_auc).toFixed(4)} — target ≤ 0.005: ${ok(Math.abs(anchor.ours.roc - anchor.lightgbm.roc_auc) <= 0.005)}`,
    );
  }
}

async function startRegistry(): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', REGISTRY_DATABASE_URL: inSchema(`${schema}_registry`), REGISTRY_WRITE_TOKENS: TOKEN, REGISTRY_ARTIFACT_DIR: join(workDir, 'artifacts') };
  delete env.S3_ENDPOINT_URL;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(repo, 'services/registry-server/src/main.ts')], { env, cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  registryProcess = child;
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const address = /"address":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (address) resolve(address);
    });
    child.once('exit', (code) => reject(new Error(`registry-server exited with ${code}`)));
  });
}

/** Our boosting and LightGBM on the registered fraud model's snapshot, inputs and time split. */
async function lightgbmAnchor(fraud: NonNullable<JobResult['result']>, registryUrl: string) {
  const registry = new RegistryClient({ baseUrl: registryUrl, token: TOKEN });
  const modelDir = join(workDir, 'fraud-model');
  await registry.downloadModelVersion(fraud.registered_model, fraud.version, modelDir);
  const signature = ModelSignature.parse(JSON.parse(readFileSync(join(modelDir, 'signature.json'), 'utf8')));
  const { columns } = await readDatasetSnapshot(s3, fraud.dataset);
  const dataset: DatasetColumnLike[] = fraud.dataset.columns.map(({ name, dtype }) => {
    const values = columns.get(name) as unknown[];
    if (dtype === 'String') return { name, dtype, values: values as (string | null)[] };
    if (dtype === 'Array(String)') return { name, dtype: 'String', values: values.map(() => null) };
    return { name, dtype, values: Float64Array.from(values, (v) => (v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN)) };
  });
  const byName = new Map(dataset.map((column) => [column.name, column]));
  const timestamps = byName.get('event_timestamp')!.values as Float64Array;
  const labels = byName.get('label')!.values as Float64Array;
  // Sampled negatives carry their weight; both trainers and every metric use it.
  const weights = (byName.get('weight')?.values as Float64Array | undefined) ?? new Float64Array(labels.length).fill(1);
  const encoded = encodeDatasetColumns(signature.inputs, dataset, timestamps);
  const validStart = Date.parse(fraud.split.validation_start);
  const testStart = Date.parse(fraud.split.test_start);
  const rowsOf = (keep: (t: number) => boolean) => Int32Array.from(Array.from(timestamps.keys()).filter((row) => Number.isFinite(labels[row]!) && keep(timestamps[row]!)));
  const periods = { train: rowsOf((t) => t < validStart), valid: rowsOf((t) => t >= validStart && t < testStart), test: rowsOf((t) => t >= testStart) };
  const take = (column: ArrayLike<number>, rows: Int32Array) => Float64Array.from(rows, (row) => column[row]!);
  const config = parse(readFileSync(join(repo, 'services/trainer/models/fraud/config.yaml'), 'utf8')) as { params: Record<string, number> };
  const dir = join(workDir, 'anchor');
  execFileSync('mkdir', ['-p', dir]);
  for (const [name, rows] of Object.entries(periods)) {
    const x = new Float64Array(rows.length * encoded.columns.length);
    encoded.columns.forEach((column, f) => x.set(take(column, rows), f * rows.length));
    writeFileSync(join(dir, `x_${name}.f64`), new Uint8Array(x.buffer));
    writeFileSync(join(dir, `y_${name}.f64`), new Uint8Array(take(labels, rows).buffer));
    writeFileSync(join(dir, `w_${name}.f64`), new Uint8Array(take(weights, rows).buffer));
  }
  const categorical = signature.inputs.flatMap((input, i) => (input.kind === 'categorical' ? [i] : []));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ featureNames: encoded.featureNames, categoricalFeatures: categorical, trainRows: periods.train.length, validRows: periods.valid.length, testRows: periods.test.length, params: config.params }));

  const subset = (rows: Int32Array) => encoded.columns.map((column) => take(column, rows));
  const meta = { featureNames: encoded.featureNames, categoricalFeatures: encoded.categoricalFeatures };
  const started = Date.now();
  const { model, evals } = train(
    { columns: subset(periods.train), labels: take(labels, periods.train), weights: take(weights, periods.train), ...meta },
    { objective: 'binary', ...config.params, metric: 'average_precision' },
    { valid: { columns: subset(periods.valid), labels: take(labels, periods.valid), weights: take(weights, periods.valid), ...meta } },
  );
  const seconds = (Date.now() - started) / 1000;
  const testLabels = take(labels, periods.test);
  const raw = model.predictRaw({ columns: subset(periods.test) });
  const testWeights = take(weights, periods.test);
  const ours = { roc: rocAuc(testLabels, raw, testWeights), pr: averagePrecision(testLabels, raw, testWeights), best: evals.bestIteration, seconds };

  log('LightGBM anchor: preparing its virtual environment (cached after the first run)');
  const venv = execFileSync('bash', [join(repo, 'infra/local/python-venv.sh'), 'boosting-bench', ...ANCHOR_REQUIREMENTS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const output = execFileSync(join(venv, 'bin/python'), [join(repo, 'bench/training/lightgbm_fraud.py'), '--data', dir], { encoding: 'utf8' });
  const lightgbm = JSON.parse(output.trim().split('\n').at(-1)!) as { roc_auc: number; pr_auc: number; best_iteration: number; train_seconds: number; version: string };
  return { ours, lightgbm, testRows: periods.test.length };
}

async function cleanup(): Promise<void> {
  if (registryProcess && registryProcess.exitCode === null) {
    const exited = new Promise((resolve) => registryProcess!.once('exit', resolve));
    registryProcess.kill('SIGTERM');
    await exited;
  }
  if (!args.keep) {
    for (const name of [schema, `${schema}_registry`, `${schema}_jobs`]) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    let token: string | undefined;
    do {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      const objects = (listed.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      token = listed.NextContinuationToken;
    } while (token);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    rmSync(workDir, { recursive: true, force: true });
  } else log(`kept schema ${schema} and bucket ${bucket}`);
  await pool.end();
  await admin.end();
  s3.destroy();
}

try {
  await main();
} finally {
  await cleanup();
}
