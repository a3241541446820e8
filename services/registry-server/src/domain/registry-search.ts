import { invalidFilter } from './filter-tokens.js';
import type { NumericComparator, StringComparator } from './run-search.js';
import { parseFilter, type Comparator, type RawClause } from './search-filter.js';
import { assertDistinctOrder, parseOrderBy } from './search-order.js';

/*
 * What search_experiments, search_registered_models and search_model_versions accept. Each has a
 * few attributes (columns) and tags; prefixes are `attribute`, `tag` or `tags`, or none.
 */

/** A filter clause on a column (`column` as the store names it) or on a tag. */
export type EntityClause =
  | { kind: 'string-attribute'; column: string; comparator: StringComparator; value: string }
  | { kind: 'string-list'; column: string; values: string[] }
  | { kind: 'numeric-attribute'; column: string; comparator: NumericComparator; value: number }
  | { kind: 'tag'; key: string; comparator: StringComparator; value: string };

export interface EntityOrder {
  column: string;
  ascending: boolean;
}

interface SearchDialect {
  what: string;
  /** Filterable string attributes, by the name users write, to the store's column. */
  stringAttributes: Readonly<Record<string, string>>;
  numericAttributes: Readonly<Record<string, string>>;
  /** Attributes that accept `IN ('a', 'b')`. */
  listAttributes: ReadonlySet<string>;
  orderable: Readonly<Record<string, string>>;
}

const STRING_COMPARATORS: ReadonlySet<Comparator> = new Set(['=', '!=', 'LIKE', 'ILIKE']);
const NUMERIC_COMPARATORS: ReadonlySet<Comparator> = new Set(['=', '!=', '>', '>=', '<', '<=']);

export const EXPERIMENT_SEARCH: SearchDialect = {
  what: 'experiments',
  stringAttributes: { name: 'name' },
  numericAttributes: { creation_time: 'creation_time', last_update_time: 'last_update_time' },
  listAttributes: new Set(),
  orderable: { name: 'name', experiment_id: 'experiment_id', creation_time: 'creation_time', last_update_time: 'last_update_time' },
};

export const REGISTERED_MODEL_SEARCH: SearchDialect = {
  what: 'registered models',
  stringAttributes: { name: 'name' },
  numericAttributes: {},
  listAttributes: new Set(),
  orderable: { name: 'name', timestamp: 'last_updated_time', last_updated_timestamp: 'last_updated_time', creation_timestamp: 'creation_time' },
};

export const MODEL_VERSION_SEARCH: SearchDialect = {
  what: 'model versions',
  stringAttributes: { name: 'name', run_id: 'run_id', source_path: 'source' },
  numericAttributes: { version_number: 'version' },
  listAttributes: new Set(['run_id']),
  orderable: { name: 'name', version_number: 'version', creation_timestamp: 'creation_time', last_updated_timestamp: 'last_updated_time' },
};

function isTagPrefix(prefix: string | undefined, dialect: SearchDialect): boolean {
  if (prefix === undefined || prefix === 'attribute') return false;
  if (prefix === 'tag' || prefix === 'tags') return true;
  throw invalidFilter(`Invalid entity type '${prefix}' in a filter on ${dialect.what}. Valid entity types are ('attribute', 'tag', 'tags')`);
}

export function parseEntityFilter(filter: string | undefined, dialect: SearchDialect): EntityClause[] {
  return parseFilter(filter).map((clause) => toEntityClause(clause, dialect));
}

function toEntityClause({ prefix, key, comparator, value }: RawClause, dialect: SearchDialect): EntityClause {
  if (isTagPrefix(prefix, dialect)) {
    if (!STRING_COMPARATORS.has(comparator)) throw invalidFilter(`Invalid comparator for tag: ${comparator}`);
    if (value.kind !== 'string') throw invalidFilter(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${value.kind === 'number' ? value.text : 'a list'}`);
    return { kind: 'tag', key, comparator: comparator as StringComparator, value: value.value };
  }
  const numericColumn = dialect.numericAttributes[key];
  if (numericColumn !== undefined) {
    if (!NUMERIC_COMPARATORS.has(comparator)) throw invalidFilter(`Invalid comparator for attribute ${key}: ${comparator}`);
    const number = value.kind === 'number' ? value.value : value.kind === 'string' && /^-?\d+(\.\d+)?$/.test(value.value) ? Number(value.value) : undefined;
    if (number === undefined) throw invalidFilter(`Expected a numeric value for attribute ${key}`);
    return { kind: 'numeric-attribute', column: numericColumn, comparator: comparator as NumericComparator, value: number };
  }
  const column = dialect.stringAttributes[key];
  if (column === undefined) {
    const valid = [...Object.keys(dialect.stringAttributes), ...Object.keys(dialect.numericAttributes)];
    throw invalidFilter(`Invalid attribute key '${key}' specified. Valid keys are ${valid.map((k) => `'${k}'`).join(', ')}`);
  }
  if (comparator === 'IN') {
    if (!dialect.listAttributes.has(key)) throw invalidFilter(`Only the ${[...dialect.listAttributes].map((k) => `'${k}'`).join(', ') || 'no'} attribute supports comparison with a list of quoted string values.`);
    if (value.kind !== 'list') throw invalidFilter('Expected a list of quoted strings after IN');
    return { kind: 'string-list', column, values: value.values };
  }
  if (!STRING_COMPARATORS.has(comparator)) throw invalidFilter(`Invalid comparator for attribute: ${comparator}`);
  if (value.kind !== 'string') throw invalidFilter(`Expected a quoted string value for attribute ${key}`);
  return { kind: 'string-attribute', column, comparator: comparator as StringComparator, value: value.value };
}

export function parseEntityOrderBy(orderBy: readonly string[] | undefined, dialect: SearchDialect): EntityOrder[] {
  const orders = (orderBy ?? []).map((clause) => {
    const { prefix, key, ascending } = parseOrderBy(clause);
    if (isTagPrefix(prefix, dialect)) throw invalidFilter(`Invalid order_by entity: tag in '${clause}'`);
    const column = dialect.orderable[key];
    if (column === undefined) {
      throw invalidFilter(`Invalid order by key '${key}' specified. Valid keys are ${Object.keys(dialect.orderable).map((k) => `'${k}'`).join(', ')}`);
    }
    return { column, ascending };
  });
  assertDistinctOrder(orders.map((order) => order.column), orderBy ?? []);
  return orders;
}
