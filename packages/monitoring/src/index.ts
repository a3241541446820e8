export {
  buildReferenceProfile,
  profileNumeric,
  profileCategorical,
  quantileOfSorted,
} from './reference-profile.js';
export type { ReferenceProfileInput } from './reference-profile.js';
export type { ColumnValues, ColumnKind } from './column-values.js';
export { wasserstein1Sorted, normalizedWasserstein } from './drift/wasserstein.js';
export { jensenShannonDistance } from './drift/jensen-shannon.js';
export { ksTwoSampleSorted, type KsResult } from './drift/ks-test.js';
export { chiSquaredTest, type ChiSquaredResult } from './drift/chi-squared.js';
export { populationStabilityIndex, binSortedCounts, decileEdges } from './drift/psi.js';
export {
  chiSquaredSurvival,
  kolmogorovSurvival,
  upperRegularizedGamma,
  logGamma,
} from './drift/special-functions.js';
export {
  detectColumnDrift,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftThresholds,
} from './drift/column-drift.js';
export {
  detectDatasetDrift,
  type DatasetDrift,
  type DatasetDriftOptions,
} from './drift/dataset-drift.js';
export {
  KafkaPredictionPublisher,
  type KafkaPredictionPublisherOptions,
} from './kafka-prediction-publisher.js';
export { predictionColumns, type PredictionColumns } from './prediction-columns.js';
export {
  estimatePerformance,
  estimatedAccuracy,
  estimatedRocAuc,
  type EstimatedPerformance,
} from './performance/cbpe.js';
export { realizedPerformance, relativeDegradation } from './performance/realized.js';
export { examplePrediction } from './prediction-fixtures.js';
