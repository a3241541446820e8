/**
 * make bench-boosting: @payments-mlops/boosting against LightGBM (the anchor), on the same
 * files, with the same parameters (255 bins, 31 leaves, learning rate 0.1, 200 rounds,
 * lambda_l2 1, the rest LightGBM's defaults), one thread each, each trainer in its own process,
 * one after the other.
 *
 *   node --conditions=source --import tsx bench/boosting/bench.ts [--rows 1000000] [--rounds 200]
 *        [--lambda-l2 1] [--datasets make_classification,simulator_fraud] [--fresh]
 *
 * Datasets are generated once per size and seed under the cache dir: (a) scikit-learn's
 * make_classification, 30 features, about 1 % positives; (b) fraud from the simulator with
 * velocity features. Both trainers' test raw scores (log-odds, which never saturate into ties
 * the way probabilities do) are scored by the same metric code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { averagePrecision, rocAuc } from '@payments-mlops/boosting';
import { readMeta, readPredictions, readSplit, writeDataset } from './dataset-files.js';
import { buildFraudDataset } from './fraud-dataset.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const ANCHOR_REQUIREMENTS = ['lightgbm==4.6.0', 'scikit-learn==1.7.2', 'numpy==2.3.5'];
const DATASETS = ['make_classification', 'simulator_fraud'] as const;
type DatasetName = (typeof DATASETS)[number];

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '200' },
    // Both libraries, both datasets. The simulator's fraud is nearly separable: with no L2 the
    // leaf values of both blow up (raw scores of ±1e5 after 200 rounds) and the comparison
    // measures chaos, not the libraries.
    'lambda-l2': { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    datasets: { type: 'string', default: DATASETS.join(',') },
    fresh: { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const seed = Number(args.seed);
const datasets = args.datasets.split(',').map((name) => {
  if (!(DATASETS as readonly string[]).includes(name)) throw new Error(`unknown dataset '${name}'; expected ${DATASETS.join(', ')}`);
  return name as DatasetName;
});
if (!(Number.isInteger(rows) && rows >= 1000)) throw new Error('--rows must be an integer ≥ 1000');

const cache = process.env.PAYMENTS_MLOPS_CACHE ?? join(homedir(), '.cache', 'payments-mlops');
const workDir = join(cache, 'bench-boosting');

function log(message: string): void {
  process.stderr.write(`[bench-boosting] ${message}\n`);
}

function anchorPython(): string {
  const venv = execFileSync('bash', [join(repo, 'infra/local/python-venv.sh'), 'boosting-bench', ...ANCHOR_REQUIREMENTS], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return join(venv, 'bin', 'python');
}

function ensureDataset(name: DatasetName, python: string): string {
  const dir = join(workDir, `${name}-${rows}-seed${seed}`);
  if (args.fresh) rmSync(dir, { recursive: true, force: true });
  if (existsSync(join(dir, 'meta.json'))) return dir;
  log(`generating ${name} (${rows.toLocaleString('en')} rows) into ${dir}`);
  if (name === 'make_classification') {
    execFileSync(python, [join(here, 'make_classification.py'), '--rows', String(rows), '--seed', String(seed), '--out', dir], {
      stdio: 'inherit',
    });
  } else {
    const { meta, train, test } = buildFraudDataset(rows, seed);
    writeDataset(dir, meta, train, test);
  }
  return dir;
}

interface TrainerResult {
  trainSeconds: number;
  trainCpuSeconds: number;
  peakRssMb: number;
  trees: number;
  onnx?: { p50Us: number; p99Us: number; modelBytes: number };
  version?: string;
}

function runTrainer(command: string, commandArgs: string[]): TrainerResult {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: here });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}`);
  const lastLine = result.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(lastLine) as TrainerResult;
}

interface Row {
  dataset: string;
  shape: string;
  ours: TrainerResult & { auc: number; ap: number };
  lightgbm: TrainerResult & { auc: number; ap: number };
}

const python = anchorPython();
mkdirSync(workDir, { recursive: true });
const results: Row[] = [];
for (const name of datasets) {
  const dir = ensureDataset(name, python);
  const meta = readMeta(dir);
  const { labels } = readSplit(dir, meta, 'test');
  const score = (path: string): { auc: number; ap: number } => {
    const predictions = readPredictions(path);
    return { auc: rocAuc(labels, predictions), ap: averagePrecision(labels, predictions) };
  };
  log(`${name}: LightGBM, ${rounds} rounds, 1 thread`);
  const lightgbmPredictions = join(dir, 'predictions-lightgbm.f64');
  const lightgbm = runTrainer(python, [join(here, 'lightgbm_anchor.py'), '--data', dir, '--rounds', String(rounds), '--lambda-l2', args['lambda-l2'], '--predictions', lightgbmPredictions]);
  log(`${name}: @payments-mlops/boosting, ${rounds} rounds, 1 thread`);
  const ourPredictions = join(dir, 'predictions-ours.f64');
  const ours = runTrainer(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'train-ours.ts'), '--data', dir, '--rounds', String(rounds), '--lambda-l2', args['lambda-l2'], '--predictions', ourPredictions]);
  results.push({
    dataset: name,
    shape: `${meta.trainRows.toLocaleString('en')} train / ${meta.testRows.toLocaleString('en')} test × ${meta.featureNames.length} (${meta.categoricalFeatures.length} categorical), ${(meta.positiveRate * 100).toFixed(2)} % positive`,
    ours: { ...ours, ...score(ourPredictions) },
    lightgbm: { ...lightgbm, ...score(lightgbmPredictions) },
  });
}

const f = (x: number, digits: number): string => x.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
const lines: string[] = [];
lines.push(
  `bench-boosting: ${rounds} rounds, 31 leaves, 255 bins, learning rate 0.1, lambda_l2 ${args['lambda-l2']}, ` +
    `one thread each (LightGBM ${results[0]?.lightgbm.version ?? '?'})`,
);
for (const r of results) {
  const aucGap = r.ours.auc - r.lightgbm.auc;
  const apGap = r.ours.ap - r.lightgbm.ap;
  const ratio = r.ours.trainSeconds / r.lightgbm.trainSeconds;
  const cpuRatio = r.ours.trainCpuSeconds / r.lightgbm.trainCpuSeconds;
  lines.push('');
  lines.push(`${r.dataset}: ${r.shape}`);
  lines.push(`  ${''.padEnd(22)}${'ours'.padStart(12)}${'LightGBM'.padStart(12)}   comparison`);
  lines.push(`  ${'test ROC AUC'.padEnd(22)}${f(r.ours.auc, 4).padStart(12)}${f(r.lightgbm.auc, 4).padStart(12)}   ${aucGap >= 0 ? '+' : ''}${f(aucGap, 4)} (target ≥ −0.003: ${verdict(aucGap >= -0.003)})`);
  lines.push(`  ${'test PR AUC (AP)'.padEnd(22)}${f(r.ours.ap, 4).padStart(12)}${f(r.lightgbm.ap, 4).padStart(12)}   ${apGap >= 0 ? '+' : ''}${f(apGap, 4)} (target ≥ −0.01: ${verdict(apGap >= -0.01)})`);
  lines.push(`  ${'training time (s)'.padEnd(22)}${f(r.ours.trainSeconds, 1).padStart(12)}${f(r.lightgbm.trainSeconds, 1).padStart(12)}   ${f(ratio, 2)}× (target ≤ 3×: ${verdict(ratio <= 3)})`);
  lines.push(`  ${'training CPU time (s)'.padEnd(22)}${f(r.ours.trainCpuSeconds, 1).padStart(12)}${f(r.lightgbm.trainCpuSeconds, 1).padStart(12)}   ${f(cpuRatio, 2)}× (steadier than wall time on a shared machine)`);
  lines.push(`  ${'peak RSS (MB)'.padEnd(22)}${f(r.ours.peakRssMb, 0).padStart(12)}${f(r.lightgbm.peakRssMb, 0).padStart(12)}   whole process, data included`);
  lines.push(`  ${'trees'.padEnd(22)}${String(r.ours.trees).padStart(12)}${String(r.lightgbm.trees).padStart(12)}`);
  if (r.ours.onnx) {
    lines.push(`  ONNX batch-1 latency, onnxruntime-node, ${r.ours.trees} trees (${Math.round(r.ours.onnx.modelBytes / 1024)} KiB): p50 ${f(r.ours.onnx.p50Us, 1)} µs, p99 ${f(r.ours.onnx.p99Us, 1)} µs`);
  }
}
console.log(lines.join('\n'));
