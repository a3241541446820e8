import type { StreamFieldType } from '@payments-mlops/contracts';
import { conditionsSql } from './conditions.js';
import type { AdditiveAggregate, AggregationPlan, Measure, ScalarAggregate } from './plan.js';
import type { WindowTiles } from './tiles.js';

export interface EntityRowsRelation {
  /** A table (or parenthesised subquery with alias) with `row_id`, the timestamp and the join key. */
  relation: string;
  timestampColumn: string;
  /** The column holding this view's join key; defaults to the join key's own name. */
  keyColumn?: string;
}

const EPOCH = `timestamptz '1970-01-01 00:00:00+00'`;

/**
 * The offline side of a stream feature view: one query returning, per entity row, `row_id`,
 * `known` (whether the online store would hold any state for the entity at that time) and each
 * aggregate, evaluated over the events strictly before the row's timestamp with the tile rule of
 * `tiles.ts`. Timestamps come out as epoch milliseconds and lists as JSON; rows in no particular
 * order (callers place them by row_id, which spares Postgres a sort of the whole result).
 */
export function compileAggregationSql(plan: AggregationPlan, rows: EntityRowsRelation): string {
  const e = 'e';
  const ts = `${e}.${plan.timestampField}`;
  const windows = new Map<string, WindowTiles>();
  const windowColumn = (window: WindowTiles): string => {
    const name = `ws_${window.tileMs}_${window.tiles}`;
    windows.set(name, window);
    return `r.${name}`;
  };

  const bounded: string[] = [];
  const lifetime: string[] = [];
  const select: string[] = [];
  const known: string[] = [];
  const measureSql = (measure: Measure, window: WindowTiles): string => {
    const where = `${conditionsSql(measure.conditions, e)} AND ${ts} >= ${windowColumn(window)}`;
    switch (measure.kind) {
      case 'count':
        return `count(*) FILTER (WHERE ${where})`;
      case 'sum':
        return `sum(${e}.${measure.column}) FILTER (WHERE ${where})`;
      case 'sumsq':
        return `sum(${e}.${measure.column}::numeric * ${e}.${measure.column}) FILTER (WHERE ${where})`;
    }
  };

  if (plan.rings.length > 0) {
    // The online store keeps an event on a ring while it is inside the ring's longest window.
    const ringStarts = plan.rings.map((ring) => windowColumn({ tileMs: ring.tileMs, tiles: ring.tiles }));
    bounded.push(`count(*) FILTER (WHERE ${ts} >= least(${ringStarts.join(', ')})) AS n_ring_events`);
    known.push('coalesce(a.n_ring_events, 0) > 0');
  }

  plan.aggregates.forEach((aggregate, index) => {
    const column = `f${index}`;
    if (aggregate.kind === 'additive') {
      const m = (measureIndex: number) => measureSql(plan.rings[aggregate.ring]!.measures[measureIndex]!, aggregate.window);
      select.push(`${additiveSql(aggregate, m, (name) => {
        bounded.push(`${name.sql} AS ${column}_${name.part}`);
        return `a.${column}_${name.part}`;
      })} AS ${column}`);
      return;
    }
    const target = aggregate.window === null ? lifetime : bounded;
    const alias = aggregate.window === null ? 'l' : 'a';
    const inWindow = `${conditionsSql(aggregate.conditions, e)}${aggregate.window === null ? '' : ` AND ${ts} >= ${windowColumn(aggregate.window)}`}`;
    const { sql, touched } = scalarSql(aggregate, plan, inWindow, `${alias}.${column}`);
    target.push(...sql.map((part) => `${part.sql} AS ${column}${part.suffix}`));
    select.push(`${selectScalar(aggregate, `${alias}.${column}`, plan.fields)} AS ${column}`);
    known.push(touched);
  });

  const key = rows.keyColumn ?? plan.joinKey;
  const windowSelect = [...windows].map(
    ([name, { tileMs, tiles }]) =>
      `date_bin(interval '${tileMs} milliseconds', ${rows.timestampColumn}, ${EPOCH}) - interval '${(tiles - 1) * tileMs} milliseconds' AS ${name}`,
  );
  const earliest = windows.size === 0 ? undefined : `least(${[...windows.keys()].map((name) => `r.${name}`).join(', ')})`;
  const joins: string[] = [];
  const scope = (lowerBound: string | undefined) =>
    `FROM ${plan.table} ${e} WHERE ${e}.${plan.joinKey} = r.k AND ${ts} < r.ts${lowerBound ? ` AND ${ts} >= ${lowerBound}` : ''}`;
  if (bounded.length > 0) joins.push(`LEFT JOIN LATERAL (SELECT ${bounded.join(',\n    ')}\n  ${scope(earliest)}) a ON true`);
  if (lifetime.length > 0) joins.push(`LEFT JOIN LATERAL (SELECT ${lifetime.join(',\n    ')}\n  ${scope(undefined)}) l ON true`);

  return [
    `SELECT r.row_id, (${known.join(' OR ') || 'false'}) AS known,`,
    `  ${select.join(',\n  ')}`,
    `FROM (SELECT row_id, ${key}::text AS k, ${rows.timestampColumn} AS ts${windowSelect.length ? `, ${windowSelect.join(', ')}` : ''} FROM ${rows.relation}) r`,
    ...joins,
  ].join('\n');
}

/** The feature from its measures, with the same floating-point steps as `evaluate.ts`. */
function additiveSql(
  aggregate: AdditiveAggregate,
  measure: (index: number) => string,
  part: (p: { sql: string; part: string }) => string,
): string {
  switch (aggregate.fn) {
    case 'count':
      return part({ sql: measure(aggregate.value), part: 'v' });
    case 'sum': {
      const sum = part({ sql: measure(aggregate.value), part: 'v' });
      return aggregate.dtype === 'Int64' ? `coalesce(${sum}, 0)::bigint` : `coalesce(${sum}, 0)::float8`;
    }
    case 'avg': {
      const [sum, count] = [part({ sql: measure(aggregate.sum), part: 's' }), part({ sql: measure(aggregate.count), part: 'c' })];
      return `CASE WHEN ${count} > 0 THEN ${sum}::float8 / ${count} END`;
    }
    case 'stddev': {
      const sum = part({ sql: measure(aggregate.sum), part: 's' });
      const sumsq = part({ sql: measure(aggregate.sumsq), part: 'q' });
      const count = part({ sql: measure(aggregate.count), part: 'c' });
      const mean = `(${sum}::float8 / ${count})`;
      return `CASE WHEN ${count} > 0 THEN sqrt(greatest(${sumsq}::float8 / ${count} - ${mean} * ${mean}, 0)) END`;
    }
    case 'rate': {
      const numerator = part({ sql: measure(aggregate.numerator), part: 'n' });
      const denominator = part({ sql: measure(aggregate.denominator), part: 'd' });
      return `CASE WHEN ${denominator} > 0 THEN ${numerator}::float8 / ${denominator} END`;
    }
  }
}

function scalarSql(
  aggregate: ScalarAggregate,
  plan: AggregationPlan,
  where: string,
  ref: string,
): { sql: { sql: string; suffix: string }[]; touched: string } {
  const ts = `e.${plan.timestampField}`;
  const column = `e.${aggregate.column ?? ''}`;
  switch (aggregate.fn) {
    case 'distinct_count':
      return { sql: [{ sql: `count(DISTINCT ${column}) FILTER (WHERE ${where})`, suffix: '' }], touched: `coalesce(${ref}, 0) > 0` };
    case 'distinct_values': {
      const text = `(${column}::text COLLATE "C")`;
      return {
        sql: [{ sql: `array_agg(DISTINCT ${text} ORDER BY ${text}) FILTER (WHERE ${where} AND ${column} IS NOT NULL)`, suffix: '' }],
        touched: `${ref} IS NOT NULL`,
      };
    }
    case 'first_time':
      return { sql: [{ sql: `min(${ts}) FILTER (WHERE ${where})`, suffix: '' }], touched: `${ref} IS NOT NULL` };
    case 'last_time':
      return { sql: [{ sql: `max(${ts}) FILTER (WHERE ${where})`, suffix: '' }], touched: `${ref} IS NOT NULL` };
    case 'last':
      // Ties at the same instant go to the greater dedupe id, compared bytewise as the online store does.
      return {
        sql: [
          { sql: `(array_agg(${column} ORDER BY ${ts} DESC, e.${plan.dedupeField} COLLATE "C" DESC) FILTER (WHERE ${where}))[1]`, suffix: '' },
          { sql: `max(${ts}) FILTER (WHERE ${where})`, suffix: '_at' },
        ],
        touched: `${ref}_at IS NOT NULL`,
      };
  }
}

function selectScalar(aggregate: ScalarAggregate, ref: string, fields: Readonly<Record<string, StreamFieldType>>): string {
  switch (aggregate.fn) {
    case 'distinct_count':
      return `coalesce(${ref}, 0)`;
    case 'distinct_values':
      return `coalesce(array_to_json(${ref})::text, '[]')`;
    case 'first_time':
    case 'last_time':
      return epochMs(ref);
    case 'last':
      return fields[aggregate.column ?? ''] === 'Float64' ? `${ref}::float8` : ref;
  }
}

/**
 * A timestamptz as epoch milliseconds, the unit every time is compared and returned in. Truncated
 * to the millisecond first, so the double date_part gives is a whole number of ms apart from
 * rounding, which the cast removes: exact, and about twice as cheap per row as extract's numeric.
 */
export function epochMs(expression: string): string {
  return `(date_part('epoch', date_trunc('milliseconds', ${expression})) * 1000)::bigint`;
}
