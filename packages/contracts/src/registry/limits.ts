/** MLflow's limits (`mlflow/utils/validation.py`), enforced by the registry and known to its clients. */
export const REGISTRY_LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  batchRequestBytes: 1_000_000,
  paramValueLength: 6000,
  tagValueLength: 8000,
  entityKeyLength: 250,
  experimentNameLength: 500,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 5000,
  modelRegistryTagKeyLength: 250,
  modelRegistryTagValueLength: 5000,
  aliasLength: 255,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_777_215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  searchRunsDefaultMaxResults: 1000,
  searchRunsMaxResults: 50_000,
  searchExperimentsDefaultMaxResults: 1000,
  searchExperimentsMaxResults: 50_000,
  searchRegisteredModelsDefaultMaxResults: 100,
  searchRegisteredModelsMaxResults: 1000,
  searchModelVersionsDefaultMaxResults: 200_000,
  searchModelVersionsMaxResults: 200_000,
  metricHistoryDefaultMaxResults: 25_000,
} as const;

/** Aliases no model may use: 'latest' (any case) and version-like names such as 'v3'. */
export function reservedAliasReason(alias: string): string | undefined {
  if (alias.toLowerCase() === 'latest') return "'latest' alias name (case insensitive) is reserved.";
  if (/^[vV]\d+$/.test(alias)) return `Version alias name '${alias}' is reserved.`;
  return undefined;
}
