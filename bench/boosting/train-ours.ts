/**
 * Our side of `make bench-boosting`, run in its own process so its peak memory is its own:
 * trains on a bench dataset (binning included in the time), writes the test raw scores, and
 * measures onnxruntime-node's batch-1 latency on the exported model. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { toOnnx, train } from '@payments-mlops/boosting';
import * as ort from 'onnxruntime-node';
import { readMeta, readSplit, writeFloat64 } from './dataset-files.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    rounds: { type: 'string', default: '200' },
    'lambda-l2': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    predictions: { type: 'string' },
    'latency-runs': { type: 'string', default: '5000' },
  },
});
if (args.data === undefined || args.predictions === undefined) throw new Error('--data and --predictions are required');

const meta = readMeta(args.data);
const trainSplit = readSplit(args.data, meta, 'train');
const testSplit = readSplit(args.data, meta, 'test');

const started = performance.now();
const startedCpu = process.cpuUsage();
const { model } = train(
  { ...trainSplit, featureNames: meta.featureNames, categoricalFeatures: meta.categoricalFeatures },
  {
    objective: 'binary',
    numRounds: Number(args.rounds),
    numLeaves: 31,
    learningRate: 0.1,
    maxBin: 255,
    lambdaL2: Number(args['lambda-l2']),
    seed: Number(args.seed),
  },
);
const trainSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(startedCpu);
// All threads of the process: V8's garbage-collector helpers count against us.
const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// Raw scores (log-odds), as on the LightGBM side: saturated probabilities would tie.
writeFloat64(args.predictions, model.predictRaw(testSplit));

/** p50 and p99 of single-row inference through onnxruntime-node, one thread, in microseconds. */
async function onnxLatency(runs: number): Promise<{ p50Us: number; p99Us: number; modelBytes: number }> {
  const bytes = toOnnx(model, { version: 'bench', digest: 'bench' });
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const f = model.numFeatures;
  const rows = Math.min(testSplit.labels.length, 1000);
  const inputs = Array.from({ length: rows }, (_, i) => {
    const x = Float32Array.from(testSplit.columns, (column) => column[i]!);
    return { features: new ort.Tensor('float32', x, [1, f]) };
  });
  const warmup = 500;
  const timings = new Float64Array(runs);
  for (let r = 0; r < warmup + runs; r++) {
    const t = process.hrtime.bigint();
    await session.run(inputs[r % rows]!);
    if (r >= warmup) timings[r - warmup] = Number(process.hrtime.bigint() - t) / 1000;
  }
  await session.release();
  timings.sort();
  return {
    p50Us: timings[Math.floor(runs * 0.5)]!,
    p99Us: timings[Math.floor(runs * 0.99)]!,
    modelBytes: bytes.length,
  };
}

const onnx = await onnxLatency(Number(args['latency-runs']));
console.log(JSON.stringify({ trainSeconds, trainCpuSeconds, peakRssMb, trees: model.trees.length, onnx }));
