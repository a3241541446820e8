import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { toOnnx } from '@payments-mlops/boosting';
import { REGISTERED_MODEL_NAMES, type CodeVersion, type DatasetManifest, type ModelTask } from '@payments-mlops/contracts';
import type { FeatureCatalog } from '@payments-mlops/feature-store';
import type { RegistryClient } from '@payments-mlops/registry-client';
import type pg from 'pg';
import { PIPELINES } from '../pipelines/index.js';
import { loadModelConfig, MODELS_DIR, type BoostingParams, type ModelConfig } from '../pipelines/model-config.js';
import { buildSignature, sha256Hex, writeArtifacts } from './artifacts.js';
import { scoreChampion } from './champion.js';
import { evaluateTest, testColumnsByName, type Evaluation } from './evaluate-run.js';
import { fitModel } from './fit-model.js';
import { decidePromotion, type GateDecision, type GateScores } from './gates.js';
import { maxAbsDifference, OnnxScorer } from './onnx-check.js';
import { endRun, experimentFor, recordRun, registerVersion, startRun, type TrackedRun } from './publish.js';
import { buildRunReferenceProfile, referenceRows } from './reference-profile.js';
import { take } from './time-split.js';
import { buildTrainingSet, latestEventTime, TrainingFailure } from './training-set.js';

export interface TrainerDeps {
  /** The warehouse (payment_events, labels, marts). */
  pool: pg.Pool;
  /** The feature definitions currently applied; undefined until they load. */
  catalog: () => FeatureCatalog | undefined;
  s3: S3Client;
  datasetBucket: string;
  project: string;
  registry: RegistryClient;
  /** Where the registry is, for failure messages. */
  registryUrl: string;
  /** Scratch space for artifacts before upload. */
  workDir: string;
  code: CodeVersion;
  modelsDir?: string;
  clock?: () => number;
}

export const TRAINING_STEPS = ['config', 'features', 'training_set', 'train', 'evaluate', 'onnx', 'champion', 'artifacts', 'register'] as const;
export type TrainingStep = (typeof TRAINING_STEPS)[number];

export interface ProgressEvent {
  step: TrainingStep;
  /** Of the whole run, 0 to 1. */
  progress: number;
  message: string;
}

export interface RunRequest {
  task: ModelTask;
  /** Labels known at this instant are used; default the last payment in the warehouse. */
  asOfMs?: number;
  /** Overrides of the config's boosting parameters (experiments, tests). */
  params?: Partial<BoostingParams>;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TrainingReport {
  task: ModelTask;
  registered_model: string;
  version: string;
  run_id: string;
  promoted: boolean;
  primary_metric: ModelConfig['primary_metric'];
  candidate: GateScores;
  champion: (GateScores & { version: string }) | null;
  baseline: GateScores;
  gates: GateDecision['checks'];
  /** The snapshot's manifest: digest, location, rows and columns. */
  dataset: DatasetManifest;
  split: ReturnType<typeof splitSummary>;
  onnx_sha256: string;
  num_trees: number;
  parity_error: number;
  latency_p99_ms: number;
  /** CPU time per one-row call, p99: what the latency gate reads. */
  latency_cpu_p99_ms: number;
  timings_ms: Partial<Record<TrainingStep, number>>;
  evaluation: Evaluation;
}

const START: Record<TrainingStep, number> = { config: 0, features: 0.02, training_set: 0.05, train: 0.35, evaluate: 0.7, onnx: 0.75, champion: 0.82, artifacts: 0.88, register: 0.93 };

/**
 * One training run of one task, from the feature store to the registry: point-in-time training
 * set and snapshot, time split, training with early stopping, evaluation beside the champion and
 * the mock's rule on the same test rows, ONNX export with parity and latency checks, artifacts,
 * a registered version with lineage, `challenger`, and `champion` only when the gates pass.
 */
export async function runTraining(deps: TrainerDeps, request: RunRequest): Promise<TrainingReport> {
  const clock = deps.clock ?? Date.now;
  const timings: Partial<Record<TrainingStep, number>> = {};
  let current: TrainingStep = 'config';
  let stepStarted = clock();
  const step = (next: TrainingStep, message: string): void => {
    timings[current] = (timings[current] ?? 0) + (clock() - stepStarted);
    current = next;
    stepStarted = clock();
    request.onProgress?.({ step: next, progress: START[next], message });
  };
  const finish = (): void => {
    timings[current] = (timings[current] ?? 0) + (clock() - stepStarted);
  };

  request.onProgress?.({ step: 'config', progress: 0, message: `loading models/${request.task}/config.yaml` });
  const base = await loadModelConfig(request.task, deps.modelsDir ?? MODELS_DIR);
  const config: ModelConfig = { ...base, params: { ...base.params, ...request.params } };
  const pipeline = PIPELINES[request.task];
  const name = REGISTERED_MODEL_NAMES[request.task];

  step('features', `resolving feature service '${config.feature_service}'`);
  const catalog = deps.catalog();
  if (catalog === undefined) throw new TrainingFailure('no feature definitions are applied yet (make features-apply)');
  const features = catalog.resolveService(config.feature_service);

  step('training_set', 'building the point-in-time training set');
  const asOfMs = request.asOfMs ?? (await latestEventTime(deps.pool));
  const set = await buildTrainingSet({ pool: deps.pool, catalog, features, pipeline, config, asOfMs, s3: deps.s3, bucket: deps.datasetBucket, project: deps.project, clock });

  step('train', `training on ${set.dataset.rowCount} rows (snapshot ${set.manifest.digest.slice(0, 19)}…)`);
  const rounds = config.params.numRounds;
  const fitted = fitModel(set, features, config, (round) => {
    if (round % 10 === 0) request.onProgress?.({ step: 'train', progress: START.train + (START.evaluate - START.train) * (round / rounds), message: `round ${round} of at most ${rounds}` });
  });

  step('evaluate', `evaluating on ${fitted.split.test.length} test rows from ${new Date(fitted.split.testStartMs).toISOString()}`);
  const testColumns = testColumnsByName(set.columns, fitted.split.test);
  const testSet = { columns: testColumns, labels: set.labels, rows: fitted.split.test };
  const evaluation = evaluateTest(config, pipeline, testSet, fitted.testProbabilities, fitted.classes);

  step('onnx', 'exporting ONNX and checking parity and latency in onnxruntime');
  const fingerprint = sha256Hex(JSON.stringify({ digest: set.manifest.digest, params: config.params, inputs: fitted.inputs })).slice(0, 16);
  const onnx = toOnnx(fitted.model, { version: `${name}@${fingerprint}`, digest: set.manifest.digest });
  const scorer = await OnnxScorer.load(onnx, fitted.inputs.length);
  let parityError: number;
  let latency: { p50Ms: number; p99Ms: number; cpuP99Ms: number };
  try {
    const rows = Math.min(fitted.split.test.length, 20_000);
    const columns = fitted.testColumns.map((column) => column.subarray(0, rows));
    const k = fitted.model.objective === 'multiclass' ? fitted.classes.length : 2;
    const fromOnnx = await scorer.scoreColumns(columns, rows);
    const expected = fitted.model.predict({ columns });
    const positive = k === 2 ? Float64Array.from({ length: rows }, (_, row) => fromOnnx[row * 2 + 1]!) : fromOnnx;
    parityError = maxAbsDifference(positive, expected);
    latency = await scorer.latency(columns, rows);
  } finally {
    await scorer.release();
  }

  step('champion', `scoring the current champion of ${name} on the same test rows`);
  const workDir = await mkdtemp(path.join(await ensureDir(deps.workDir), `${request.task}-`));
  try {
    let champion: TrainingReport['champion'] = null;
    let championError: string | undefined;
    try {
      const testDatasetColumns = [...testColumns.values()];
      const scores = await scoreChampion(deps.registry, name, path.join(workDir, 'champion'), {
        columns: testDatasetColumns,
        timestamps: take(set.timestamps, fitted.split.test),
        rows: fitted.split.test.length,
      });
      if (scores !== undefined) {
        const championEvaluation = evaluateTest(config, pipeline, testSet, scores.probabilities, fitted.classes);
        champion = { version: scores.version, ...championEvaluation.candidate };
      }
    } catch (error) {
      if (isUnreachable(error)) throw registryUnreachable(deps, error);
      if ((error as { errorCode?: string }).errorCode !== undefined) throw error;
      // A champion that cannot be scored on today's data cannot be beaten fairly: do not promote.
      championError = `the champion could not be scored on this test set: ${(error as Error).message}`;
    }
    const decision = decidePromotion(
      { candidate: evaluation.candidate, ...(champion ? { champion } : {}), parityError, latencyP99Ms: latency.cpuP99Ms },
      config.gates,
    );
    if (championError !== undefined) {
      decision.checks.push({ gate: 'champion_scored', passed: false, detail: championError });
      decision.promote = false;
    }

    step('artifacts', 'writing the model, signature, reference profile and evaluation plots');
    const trainedAt = new Date(clock());
    const featureService = { name: config.feature_service, version: String(catalog.version) };
    const signature = buildSignature({ task: request.task, fitted, onnx, featureService, datasetDigest: set.manifest.digest, trainedAt }, config.params.seed);
    const profile = buildRunReferenceProfile(request.task, set, fitted, referenceRows(set, fitted, config.params.seed), trainedAt);
    const artifactsDir = path.join(workDir, 'artifacts');
    const binary = evaluation.binary !== undefined;
    const testLabels = take(set.labels.target, fitted.split.test);
    await writeArtifacts(
      artifactsDir,
      {
        task: request.task,
        fitted,
        onnx,
        featureService,
        datasetDigest: set.manifest.digest,
        trainedAt,
        profile,
        evaluation: { evaluation, champion, gates: decision, parity_error: parityError, latency_ms: latency, split: splitSummary(fitted), dataset: set.manifest },
        ...(binary
          ? {
              curves: {
                labels: testLabels,
                model: fitted.testProbabilities,
                baseline: pipeline.baseline(testColumns) as Float64Array,
                ...(set.labels.weight ? { weights: take(set.labels.weight, fitted.split.test) } : {}),
              },
            }
          : {}),
      },
      signature,
    );

    step('register', `logging the run and registering a version of ${name}`);
    const experimentId = await experimentFor(deps.registry, `trainer/${request.task}`).catch((error: unknown) => {
      throw isUnreachable(error) ? registryUnreachable(deps, error) : error;
    });
    const run = await startRun(deps.registry, experimentId, `${request.task}-${trainedAt.toISOString()}`, trainedAt.getTime(), {
      'payments.task': request.task,
      'mlflow.user': 'trainer',
    });
    let version: string;
    try {
      await recordRun(deps.registry, run.runId, {
        params: runParams(config, set.window, fitted),
        metrics: runMetrics(evaluation, champion, parityError, latency, fitted),
        tags: { 'payments.promoted': String(decision.promote), 'payments.gates': JSON.stringify(decision.checks).slice(0, 5000) },
        lineage: { dataset_snapshot: { digest: set.manifest.digest, location: set.manifest.location }, feature_service: featureService, code: deps.code },
        artifactsDir,
        timestampMs: trainedAt.getTime(),
      });
      ({ version } = await registerVersion(deps.registry, {
        name,
        run,
        promote: decision.promote,
        description: `${config.primary_metric} ${evaluation.candidate.primary.toFixed(4)} on the test period (rule baseline ${evaluation.baseline.primary.toFixed(4)})`,
        tags: { 'payments.dataset.digest': set.manifest.digest, 'payments.promoted': String(decision.promote) },
      }));
      await endRun(deps.registry, run.runId, 'FINISHED', clock());
    } catch (error) {
      await failRun(deps.registry, run, clock());
      throw isUnreachable(error) ? registryUnreachable(deps, error) : error;
    }
    finish();
    return {
      task: request.task,
      registered_model: name,
      version,
      run_id: run.runId,
      promoted: decision.promote,
      primary_metric: config.primary_metric,
      candidate: evaluation.candidate,
      champion,
      baseline: evaluation.baseline,
      gates: decision.checks,
      dataset: set.manifest,
      split: splitSummary(fitted),
      onnx_sha256: signature.onnx.sha256,
      num_trees: signature.num_trees,
      parity_error: parityError,
      latency_p99_ms: latency.p99Ms,
      latency_cpu_p99_ms: latency.cpuP99Ms,
      timings_ms: timings,
      evaluation,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** fetch's own failure: nothing answered at the registry's address. */
function isUnreachable(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/.test(error.message);
}

function registryUnreachable(deps: TrainerDeps, error: unknown): TrainingFailure {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new TrainingFailure(
    `the model registry at ${deps.registryUrl} is unreachable (${cause?.code ?? cause?.message ?? 'fetch failed'}): no version was registered and champion did not move`,
  );
}

async function ensureDir(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  return directory;
}

async function failRun(registry: RegistryClient, run: TrackedRun, endMs: number): Promise<void> {
  await endRun(registry, run.runId, 'FAILED', endMs).catch(() => undefined);
}

function splitSummary(fitted: ReturnType<typeof fitModel>) {
  return {
    train_rows: fitted.split.train.length,
    validation_rows: fitted.split.validation.length,
    test_rows: fitted.split.test.length,
    validation_start: new Date(fitted.split.validationStartMs).toISOString(),
    test_start: new Date(fitted.split.testStartMs).toISOString(),
  };
}

function runParams(config: ModelConfig, window: { startMs: number; endMs: number; asOfMs: number }, fitted: ReturnType<typeof fitModel>): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(config.params).map(([key, value]) => [key, String(value)])),
    objective: config.objective,
    feature_service: config.feature_service,
    window_start: new Date(window.startMs).toISOString(),
    window_end: new Date(window.endMs).toISOString(),
    labels_as_of: new Date(window.asOfMs).toISOString(),
    label_delay_days: String(config.label.delay_days),
    num_inputs: String(fitted.inputs.length),
    best_iteration: String(fitted.evals.bestIteration),
    ...Object.fromEntries(Object.entries(splitSummary(fitted)).map(([key, value]) => [`split_${key}`, String(value)])),
  };
}

function runMetrics(
  evaluation: Evaluation,
  champion: TrainingReport['champion'],
  parityError: number,
  latency: { p50Ms: number; p99Ms: number; cpuP99Ms: number },
  fitted: ReturnType<typeof fitModel>,
): Record<string, number> {
  const metrics: Record<string, number> = {
    [`test_${evaluation.primary_metric}`]: evaluation.candidate.primary,
    [`baseline_${evaluation.primary_metric}`]: evaluation.baseline.primary,
    onnx_parity_max_abs_error: parityError,
    onnx_latency_p50_ms: latency.p50Ms,
    onnx_latency_p99_ms: latency.p99Ms,
    onnx_latency_cpu_p99_ms: latency.cpuP99Ms,
    num_trees: fitted.model.trees.length,
    best_iteration: fitted.evals.bestIteration,
  };
  if (champion) metrics[`champion_${evaluation.primary_metric}`] = champion.primary;
  const flat = (prefix: string, values: object): void => {
    for (const [key, value] of Object.entries(values)) if (typeof value === 'number') metrics[`${prefix}${key}`] = value;
  };
  if (evaluation.binary) {
    flat('test_', evaluation.binary.model);
    flat('baseline_', evaluation.binary.baseline);
    for (const [segment, groups] of Object.entries(evaluation.binary.segments)) {
      for (const [group, values] of Object.entries(groups)) flat(`segment_${segment}_${group}_`.replace(/[^A-Za-z0-9_.\-/ ]/g, '_'), values);
    }
  }
  if (evaluation.multiclass) {
    flat('test_', evaluation.multiclass.model);
    for (const [name, values] of Object.entries(evaluation.multiclass.model.per_class)) flat(`class_${name}_`, values);
    flat('chosen_', evaluation.multiclass.chosen);
  }
  return metrics;
}
