import type { Aggregation, FeatureRepo, KafkaSource, StreamFieldType } from '@payments-mlops/contracts';
import { windowTiles } from '../aggregation/tiles.js';
import { ON_DEMAND_TRANSFORMATIONS } from '../on-demand/transformations.js';
import { DefinitionError, type DefinitionProblem } from './definition-error.js';

/** `<list>/<name>` → where that definition was declared. */
export type DefinitionLocations = Map<string, { file: string; field: string; line?: number | undefined }>;

type ListName = Exclude<keyof FeatureRepo, 'config'>;

const NUMERIC: ReadonlySet<StreamFieldType> = new Set(['Int64', 'Float64']);
const NEEDS_COLUMN = new Set<Aggregation['function']>(['sum', 'avg', 'stddev', 'distinct_count', 'distinct_values', 'last']);
const IDEMPOTENT = new Set<Aggregation['function']>(['distinct_count', 'distinct_values', 'first_time', 'last_time', 'last']);

/**
 * Checks the definitions together: unique names, references that resolve, aggregations that fit
 * their source's fields, windows that fit their buckets, on-demand views that match their code.
 * Throws one DefinitionError listing every problem, each at the definition's file and field.
 */
export function validateRepo(repo: FeatureRepo, locations: DefinitionLocations = new Map()): void {
  const problems: DefinitionProblem[] = [];
  const report = (list: ListName, name: string, field: string, message: string): void => {
    const location = locations.get(`${list}/${name}`);
    const fieldPath = [location?.field ?? `${list}[${name}]`, field].filter(Boolean).join('.');
    problems.push({ ...(location ? { file: location.file, line: location.line } : {}), field: fieldPath, message });
  };

  const entities = uniqueByName(repo, 'entities', report);
  const sources = uniqueByName(repo, 'data_sources', report);
  uniqueByName(repo, 'feature_services', report);
  const views = new Map<string, { list: ListName; features: Set<string> }>();
  const featureOwners = new Map<string, string>();
  const addView = (list: ListName, name: string, features: readonly string[]): void => {
    if (views.has(name) || sources.get(name)?.type === 'request') {
      report(list, name, 'name', `'${name}' is already the name of another view or request source`);
      return;
    }
    views.set(name, { list, features: new Set(features) });
    features.forEach((feature, index) => {
      const owner = featureOwners.get(feature);
      // Unique feature names keep responses with full_feature_names=false and training datasets unambiguous.
      if (owner !== undefined) report(list, name, `${fieldOfFeature(list)}.${index}.name`, `feature '${feature}' is already defined by view '${owner}'`);
      else featureOwners.set(feature, name);
    });
  };

  for (const source of repo.data_sources) {
    if (source.type === 'kafka' || source.type === 'push') {
      const batch = sources.get(source.batch_source);
      if (batch?.type !== 'postgres' || batch.table === undefined) {
        report('data_sources', source.name, 'batch_source', `must name a postgres source with a table; '${source.batch_source}' is not one`);
      }
    }
  }

  for (const view of repo.feature_views) {
    addView('feature_views', view.name, view.schema.map((field) => field.name));
    checkEntity(entities, view.entities[0], (message) => report('feature_views', view.name, 'entities.0', message));
    const source = sources.get(view.source);
    if (source?.type !== 'postgres' && source?.type !== 'push') {
      report('feature_views', view.name, 'source', `must name a postgres or push source; '${view.source}' is not one`);
    }
  }

  for (const view of repo.stream_feature_views) {
    addView('stream_feature_views', view.name, view.aggregations.map((aggregation) => aggregation.name));
    const entity = checkEntity(entities, view.entities[0], (message) => report('stream_feature_views', view.name, 'entities.0', message));
    const source = sources.get(view.source);
    if (source?.type !== 'kafka') {
      report('stream_feature_views', view.name, 'source', `must name a kafka source; '${view.source}' is not one`);
      continue;
    }
    if (entity && !(entity.join_key in source.fields)) {
      report('stream_feature_views', view.name, 'entities.0', `join key '${entity.join_key}' is not a field of source '${source.name}'`);
    }
    view.aggregations.forEach((aggregation, index) => {
      for (const message of aggregationProblems(aggregation, source)) {
        report('stream_feature_views', view.name, `aggregations.${index}.${message.field}`, message.message);
      }
    });
  }

  for (const view of repo.on_demand_feature_views) {
    addView('on_demand_feature_views', view.name, view.schema.map((field) => field.name));
    const transformation = ON_DEMAND_TRANSFORMATIONS.get(view.transformation);
    if (transformation === undefined) {
      report('on_demand_feature_views', view.name, 'transformation', `'${view.transformation}' is not a transformation of @payments-mlops/feature-store (known: ${[...ON_DEMAND_TRANSFORMATIONS.keys()].join(', ')})`);
      continue;
    }
    const requestFields = new Set<string>();
    const features = new Set<string>();
    view.sources.forEach((name, index) => {
      const source = sources.get(name);
      if (source?.type === 'request') source.schema.forEach((field) => requestFields.add(field.name));
      else if (views.has(name)) views.get(name)?.features.forEach((feature) => features.add(feature));
      else report('on_demand_feature_views', view.name, `sources.${index}`, `'${name}' is neither a request source nor a view defined before this one`);
    });
    for (const input of transformation.requestInputs) {
      if (!requestFields.has(input)) report('on_demand_feature_views', view.name, 'sources', `no request source provides '${input}', which ${transformation.name} reads`);
    }
    for (const input of transformation.featureInputs) {
      if (!features.has(input)) report('on_demand_feature_views', view.name, 'sources', `no source view provides feature '${input}', which ${transformation.name} reads`);
    }
    const declared = view.schema.map((field) => `${field.name}:${field.dtype}`).join(', ');
    const produced = transformation.outputs.map((field) => `${field.name}:${field.dtype}`).join(', ');
    if (declared !== produced) report('on_demand_feature_views', view.name, 'schema', `must be exactly what ${transformation.name} produces: ${produced}`);
  }

  for (const service of repo.feature_services) {
    service.features.forEach((selection, index) => {
      const [viewName, selected] = typeof selection === 'string' ? [selection, undefined] : (Object.entries(selection)[0] ?? ['', undefined]);
      const request = sources.get(viewName);
      const available = views.get(viewName)?.features ?? (request?.type === 'request' ? new Set(request.schema.map((f) => f.name)) : undefined);
      if (available === undefined) {
        report('feature_services', service.name, `features.${index}`, `'${viewName}' is not a feature view or request source`);
        return;
      }
      for (const feature of selected ?? []) {
        if (!available.has(feature)) report('feature_services', service.name, `features.${index}.${viewName}`, `view '${viewName}' has no feature '${feature}'`);
      }
    });
  }

  if (problems.length > 0) throw new DefinitionError(problems);
}

function fieldOfFeature(list: ListName): string {
  return list === 'stream_feature_views' ? 'aggregations' : 'schema';
}

function uniqueByName<L extends ListName>(
  repo: FeatureRepo,
  list: L,
  report: (list: ListName, name: string, field: string, message: string) => void,
): Map<string, FeatureRepo[L][number]> {
  const byName = new Map<string, FeatureRepo[L][number]>();
  for (const definition of repo[list]) {
    if (byName.has(definition.name)) report(list, definition.name, 'name', `'${definition.name}' is defined twice`);
    byName.set(definition.name, definition);
  }
  return byName;
}

function checkEntity<E>(entities: Map<string, E>, name: string | undefined, fail: (message: string) => void): E | undefined {
  const entity = name === undefined ? undefined : entities.get(name);
  if (entity === undefined) fail(`'${name}' is not a defined entity`);
  return entity;
}

function aggregationProblems(aggregation: Aggregation, source: KafkaSource): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const { function: fn, column, time_window: window } = aggregation;
  if (NEEDS_COLUMN.has(fn) && column === undefined) problems.push({ field: 'column', message: `is required for ${fn}` });
  if (!NEEDS_COLUMN.has(fn) && column !== undefined) problems.push({ field: 'column', message: `is not used by ${fn}` });
  if (column !== undefined) {
    const type = source.fields[column];
    if (type === undefined) problems.push({ field: 'column', message: `'${column}' is not a field of source '${source.name}'` });
    else if ((fn === 'sum' || fn === 'avg' || fn === 'stddev') && !NUMERIC.has(type)) {
      problems.push({ field: 'column', message: `${fn} needs a numeric field; '${column}' is ${type}` });
    }
  }
  if (fn === 'rate' && aggregation.where === undefined) problems.push({ field: 'where', message: 'is required for rate: it selects the numerator' });
  if (fn !== 'rate' && aggregation.where !== undefined) problems.push({ field: 'where', message: `is only used by rate; use filter for ${fn}` });
  if (window === 'lifetime') {
    if (!IDEMPOTENT.has(fn)) problems.push({ field: 'time_window', message: `${fn} needs a bounded window; lifetime is only for ${[...IDEMPOTENT].join(', ')}` });
  } else {
    if (fn === 'first_time') problems.push({ field: 'time_window', message: 'first_time is only defined over the lifetime window' });
    try {
      windowTiles(window);
    } catch (error) {
      problems.push({ field: 'time_window', message: (error as Error).message });
    }
  }
  for (const [kind, filter] of [['filter', aggregation.filter], ['where', aggregation.where]] as const) {
    for (const [field, condition] of Object.entries(filter ?? {})) {
      const type = source.fields[field];
      if (type === undefined) {
        problems.push({ field: `${kind}.${field}`, message: `'${field}' is not a field of source '${source.name}'` });
        continue;
      }
      const values = typeof condition === 'object' && !Array.isArray(condition) ? condition.not : condition;
      for (const value of Array.isArray(values) ? values : [values]) {
        const matches = type === 'Bool' ? typeof value === 'boolean' : type === 'String' ? typeof value === 'string' : typeof value === 'number';
        if (!matches) problems.push({ field: `${kind}.${field}`, message: `${JSON.stringify(value)} is not a ${type}` });
      }
    }
  }
  return problems;
}
