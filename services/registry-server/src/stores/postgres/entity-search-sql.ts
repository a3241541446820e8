import type { EntityClause, EntityOrder } from '../../domain/registry-search.js';
import { IS_PROMPT_TAG } from '../../domain/prompt-filter.js';
import { direction, type SqlParams } from './sql-params.js';

/*
 * Compiles the filters and orders of search_experiments, search_registered_models and
 * search_model_versions. Columns come from the closed sets of each search's dialect; values are
 * bind parameters. A tag comparison matches only rows that have the tag, as in MLflow.
 */

const SQL_COMPARATOR = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=', LIKE: 'LIKE', ILIKE: 'ILIKE' } as const;

export interface TagTable {
  table: string;
  /** The condition tying a tag row (alias `t`) to the searched row. */
  joinCondition: string;
}

export function compileEntityFilter(clauses: readonly EntityClause[], alias: string, tags: TagTable, params: SqlParams): string[] {
  return clauses.map((clause) => {
    switch (clause.kind) {
      case 'string-attribute':
        return `${alias}.${clause.column} ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}`;
      case 'string-list':
        return `${alias}.${clause.column} = ANY(${params.add(clause.values)}::text[])`;
      case 'numeric-attribute':
        return `${alias}.${clause.column} ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}::float8`;
      case 'tag':
        return `EXISTS (SELECT 1 FROM ${tags.table} t WHERE ${tags.joinCondition} AND t.key = ${params.add(clause.key)}
          AND t.value ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)})`;
    }
  });
}

export function compileEntityOrder(orders: readonly EntityOrder[], alias: string): string[] {
  return orders.map((order) => `${alias}.${order.column} ${direction(order.ascending)}`);
}

/**
 * Leaves out every row of a name that any tag row marks as a prompt (see prompt-filter.ts):
 * `table` is the tag table of the searched rows, aliased `alias`, both keyed by `name`.
 */
export function excludePromptsSql(table: 'registered_model_tags' | 'model_version_tags', alias: string, params: SqlParams): string {
  return `NOT EXISTS (SELECT 1 FROM ${table} p WHERE p.name = ${alias}.name AND p.key = ${params.add(IS_PROMPT_TAG)} AND p.value = 'true')`;
}
