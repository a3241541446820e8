import { invalidFilter } from './filter-tokens.js';
import { parseFilter, type Comparator, type RawClause } from './search-filter.js';
import { assertDistinctOrder, parseOrderBy } from './search-order.js';

/*
 * What search_runs accepts, as MLflow's SearchUtils defines it: metrics compare numerically with
 * their latest value; params and tags compare as strings; attributes are columns of the run;
 * datasets are the run's logged inputs.
 */

export type NumericComparator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';

export type RunStringColumn = 'run_uuid' | 'user_id' | 'status' | 'artifact_uri' | 'run_name';
export type RunNumericColumn = 'start_time' | 'end_time';

export type RunClause =
  | { kind: 'metric'; key: string; comparator: NumericComparator; value: number }
  | { kind: 'param' | 'tag'; key: string; comparator: StringComparator; value: string }
  | { kind: 'string-attribute'; column: RunStringColumn; comparator: StringComparator; value: string }
  | { kind: 'run-id-list'; negated: boolean; values: string[] }
  | { kind: 'numeric-attribute'; column: RunNumericColumn; comparator: NumericComparator; value: number }
  | { kind: 'dataset'; field: 'name' | 'digest' | 'context'; comparator: StringComparator | 'IN' | 'NOT IN'; values: string[] };

export type RunOrder =
  | { kind: 'metric' | 'param' | 'tag'; key: string; ascending: boolean }
  | { kind: 'attribute'; column: RunStringColumn | RunNumericColumn; ascending: boolean };

type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

const ENTITY_BY_PREFIX: Readonly<Record<string, Entity>> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

const STRING_COLUMNS: Readonly<Record<string, RunStringColumn>> = {
  run_id: 'run_uuid',
  run_name: 'run_name',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
};
const NUMERIC_COLUMNS: Readonly<Record<string, RunNumericColumn>> = {
  start_time: 'start_time',
  end_time: 'end_time',
  created: 'start_time',
  Created: 'start_time',
};

const NUMERIC_COMPARATORS: ReadonlySet<Comparator> = new Set(['=', '!=', '>', '>=', '<', '<=']);
const STRING_COMPARATORS: ReadonlySet<Comparator> = new Set(['=', '!=', 'LIKE', 'ILIKE']);

function entityOf(prefix: string | undefined): Entity {
  if (prefix === undefined) return 'attribute';
  const entity = ENTITY_BY_PREFIX[prefix];
  if (entity === undefined) {
    throw invalidFilter(`Invalid entity type '${prefix}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`);
  }
  return entity;
}

function comparatorError(comparator: Comparator, allowed: ReadonlySet<Comparator>, what: string): Error {
  return invalidFilter(`Invalid comparator '${comparator}' for ${what}; expected one of ${[...allowed].join(', ')}`);
}

export function parseRunFilter(filter: string | undefined): RunClause[] {
  return parseFilter(filter).map(toRunClause);
}

function toRunClause(clause: RawClause): RunClause {
  const { key, comparator, value } = clause;
  switch (entityOf(clause.prefix)) {
    case 'metric':
      if (!NUMERIC_COMPARATORS.has(comparator)) throw comparatorError(comparator, NUMERIC_COMPARATORS, `metric '${key}'`);
      if (value.kind !== 'number') throw invalidFilter(`Expected numeric value type for metric. Found ${describeValue(value)}`);
      return { kind: 'metric', key, comparator: comparator as NumericComparator, value: value.value };
    case 'param':
    case 'tag': {
      const kind = entityOf(clause.prefix) as 'param' | 'tag';
      const what = kind === 'param' ? 'parameter' : 'tag';
      if (!STRING_COMPARATORS.has(comparator)) throw comparatorError(comparator, STRING_COMPARATORS, `${what} '${key}'`);
      if (value.kind !== 'string') throw invalidFilter(`Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${describeValue(value)}`);
      return { kind, key, comparator: comparator as StringComparator, value: value.value };
    }
    case 'attribute':
      return toAttributeClause(key, comparator, value);
    case 'dataset': {
      if (key !== 'name' && key !== 'digest' && key !== 'context') {
        throw invalidFilter(`Invalid dataset key '${key}' specified. Valid keys are 'name', 'digest', 'context'`);
      }
      if (value.kind === 'number') throw invalidFilter(`Expected a quoted string value for dataset attributes. Got value ${value.text}`);
      const values = value.kind === 'list' ? value.values : [value.value];
      if ((comparator === 'IN' || comparator === 'NOT IN') !== (value.kind === 'list')) {
        throw invalidFilter(`Comparator '${comparator}' on dataset.${key} needs ${value.kind === 'list' ? 'a single quoted string' : 'a list of quoted strings'}`);
      }
      if (!STRING_COMPARATORS.has(comparator) && comparator !== 'IN' && comparator !== 'NOT IN') {
        throw invalidFilter(`Invalid comparator '${comparator}' for dataset.${key}`);
      }
      return { kind: 'dataset', field: key, comparator: comparator as StringComparator | 'IN' | 'NOT IN', values };
    }
  }
}

function toAttributeClause(key: string, comparator: Comparator, value: RawClause['value']): RunClause {
  const numeric = NUMERIC_COLUMNS[key];
  if (numeric !== undefined) {
    if (!NUMERIC_COMPARATORS.has(comparator)) throw comparatorError(comparator, NUMERIC_COMPARATORS, `attribute '${key}'`);
    if (value.kind !== 'number') throw invalidFilter(`Expected numeric value type for numeric attribute: ${key}. Found ${describeValue(value)}`);
    return { kind: 'numeric-attribute', column: numeric, comparator: comparator as NumericComparator, value: value.value };
  }
  const column = STRING_COLUMNS[key];
  if (column === undefined) {
    throw invalidFilter(`Invalid attribute key '${key}' specified. Valid keys are ${[...Object.keys(STRING_COLUMNS), ...Object.keys(NUMERIC_COLUMNS)].map((k) => `'${k}'`).join(', ')}`);
  }
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (column !== 'run_uuid') throw invalidFilter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    if (value.kind !== 'list') throw invalidFilter(`Expected a list of quoted strings after ${comparator}`);
    return { kind: 'run-id-list', negated: comparator === 'NOT IN', values: value.values };
  }
  if (!STRING_COMPARATORS.has(comparator)) throw comparatorError(comparator, STRING_COMPARATORS, `attribute '${key}'`);
  if (value.kind !== 'string') throw invalidFilter(`Expected a quoted string value for attributes. Got value ${describeValue(value)}`);
  return { kind: 'string-attribute', column, comparator: comparator as StringComparator, value: value.value };
}

function describeValue(value: RawClause['value']): string {
  if (value.kind === 'number') return value.text;
  if (value.kind === 'string') return `'${value.value}'`;
  return `(${value.values.map((v) => `'${v}'`).join(', ')})`;
}

export function parseRunOrderBy(orderBy: readonly string[] | undefined): RunOrder[] {
  const orders = (orderBy ?? []).map((clause): RunOrder => {
    const { prefix, key, ascending } = parseOrderBy(clause);
    const entity = entityOf(prefix);
    if (entity === 'metric' || entity === 'param' || entity === 'tag') return { kind: entity, key, ascending };
    if (entity === 'dataset') throw invalidFilter(`Invalid order_by entity type 'dataset' in '${clause}'`);
    const column = NUMERIC_COLUMNS[key] ?? STRING_COLUMNS[key];
    if (column === undefined) throw invalidFilter(`Invalid attribute key '${key}' specified in order_by clause '${clause}'.`);
    return { kind: 'attribute', column, ascending };
  });
  assertDistinctOrder(
    orders.map((order) => (order.kind === 'attribute' ? `attribute:${order.column}` : `${order.kind}:${order.key}`)),
    orderBy ?? [],
  );
  return orders;
}
