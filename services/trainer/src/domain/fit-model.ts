import { calibrateAll, fitIsotonic, train, type BoostedModel, type Calibrator, type Evals, type TrainParams } from '@payments-mlops/boosting';
import { MODEL_CLASSES, type ModelInput } from '@payments-mlops/contracts';
import { encodeDatasetColumns, inferModelInputs, type EncodedColumns, type FeatureLike } from '@payments-mlops/model-inputs';
import type { ModelConfig } from '../pipelines/model-config.js';
import { TrainingFailure, type TrainingSet } from './training-set.js';
import { splitByTime, take, takeAll, type TimeSplit } from './time-split.js';

export interface FittedModel {
  model: BoostedModel;
  evals: Evals;
  inputs: ModelInput[];
  encoded: EncodedColumns;
  split: TimeSplit;
  /** Binary tasks: isotonic calibration fitted on the validation period. */
  calibration: Calibrator | null;
  /** The test period's encoded columns, in input order. */
  testColumns: Float64Array[];
  /** Model probabilities on the test rows (binary: calibrated positive class; multiclass: row-major). */
  testProbabilities: Float64Array;
  /** Uncalibrated ones, what the ONNX graph answers (binary: positive class). */
  testRaw: Float64Array;
  classes: readonly string[];
}

/**
 * Splits the labeled rows by time, derives the input vector from the training period (category
 * lists see no later rows), trains with early stopping on the validation period and calibrates
 * on it, and scores the test period.
 */
export function fitModel(set: TrainingSet, features: readonly FeatureLike[], config: ModelConfig, onRound?: (round: number) => void): FittedModel {
  const target = set.labels.target;
  const action = set.labels.action;
  // Policy tasks keep, in the test period, rows that teach nothing but whose outcome was logged.
  const periods = splitByTime(set.timestamps, config.split, (row) => Number.isFinite(target[row]!) || (action !== undefined && action[row]! >= 0));
  const labeled = (rows: Int32Array) => rows.filter((row) => Number.isFinite(target[row]!));
  const split: TimeSplit = { ...periods, train: labeled(periods.train), validation: labeled(periods.validation) };
  checkClasses(config, take(target, split.train), 'training');
  checkClasses(config, take(target, split.validation), 'validation');

  const trainColumns = set.dataset.columns.map((column) =>
    column.dtype === 'String' ? { ...column, values: takeAll(column.values, split.train) } : column,
  );
  const inputs = inferModelInputs(features, { columns: trainColumns }, { minCategoryCount: config.categories.min_count });
  if (inputs.length === 0) throw new TrainingFailure(`feature service '${config.feature_service}' gives no usable model inputs`);
  const encoded = encodeDatasetColumns(inputs, set.dataset.columns, set.timestamps);
  const subset = (rows: Int32Array) => encoded.columns.map((column) => take(column, rows));
  const classes = MODEL_CLASSES[config.task];
  const { numRounds, learningRate, numLeaves, minDataInLeaf, earlyStoppingRounds, metric, seed, ...rest } = config.params;
  const params: TrainParams = {
    objective: config.objective,
    ...(config.objective === 'multiclass' ? { numClass: classes.length } : {}),
    numRounds,
    learningRate,
    numLeaves,
    minDataInLeaf,
    earlyStoppingRounds,
    metric,
    seed,
    ...rest,
  };
  const meta = { featureNames: encoded.featureNames, categoricalFeatures: encoded.categoricalFeatures };
  const weights = set.labels.weight;
  const weightsOf = (rows: Int32Array) => (weights ? { weights: take(weights, rows) } : {});
  const { model, evals } = train(
    { columns: subset(split.train), labels: take(target, split.train), ...weightsOf(split.train), ...meta },
    params,
    { valid: { columns: subset(split.validation), labels: take(target, split.validation), ...weightsOf(split.validation), ...meta }, ...(onRound ? { onRound } : {}) },
  );

  let calibration: Calibrator | null = null;
  const testColumns = subset(split.test);
  const testRaw = model.predict({ columns: testColumns });
  let testProbabilities = testRaw;
  if (config.objective === 'binary') {
    calibration = fitIsotonic(model.predict({ columns: subset(split.validation) }), take(target, split.validation), weights ? take(weights, split.validation) : undefined);
    testProbabilities = calibrateAll(calibration, testRaw);
  }
  return { model, evals, inputs, encoded, split, calibration, testColumns, testProbabilities, testRaw, classes };
}

/** A label with one class (or a class the contract does not know) cannot train a classifier. */
function checkClasses(config: ModelConfig, labels: Float64Array, period: string): void {
  const seen = new Set(labels);
  const k = MODEL_CLASSES[config.task].length;
  for (const value of seen) {
    if (!Number.isInteger(value) || value < 0 || value >= k) throw new TrainingFailure(`label value ${value} is not one of the ${k} classes of ${config.task}`);
  }
  if (seen.size < 2) {
    const only = [...seen].map((value) => MODEL_CLASSES[config.task][value]).join(', ');
    throw new TrainingFailure(`the label has one class (${only}) in the ${period} period: nothing to learn`);
  }
}
