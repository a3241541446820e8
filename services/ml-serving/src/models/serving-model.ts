import { calibrate, type BoostedModel } from '@payments-mlops/boosting';
import type { ModelSignature, ModelTask, ServingAlias } from '@payments-mlops/contracts';
import type * as ort from 'onnxruntime-node';
import type { RowBatcher } from './row-batcher.js';

/** A model version ready to answer: its ONNX session for scores and its JSON trees for TreeSHAP. */
export interface ServingModel {
  task: ModelTask;
  name: string;
  version: string;
  alias: ServingAlias;
  signature: ModelSignature;
  session: ort.InferenceSession;
  /** Scores rows through `session`, those of one event-loop turn in one run. */
  batcher: RowBatcher;
  /** The same trees as the ONNX graph, for reason codes. */
  trees: BoostedModel;
  loadedAtMs: number;
}

/**
 * Class probabilities of one encoded row (float32, the signature's input order). Binary models
 * return [1 − p, p] with p calibrated as the trainer calibrated it.
 */
export async function predictRow(model: ServingModel, row: Float32Array): Promise<Float32Array> {
  const probabilities = await model.batcher.predict(row);
  const { calibration } = model.signature;
  if (model.signature.objective === 'binary' && calibration !== null) {
    const positive = calibrate(calibration, probabilities[1]!);
    return Float32Array.of(1 - positive, positive);
  }
  return probabilities;
}

/** The index of the largest probability (ties to the first class). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
