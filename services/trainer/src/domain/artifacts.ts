import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { featureImportance, ONNX_INPUT, ONNX_PROBABILITIES, type BoostedModel } from '@payments-mlops/boosting';
import { MODEL_ARTIFACTS, ModelSignature, type ModelTask, type ReferenceProfile } from '@payments-mlops/contracts';
import { barChart, lineChart, prPoints, rocPoints } from './plots.js';
import { calibrationCurve } from './evaluation.js';
import type { FittedModel } from './fit-model.js';

export interface ArtifactInputs {
  task: ModelTask;
  fitted: FittedModel;
  onnx: Uint8Array;
  featureService: { name: string; version: string };
  datasetDigest: string;
  trainedAt: Date;
  profile: ReferenceProfile;
  /** evaluation/metrics.json: everything the run measured. */
  evaluation: unknown;
  /** Test labels and scores for the curves (binary tasks). */
  curves?: { labels: Float64Array; model: Float64Array; baseline: Float64Array; weights?: Float64Array };
}

export const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** The signature serving loads beside the ONNX bytes. */
export function buildSignature(input: Pick<ArtifactInputs, 'task' | 'fitted' | 'onnx' | 'featureService' | 'datasetDigest' | 'trainedAt'>, seed: number): ModelSignature {
  const { fitted } = input;
  return ModelSignature.parse({
    format: 'payments-mlops.model-signature/1',
    task: input.task,
    objective: fitted.model.objective === 'multiclass' ? 'multiclass' : 'binary',
    classes: [...fitted.classes],
    feature_service: input.featureService,
    inputs: fitted.inputs,
    onnx: { path: MODEL_ARTIFACTS.onnx, sha256: sha256Hex(input.onnx), input_name: ONNX_INPUT, probabilities_output: ONNX_PROBABILITIES },
    calibration: fitted.calibration,
    num_trees: fitted.model.trees.length,
    seed,
    trained_at: input.trainedAt.toISOString(),
    dataset_digest: input.datasetDigest,
  });
}

/** Writes the run's artifact tree (MODEL_ARTIFACTS' layout plus plots) under `directory`. */
export async function writeArtifacts(directory: string, input: ArtifactInputs, signature: ModelSignature): Promise<void> {
  const file = async (relative: string, content: string | Uint8Array): Promise<void> => {
    const target = path.join(directory, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  };
  const json = (value: unknown): string => `${JSON.stringify(value, finiteOrNull, 2)}\n`;
  const model: BoostedModel = input.fitted.model;
  await file(MODEL_ARTIFACTS.onnx, input.onnx);
  await file(MODEL_ARTIFACTS.json, JSON.stringify(model.toJSON()));
  await file(MODEL_ARTIFACTS.signature, json(signature));
  await file('model/features.json', json(input.fitted.inputs));
  await file(MODEL_ARTIFACTS.referenceProfile, json(input.profile));
  await file(MODEL_ARTIFACTS.evaluation, json(input.evaluation));
  const importance = featureImportance(model, 'gain').slice(0, 25);
  await file('evaluation/importance.svg', barChart(`${input.task}: feature importance (gain, relative)`, importance.map((f) => ({ name: f.name, value: f.importance }))));
  if (input.curves) {
    const { labels, model: scores, baseline } = input.curves;
    await file('evaluation/roc.svg', lineChart(`${input.task}: ROC (test period)`, 'false positive rate', 'true positive rate', [
      { name: 'model', points: rocPoints(labels, scores) },
      { name: 'rule baseline', points: rocPoints(labels, baseline) },
    ], true));
    await file('evaluation/pr.svg', lineChart(`${input.task}: precision-recall (test period)`, 'recall', 'precision', [
      { name: 'model', points: prPoints(labels, scores) },
      { name: 'rule baseline', points: prPoints(labels, baseline) },
    ]));
    const curve = calibrationCurve(labels, scores, 10, input.curves.weights);
    await file('evaluation/calibration.svg', lineChart(`${input.task}: calibration (test period)`, 'mean predicted probability', 'observed rate', [
      { name: 'model (calibrated)', points: curve.map((point) => [point.predicted, point.observed] as const) },
    ], true));
  }
}

/** JSON has no NaN or Infinity: they are written as null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
