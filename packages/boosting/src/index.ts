export { BoostingInputError } from './errors.js';
export type { Dataset } from './dataset.js';
export type { TrainParams, ObjectiveName, MetricName } from './params.js';
export { train, type TrainOptions, type TrainResult, type Evals } from './train.js';
export { BoostedModel, type FeatureInput, type ModelDefinition } from './model.js';
export { ModelJson, MODEL_FORMAT } from './model-json.js';
export type { Tree } from './tree.js';
export { rocAuc, averagePrecision } from './metrics/ranking.js';
export { logLoss, brierScore, expectedCalibrationError } from './metrics/probabilistic.js';
export {
  thresholdMetrics,
  accuracy,
  argmaxClasses,
  confusionMatrix,
  multiclassLogLoss,
  multiclassAccuracy,
  type ThresholdMetrics,
} from './metrics/classification.js';
export { explain, shapValues, baseValues, featureImportance, shapImportance } from './explain.js';
export type { Explanation, ExplainOptions, ReasonCode, FeatureImportance, ShapAlgorithm, ShapOptions } from './explain.js';
export { fitIsotonic, fitPlatt, calibrate, calibrateAll } from './calibration.js';
export type { Calibrator, IsotonicCalibrator, PlattCalibrator } from './calibration.js';
export { toOnnx, ONNX_INPUT, ONNX_LABEL, ONNX_PROBABILITIES, ONNX_REGRESSION_OUTPUT } from './onnx-export.js';
export type { OnnxExportOptions } from './onnx-export.js';
