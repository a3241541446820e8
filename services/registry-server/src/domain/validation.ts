import { MlflowError, REGISTRY_LIMITS, reservedAliasReason, type DatasetInputIn } from '@payments-mlops/contracts';

/*
 * MLflow's input rules (`mlflow/utils/validation.py`), with its messages, so a client sees the
 * same error from this registry as from MLflow's own server.
 */

// Slashes, letters, digits, underscores, periods, dashes, spaces and colons.
const ENTITY_NAME = /^[/\p{L}\p{N}_.\- :]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const ALIAS = /^[\w-]*$/;

function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

function invalidValue(path: string, value: unknown, reason?: string): MlflowError {
  const shown = JSON.stringify(value);
  return invalid(reason ? `Invalid value ${shown} for parameter '${path}' supplied: ${reason}` : `Invalid value ${shown} for parameter '${path}' supplied.`);
}

function exceedsLength(what: string, limit: number): MlflowError {
  return invalid(`'${what}' exceeds the maximum length of ${limit} characters`);
}

/** POSIX normpath, enough to tell whether a name would resolve to another name as a file path. */
function normalisePath(name: string): string {
  if (name === '') return '.';
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

function pathNotUnique(name: string): boolean {
  const normalised = normalisePath(name);
  return normalised !== name || normalised === '.' || normalised.startsWith('..') || normalised.startsWith('/');
}

/** Metric, param and tag keys: they may become file names, so they must not resolve to another name. */
export function validateEntityKey(key: string, path: string): void {
  if (!ENTITY_NAME.test(key)) {
    throw invalidValue(path, key, 'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).');
  }
  if (pathNotUnique(key)) {
    throw invalidValue(path, key, `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalisePath(key)}'`);
  }
  if (key.length > REGISTRY_LIMITS.entityKeyLength) throw exceedsLength(path, REGISTRY_LIMITS.entityKeyLength);
}

export function validateMetric(metric: { key: string; timestamp: number }, path: string): void {
  validateEntityKey(metric.key, `${path}name`);
  if (metric.timestamp < 0) {
    throw invalidValue(`${path}timestamp`, metric.timestamp, `metric '${metric.key}'. Timestamp must be a nonnegative long (64-bit integer) `);
  }
}

export function validateParam(param: { key: string; value: string }, path: string): void {
  validateEntityKey(param.key, `${path}key`);
  if (param.value.length > REGISTRY_LIMITS.paramValueLength) throw exceedsLength(`${path}value`, REGISTRY_LIMITS.paramValueLength);
}

export function validateRunTag(tag: { key: string; value: string }, path: string): void {
  validateEntityKey(tag.key, `${path}key`);
  if (tag.value.length > REGISTRY_LIMITS.tagValueLength) throw exceedsLength(`${path}value`, REGISTRY_LIMITS.tagValueLength);
}

export function validateExperimentTag(tag: { key: string; value: string }): void {
  validateEntityKey(tag.key, 'key');
  if (tag.key.length > REGISTRY_LIMITS.experimentTagKeyLength) throw exceedsLength('key', REGISTRY_LIMITS.experimentTagKeyLength);
  if (tag.value.length > REGISTRY_LIMITS.experimentTagValueLength) throw exceedsLength('value', REGISTRY_LIMITS.experimentTagValueLength);
}

export function validateRegistryTag(tag: { key: string; value: string }): void {
  validateEntityKey(tag.key, 'key');
  if (tag.key.length > REGISTRY_LIMITS.modelRegistryTagKeyLength) throw exceedsLength('key', REGISTRY_LIMITS.modelRegistryTagKeyLength);
  if (tag.value.length > REGISTRY_LIMITS.modelRegistryTagValueLength) throw exceedsLength('value', REGISTRY_LIMITS.modelRegistryTagValueLength);
}

export function validateExperimentName(name: string): void {
  if (name.length > REGISTRY_LIMITS.experimentNameLength) throw exceedsLength('name', REGISTRY_LIMITS.experimentNameLength);
}

export function validateRunId(runId: string, path = 'run_id'): void {
  if (!RUN_ID.test(runId)) throw invalidValue(path, runId);
}

/** A model version is a positive decimal integer, sent as a string. */
export function parseVersion(version: string, path = 'version'): number {
  if (!/^\d+$/.test(version) || Number(version) > 2 ** 31 - 1) {
    throw invalid(`Parameter '${path}' must be an integer, got '${version}'.`);
  }
  return Number(version);
}

export function validateAlias(alias: string): void {
  if (!ALIAS.test(alias)) {
    throw invalid(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  if (alias.length > REGISTRY_LIMITS.aliasLength) throw exceedsLength('Registered model alias name', REGISTRY_LIMITS.aliasLength);
  const reserved = reservedAliasReason(alias);
  if (reserved !== undefined) throw invalid(reserved);
}

function batchLimit(what: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalid(`A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`);
  }
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  batchLimit('metrics', REGISTRY_LIMITS.metricsPerBatch, metrics);
  batchLimit('params', REGISTRY_LIMITS.paramsPerBatch, params);
  batchLimit('tags', REGISTRY_LIMITS.tagsPerBatch, tags);
  batchLimit('metrics, params, and tags', REGISTRY_LIMITS.entitiesPerBatch, metrics + params + tags);
}

export function validateUniqueParamKeys(params: readonly { key: string }[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { key } of params) {
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw invalid(`Duplicate parameter keys have been submitted: ${JSON.stringify([...duplicates])}. Please ensure the request contains only one param value per param key.`);
  }
}

export function validateDatasetInputs(inputs: readonly DatasetInputIn[]): void {
  for (const [index, { dataset, tags }] of inputs.entries()) {
    const path = `datasets[${index}].dataset`;
    if (dataset.name.length > REGISTRY_LIMITS.datasetNameLength) throw exceedsLength(`${path}.name`, REGISTRY_LIMITS.datasetNameLength);
    if (dataset.digest.length > REGISTRY_LIMITS.datasetDigestLength) throw exceedsLength(`${path}.digest`, REGISTRY_LIMITS.datasetDigestLength);
    if (dataset.source.length > REGISTRY_LIMITS.datasetSourceLength) throw exceedsLength(`${path}.source`, REGISTRY_LIMITS.datasetSourceLength);
    if ((dataset.schema?.length ?? 0) > REGISTRY_LIMITS.datasetSchemaLength) throw exceedsLength(`${path}.schema`, REGISTRY_LIMITS.datasetSchemaLength);
    if ((dataset.profile?.length ?? 0) > REGISTRY_LIMITS.datasetProfileLength) throw exceedsLength(`${path}.profile`, REGISTRY_LIMITS.datasetProfileLength);
    for (const tag of tags ?? []) {
      if (tag.key.length > REGISTRY_LIMITS.inputTagKeyLength) throw exceedsLength(`datasets[${index}].tags.key`, REGISTRY_LIMITS.inputTagKeyLength);
      if (tag.value.length > REGISTRY_LIMITS.inputTagValueLength) throw exceedsLength(`datasets[${index}].tags.value`, REGISTRY_LIMITS.inputTagValueLength);
    }
  }
}

/**
 * Postgres text cannot hold U+0000, so a request carrying one anywhere would fail in the database.
 * The first such string, named the way MLflow names a nested field (`tags[0].value`), is refused
 * up front instead. Keys are checked as well as values: tags and params arrive as objects.
 */
export function checkNoNulCharacters(request: unknown): void {
  const field = nulCharacterField(request, '');
  if (field !== undefined) {
    throw invalid(`Invalid value for parameter '${field === '' ? 'request' : field}' supplied: must not contain the NUL character (U+0000).`);
  }
}

function nulCharacterField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const field = nulCharacterField(item, `${path}[${index}]`);
      if (field !== undefined) return field;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const name = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return name;
      const field = nulCharacterField(item, name);
      if (field !== undefined) return field;
    }
  }
  return undefined;
}
