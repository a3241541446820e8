import type { RunClause, RunOrder } from '../../domain/run-search.js';
import { direction, SqlParams } from './sql-params.js';

/*
 * Compiles search_runs' parsed filter and order_by into one parameterised query over `runs r`.
 * Every value is a bind parameter; identifiers come only from the closed sets of the parser.
 * Metric comparisons never match NaN (IEEE: NaN compares false); a run without the metric, param
 * or tag named does not match any comparison on it, `!=` included, as in MLflow.
 */

const SQL_COMPARATOR = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=', LIKE: 'LIKE', ILIKE: 'ILIKE' } as const;

export interface RunSearchQuery {
  experimentIds: readonly number[];
  lifecycleStages: readonly string[];
  clauses: readonly RunClause[];
  orders: readonly RunOrder[];
  offset: number;
  /** Rows to fetch: one more than the page, to learn whether another page follows. */
  limit: number;
}

export function compileRunSearch(query: RunSearchQuery): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const where = [`r.experiment_id = ANY(${params.add(query.experimentIds)}::bigint[])`, `r.lifecycle_stage = ANY(${params.add(query.lifecycleStages)}::text[])`];
  // A metric that is both filtered on and ordered by is joined once: the filter already rules out
  // runs without it and NaN, so the order is a plain one Postgres can read off the (key, value) index.
  const filteredMetrics = new Set(query.clauses.flatMap((clause) => (clause.kind === 'metric' ? [clause.key] : [])));
  const metricAliases = new Map<string, string>();

  const joins: string[] = [];
  const orderBy: string[] = [];
  for (const [index, order] of query.orders.entries()) {
    const alias = `o${index}`;
    if (order.kind === 'attribute') {
      const column = order.column === 'run_name' ? 'r.name' : `r.${order.column}`;
      orderBy.push(`(${column} IS NULL)`, `${column} ${direction(order.ascending)}`);
      continue;
    }
    if (order.kind === 'metric' && filteredMetrics.has(order.key) && !metricAliases.has(order.key)) {
      joins.push(`JOIN latest_metrics ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${params.add(order.key)}`);
      metricAliases.set(order.key, alias);
      orderBy.push(`${alias}.value ${direction(order.ascending)}`);
      continue;
    }
    const table = order.kind === 'metric' ? 'latest_metrics' : order.kind === 'param' ? 'params' : 'run_tags';
    joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${params.add(order.key)}`);
    // Values first, then NaN, then runs without the metric, whichever the direction (as MLflow sorts).
    const rank = order.kind === 'metric' ? `CASE WHEN ${alias}.value IS NULL THEN 2 WHEN ${alias}.value = 'NaN' THEN 1 ELSE 0 END` : `(${alias}.value IS NULL)`;
    orderBy.push(rank, `${alias}.value ${direction(order.ascending)}`);
  }
  if (!query.orders.some((order) => order.kind === 'attribute' && order.column === 'start_time')) orderBy.push('r.start_time DESC');
  orderBy.push('r.run_uuid');
  for (const clause of query.clauses) where.push(compileClause(clause, params, metricAliases));

  const text = `SELECT r.run_uuid FROM runs r ${joins.join(' ')}
    WHERE ${where.join(' AND ')}
    ORDER BY ${orderBy.join(', ')}
    LIMIT ${params.add(query.limit)} OFFSET ${params.add(query.offset)}`;
  return { text, values: params.values };
}

function compileClause(clause: RunClause, params: SqlParams, metricAliases: ReadonlyMap<string, string>): string {
  switch (clause.kind) {
    case 'metric': {
      const alias = metricAliases.get(clause.key);
      if (alias !== undefined) return `${alias}.value <> 'NaN' AND ${alias}.value ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}::float8`;
      return `EXISTS (SELECT 1 FROM latest_metrics f WHERE f.run_uuid = r.run_uuid AND f.key = ${params.add(clause.key)}
        AND f.value <> 'NaN' AND f.value ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}::float8)`;
    }
    case 'param':
    case 'tag': {
      const table = clause.kind === 'param' ? 'params' : 'run_tags';
      return `EXISTS (SELECT 1 FROM ${table} f WHERE f.run_uuid = r.run_uuid AND f.key = ${params.add(clause.key)}
        AND f.value ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)})`;
    }
    case 'string-attribute': {
      const column = clause.column === 'run_name' ? 'r.name' : `r.${clause.column}`;
      return `${column} ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}`;
    }
    case 'run-id-list':
      return `${clause.negated ? 'NOT ' : ''}(r.run_uuid = ANY(${params.add(clause.values)}::text[]))`;
    case 'numeric-attribute':
      return `r.${clause.column} ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.value)}::float8`;
    case 'dataset': {
      const column = clause.field === 'context' ? `(SELECT t->>'value' FROM jsonb_array_elements(i.tags) t WHERE t->>'key' = 'mlflow.data.context' LIMIT 1)` : `d.${clause.field}`;
      const test =
        clause.comparator === 'IN'
          ? `${column} = ANY(${params.add(clause.values)}::text[])`
          : clause.comparator === 'NOT IN'
            ? `${column} <> ALL(${params.add(clause.values)}::text[])`
            : `${column} ${SQL_COMPARATOR[clause.comparator]} ${params.add(clause.values[0])}`;
      return `EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d USING (dataset_uuid) WHERE i.run_uuid = r.run_uuid AND ${test})`;
    }
  }
}
