import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { BoostedModel } from '@payments-mlops/boosting';
import { MODEL_CLASSES, REGISTERED_MODEL_NAMES, ModelSignature, type ModelTask, type ServingAlias } from '@payments-mlops/contracts';
import { runArtifactPath, type RegistryClient } from '@payments-mlops/registry-client';
import * as ort from 'onnxruntime-node';
import type { LoadFailureReason } from '../serving-metrics.js';
import { RowBatcher } from './row-batcher.js';
import { predictRow, type ServingModel } from './serving-model.js';

/** What loading needs of the registry: alias lookup and artifact download. */
export type ModelRegistry = Pick<RegistryClient, 'findVersionByAlias' | 'artifacts'>;

/** A version that cannot be served; `reason` says whether retrying later may help. */
export class ModelLoadError extends Error {
  constructor(
    readonly reason: LoadFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

export interface AliasTarget {
  version: string;
  /** `<run artifact uri>/model`, where the version's files are. */
  source: string;
}

/** The version an alias points at now; undefined when the alias is not set. */
export async function resolveAlias(registry: ModelRegistry, task: ModelTask, alias: ServingAlias): Promise<AliasTarget | undefined> {
  try {
    const version = await registry.findVersionByAlias(REGISTERED_MODEL_NAMES[task], alias);
    if (version === undefined) return undefined;
    return { version: version.version, source: version.source ?? '' };
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw new ModelLoadError('registry_unreachable', `cannot resolve ${REGISTERED_MODEL_NAMES[task]}@${alias}: ${String(error)}`, { cause: error });
  }
}

async function download(registry: ModelRegistry, target: AliasTarget, file: string): Promise<{ bytes: Buffer; recorded: string | undefined }> {
  try {
    const { body, sha256 } = await registry.artifacts.download(runArtifactPath(target.source, file));
    return { bytes: await buffer(body), recorded: sha256 };
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode === 'RESOURCE_DOES_NOT_EXIST') throw new ModelLoadError('invalid_artifact', `version ${target.version} has no ${file}`, { cause: error });
    throw new ModelLoadError('registry_unreachable', `cannot download ${file} of version ${target.version}: ${String(error)}`, { cause: error });
  }
}

/**
 * Downloads a version, checks it and makes it ready: the signature must be this task's, the ONNX
 * bytes must hash to the signature's sha256, the session must answer a warm-up row with the
 * same probabilities as the JSON trees. Nothing is swapped in here; the caller does that.
 */
export interface LoadOptions {
  /** Rows run through the new session before it is handed over (its first runs allocate). */
  warmupRuns?: number;
  /** Told the rows of every onnxruntime run of the version, warm-up included. */
  observeBatch?: (rows: number) => void;
}

export async function loadModel(registry: ModelRegistry, task: ModelTask, alias: ServingAlias, target: AliasTarget, { warmupRuns = 20, observeBatch }: LoadOptions = {}): Promise<ServingModel> {
  const name = REGISTERED_MODEL_NAMES[task];
  const invalid = (message: string, cause?: unknown) => new ModelLoadError('invalid_artifact', `${name} version ${target.version}: ${message}`, { cause });

  const signatureFile = await download(registry, target, 'signature.json');
  const parsed = ModelSignature.safeParse(safeJson(signatureFile.bytes));
  if (!parsed.success) throw invalid(`signature.json does not match the contract: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const signature = parsed.data;
  if (signature.task !== task) throw invalid(`signature is for task ${signature.task}`);
  const classes = MODEL_CLASSES[task] as readonly string[];
  if (signature.classes.length !== classes.length || signature.classes.some((value, i) => value !== classes[i])) {
    throw invalid(`classes ${signature.classes.join(',')} are not ${classes.join(',')}`);
  }

  const onnx = await download(registry, target, 'model.onnx');
  const sha256 = createHash('sha256').update(onnx.bytes).digest('hex');
  if (sha256 !== signature.onnx.sha256) {
    throw new ModelLoadError('checksum_mismatch', `${name} version ${target.version}: model.onnx hashes to ${sha256}, the signature says ${signature.onnx.sha256}`);
  }

  let trees: BoostedModel;
  try {
    trees = BoostedModel.fromJSON(safeJson((await download(registry, target, 'model.json')).bytes));
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw invalid('model.json is not a boosting model', error);
  }
  if (trees.numFeatures !== signature.inputs.length) throw invalid(`model.json has ${trees.numFeatures} features, the signature ${signature.inputs.length} inputs`);

  let session: ort.InferenceSession;
  try {
    // One thread: the event loop is the only caller, and the other core serves Redis and the OS.
    session = await ort.InferenceSession.create(onnx.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  } catch (error) {
    throw invalid('onnxruntime cannot load model.onnx', error);
  }
  const batcher = new RowBatcher(session, { inputName: signature.onnx.input_name, outputName: signature.onnx.probabilities_output, width: signature.inputs.length, classes: signature.classes.length, observeBatch });
  const model: ServingModel = { task, name, version: target.version, alias, signature, session, batcher, trees, loadedAtMs: Date.now() };
  try {
    await warmUp(model, warmupRuns);
  } catch (error) {
    await session.release();
    throw error instanceof ModelLoadError ? error : invalid('the warm-up inference failed', error);
  }
  return model;
}

/** Runs a few rows through the session (first runs allocate) and checks it agrees with the trees. */
async function warmUp(model: ServingModel, runs: number): Promise<void> {
  const width = model.signature.inputs.length;
  const row = new Float32Array(width).fill(Number.NaN);
  for (let i = 0; i < runs; i++) {
    const probabilities = await predictRow(model, row);
    if (probabilities.length !== model.signature.classes.length) {
      throw new ModelLoadError('invalid_artifact', `${model.name} version ${model.version}: the ONNX graph answers ${probabilities.length} probabilities for ${model.signature.classes.length} classes`);
    }
  }
  const fromTrees = model.trees.predictRawRow(row);
  const raw = await model.session.run({ [model.signature.onnx.input_name]: new ort.Tensor('float32', row, [1, width]) }, [model.signature.onnx.probabilities_output]);
  const fromOnnx = raw[model.signature.onnx.probabilities_output]!.data as Float32Array;
  const expected = model.signature.objective === 'binary' ? [sigmoid(fromTrees[0]!)] : softmax(fromTrees);
  const actual = model.signature.objective === 'binary' ? [fromOnnx[1]!] : Array.from(fromOnnx);
  if (expected.some((value, i) => Math.abs(value - actual[i]!) > 1e-4)) {
    throw new ModelLoadError('invalid_artifact', `${model.name} version ${model.version}: model.onnx and model.json disagree (${actual.join(',')} vs ${expected.join(',')})`);
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function softmax(raw: ArrayLike<number>): number[] {
  const values = Array.from(raw);
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

function safeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
