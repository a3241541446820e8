import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { calibrateAll } from '@payments-mlops/boosting';
import { ModelSignature } from '@payments-mlops/contracts';
import { encodeDatasetColumns, type DatasetColumnLike } from '@payments-mlops/model-inputs';
import type { RegistryClient } from '@payments-mlops/registry-client';
import { OnnxScorer } from './onnx-check.js';

export interface ChampionScores {
  version: string;
  /** Binary: calibrated positive-class probability per row; multiclass: row-major probabilities. */
  probabilities: Float64Array;
}

/**
 * The current champion's predictions on the candidate's test rows, computed as serving would:
 * its own signature's inputs and calibration, its own ONNX graph in onnxruntime. Undefined when
 * the model has no champion yet.
 */
export async function scoreChampion(
  registry: RegistryClient,
  name: string,
  directory: string,
  test: { columns: readonly DatasetColumnLike[]; timestamps: Float64Array; rows: number },
): Promise<ChampionScores | undefined> {
  const champion = await registry.findVersionByAlias(name, 'champion');
  if (champion === undefined) return undefined;
  const version = champion.version;
  await registry.downloadModelVersion(name, version, directory);
  const signature = ModelSignature.parse(JSON.parse(await readFile(path.join(directory, 'signature.json'), 'utf8')));
  const onnx = await readFile(path.join(directory, path.basename(signature.onnx.path)));
  const encoded = encodeDatasetColumns(signature.inputs, test.columns, test.timestamps);
  const scorer = await OnnxScorer.load(onnx, signature.inputs.length);
  try {
    const output = await scorer.scoreColumns(encoded.columns, test.rows);
    if (signature.objective === 'multiclass') return { version, probabilities: Float64Array.from(output) };
    const positive = Float64Array.from({ length: test.rows }, (_, row) => output[row * 2 + 1]!);
    return { version, probabilities: signature.calibration ? calibrateAll(signature.calibration, positive) : positive };
  } finally {
    await scorer.release();
  }
}
