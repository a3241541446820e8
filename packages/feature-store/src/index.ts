export { DefinitionError, formatProblem, type DefinitionProblem } from './definitions/definition-error.js';
export { CONFIG_FILE, loadFeatureRepo, parseFeatureRepo, type LoadedRepo } from './definitions/load-repo.js';
export { validateRepo, type DefinitionLocations } from './definitions/validate-repo.js';
export {
  FeatureCatalog,
  type BatchViewInfo,
  type OnDemandViewInfo,
  type RequestSourceInfo,
  type ResolvedFeature,
  type StoredViewInfo,
  type StreamViewInfo,
  type ViewInfo,
} from './definitions/catalog.js';
export { DAY_MS, HOUR_MS, MINUTE_MS, durationMs } from './definitions/duration.js';
export { planAggregations, type AggregationPlan } from './aggregation/plan.js';
export { compileAggregationSql, type EntityRowsRelation } from './aggregation/sql.js';
export { ON_DEMAND_TRANSFORMATIONS } from './on-demand/transformations.js';
export type { OnDemandInputs, OnDemandTransformation } from './on-demand/transformation.js';
