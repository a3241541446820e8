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
export { diffRepos, formatDiff, type RepoChange } from './definitions/diff.js';
export {
  OnlineStoreUnavailableError,
  RedisOnlineStore,
  type ApplyResult,
  type BatchRow,
  type OnlineStoreOptions,
  type RedisClient,
  type StoredState,
  type StreamEvent,
} from './online/online-store.js';
export type { OnlineStoreReader } from './online/online-reader.js';
export { CachedOnlineReader, onlineCacheFor, type CachedOnlineReaderOptions, type CachedOnlineReaderStats } from './online/cached-online-reader.js';
export {
  planOnlineRead,
  readOnlineFeatures,
  type OnlineFeatureColumns,
  type OnlineFeatureRows,
  type OnlineReadPlan,
} from './online/online-features.js';
export { FeatureValueError, checkValue as checkFeatureValue } from './online/value-codec.js';
export { getHistoricalFeatures, type HistoricalFeaturesOptions } from './offline/point-in-time.js';
export { EVENT_TIMESTAMP, type EntityRows } from './offline/entity-rows.js';
export { valueAt, type DatasetColumn, type DatasetDtype, type HistoricalDataset } from './offline/dataset.js';
export { PostgresRegistryStore, repoDigest, type ApplyOutcome, type MaterializationRecord } from './registry/registry-store.js';
export { RegistryCache, type RegistryCacheOptions } from './registry/registry-cache.js';
export { StreamIngestor, type StreamIngestorOptions } from './stream/stream-ingestor.js';
export { DEFAULT_MAX_EVENT_TIME_SKEW_MS, parseStreamMessage, type EventTimeBound } from './stream/parse-event.js';
export { materialize, materializeIncremental, layoutOf, type MaterializeOptions } from './materialize/materialize.js';
export { applyFeatureRepo, type ApplyOptions, type ApplyReport } from './registry/apply.js';
export { exportDatasetSnapshot, readDatasetSnapshot, type DatasetSnapshot, type ExportSnapshotOptions } from './offline/snapshot.js';
export { createOnlineRedis, type OnlineRedisOptions } from './online/redis-client.js';
export { sourceColumnOf } from './offline/view-queries.js';
