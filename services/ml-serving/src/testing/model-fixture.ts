import { createHash } from 'node:crypto';
import { ONNX_INPUT, ONNX_PROBABILITIES, toOnnx, train } from '@payments-mlops/boosting';
import {
  CARD_BRANDS,
  CURRENCIES,
  DECLINE_CODES,
  MODEL_ARTIFACTS,
  MODEL_CLASSES,
  PAYMENT_METHOD_TYPES,
  REGISTERED_MODEL_NAMES,
  type ModelInput,
  type ModelSignature,
  type ModelTask,
  type ServingAlias,
} from '@payments-mlops/contracts';
import type { FeatureCatalog } from '@payments-mlops/feature-store';
import { inputKindOf } from '@payments-mlops/model-inputs';
import { runArtifactPath, type RegistryClient } from '@payments-mlops/registry-client';

/** The categories a tiny model knows per categorical feature; anything else scores as unknown. */
const KNOWN_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  currency: CURRENCIES,
  payment_method_type: PAYMENT_METHOD_TYPES,
  card_brand: CARD_BRANDS,
  decline_code: DECLINE_CODES,
  channel: ['web', 'mobile_app', 'in_store', 'recurring'],
  payment_type: ['one_off', 'subscription_renewal', 'retry'],
  merchant_category_code: ['5732', '4899', '5411', '5812'],
};

export interface PublishOptions {
  numTrees?: number;
  numLeaves?: number;
  rows?: number;
  seed?: number;
  /** Point these aliases at the new version. */
  aliases?: readonly ServingAlias[];
  /** Write a signature whose sha256 is not the ONNX file's (a corrupted upload). */
  corruptChecksum?: boolean;
}

export interface PublishedModel {
  version: string;
  signature: ModelSignature;
}

/** The model's input vector for a task: the feature service's features that have a kind. */
export function modelInputsFor(catalog: FeatureCatalog, task: ModelTask): ModelInput[] {
  return catalog.resolveService(task).flatMap(({ field }): ModelInput[] => {
    const kind = inputKindOf(field.dtype);
    if (kind === undefined) return [];
    if (kind === 'categorical') return [{ name: field.name, kind, categories: [...(KNOWN_CATEGORIES[field.name] ?? ['a', 'b', 'c'])] }];
    return [{ name: field.name, kind }];
  });
}

/**
 * Trains a small model on synthetic rows with packages/boosting, exports it to ONNX and registers
 * it the way the trainer does: model.onnx, model.json and signature.json under the run's `model/`,
 * a version whose source is that directory, and the aliases asked for.
 */
export async function publishModel(client: RegistryClient, catalog: FeatureCatalog, task: ModelTask, options: PublishOptions = {}): Promise<PublishedModel> {
  const { numTrees = 5, numLeaves = 8, rows = 1500, seed = 7, aliases = ['champion'], corruptChecksum = false } = options;
  const inputs = modelInputsFor(catalog, task);
  const classes = MODEL_CLASSES[task];
  const random = mulberry32(seed);
  const columns = inputs.map((input) =>
    Float64Array.from({ length: rows }, () => {
      if (random() < 0.1) return Number.NaN;
      if (input.kind === 'categorical') return Math.floor(random() * (input.categories?.length ?? 1));
      if (input.kind === 'boolean') return random() < 0.5 ? 1 : 0;
      return Math.round(random() * 1000) / 10;
    }),
  );
  // The outcome depends on the first numeric inputs, so the trees split and reasons are non-zero.
  const signal = inputs.map((input, i) => (input.kind === 'numeric' ? i : -1)).filter((i) => i >= 0).slice(0, 3);
  const labels = Float64Array.from({ length: rows }, (_, row) => {
    const total = signal.reduce((sum, i) => sum + (Number.isNaN(columns[i]![row]!) ? 50 : columns[i]![row]!), 0) / Math.max(signal.length, 1) + random() * 20;
    return Math.min(classes.length - 1, Math.floor((total / 120) * classes.length));
  });
  const { model } = train(
    { columns, labels, featureNames: inputs.map((input) => input.name), categoricalFeatures: inputs.filter((input) => input.kind === 'categorical').map((input) => input.name) },
    { objective: classes.length === 2 ? 'binary' : 'multiclass', ...(classes.length === 2 ? {} : { numClass: classes.length }), numRounds: numTrees, numLeaves, minDataInLeaf: 5, seed },
  );

  const name = REGISTERED_MODEL_NAMES[task];
  const { run } = await client.api.createRun({ experiment_id: '0', run_name: `train-${task}` });
  const artifactUri = run.info.artifact_uri ?? '';
  const onnx = Buffer.from(toOnnx(model, { version: 'fixture', digest: `sha256:${seed}` }));
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const signature: ModelSignature = {
    format: 'payments-mlops.model-signature/1',
    task,
    objective: classes.length === 2 ? 'binary' : 'multiclass',
    classes: [...classes],
    feature_service: { name: task, version: String(catalog.version) },
    inputs,
    onnx: { path: MODEL_ARTIFACTS.onnx, sha256: corruptChecksum ? createHash('sha256').update('other bytes').digest('hex') : sha256, input_name: ONNX_INPUT, probabilities_output: ONNX_PROBABILITIES },
    calibration: null,
    num_trees: model.trees.length,
    seed,
    trained_at: new Date().toISOString(),
    dataset_digest: `sha256:synthetic-${seed}`,
  };
  await client.artifacts.upload(runArtifactPath(artifactUri, MODEL_ARTIFACTS.onnx), onnx);
  await client.artifacts.upload(runArtifactPath(artifactUri, MODEL_ARTIFACTS.json), JSON.stringify(model.toJSON()), 'application/json');
  await client.artifacts.upload(runArtifactPath(artifactUri, MODEL_ARTIFACTS.signature), JSON.stringify(signature), 'application/json');
  await client.api.createRegisteredModel({ name }).catch((error: unknown) => {
    if ((error as { errorCode?: string }).errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
  });
  const { model_version: version } = await client.api.createModelVersion({ name, source: `${artifactUri}/model`, run_id: run.info.run_id });
  for (const alias of aliases) await client.api.setRegisteredModelAlias({ name, alias, version: version.version });
  return { version: version.version, signature };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
