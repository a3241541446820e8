import { createHash } from 'node:crypto';
import type { Aggregation, Entity, FeatureValueType, KafkaSource, PostgresSource, StreamFeatureView } from '@payments-mlops/contracts';
import { aggregationOutputType } from '../definitions/feature-types.js';
import { conditionsKey, normalizeFilter, type Condition } from './conditions.js';
import { windowTiles, type WindowTiles } from './tiles.js';

/** A quantity added up per tile: how many events, or the sum (of squares) of a column. */
export interface Measure {
  kind: 'count' | 'sum' | 'sumsq';
  column: string | null;
  conditions: Condition[];
}

/** The tiles of one size, holding every measure that windows of that tile size need. */
export interface Ring {
  /** Short and stable: used in Redis field names. */
  id: string;
  tileMs: number;
  /** The longest window on this ring, in tiles: older tiles can never be read again. */
  tiles: number;
  measures: Measure[];
}

export type AdditiveAggregate = {
  name: string;
  dtype: FeatureValueType;
  ring: number;
  window: WindowTiles;
} & (
  | { fn: 'count' | 'sum'; value: number }
  | { fn: 'avg'; sum: number; count: number }
  | { fn: 'stddev'; sum: number; sumsq: number; count: number }
  | { fn: 'rate'; numerator: number; denominator: number }
);

export interface ScalarAggregate {
  name: string;
  dtype: FeatureValueType;
  fn: 'distinct_count' | 'distinct_values' | 'first_time' | 'last_time' | 'last';
  /** Index of its state in the online store (field `s<slot>`), and of the subquery offline. */
  slot: number;
  column: string | null;
  conditions: Condition[];
  /** Null for the lifetime window. */
  window: WindowTiles | null;
}

export type PlannedAggregate = ({ kind: 'additive' } & AdditiveAggregate) | ({ kind: 'scalar' } & ScalarAggregate);

/**
 * A stream feature view compiled once into what both sides execute: measures per tile ring and
 * per-feature formulas, from which `compileAggregationSql` writes the offline query and the
 * online store derives its update and read paths.
 */
export interface AggregationPlan {
  view: string;
  entity: string;
  joinKey: string;
  topic: string;
  table: string;
  timestampField: string;
  dedupeField: string;
  fields: KafkaSource['fields'];
  rings: Ring[];
  aggregates: PlannedAggregate[];
  scalars: ScalarAggregate[];
  /** A lifetime aggregate keeps the entity's state forever (no key expiry). */
  hasLifetime: boolean;
  /** How long a dedupe id must be remembered: the longest ring's span. */
  dedupeRetentionMs: number;
  /** Changes whenever the stored layout changes; part of every key, so a new layout starts clean. */
  fingerprint: string;
}

export function planAggregations(view: StreamFeatureView, source: KafkaSource, batch: PostgresSource, entity: Entity): AggregationPlan {
  const rings: Ring[] = [];
  const aggregates: PlannedAggregate[] = [];
  const scalars: ScalarAggregate[] = [];

  const measureIndex = (ringIndex: number, measure: Measure): number => {
    const ring = rings[ringIndex]!;
    const key = measureKey(measure);
    const existing = ring.measures.findIndex((m) => measureKey(m) === key);
    if (existing !== -1) return existing;
    ring.measures.push(measure);
    return ring.measures.length - 1;
  };
  const ringFor = (window: WindowTiles): number => {
    let index = rings.findIndex((ring) => ring.tileMs === window.tileMs);
    if (index === -1) {
      rings.push({ id: ringId(window.tileMs), tileMs: window.tileMs, tiles: window.tiles, measures: [] });
      index = rings.length - 1;
    }
    rings[index]!.tiles = Math.max(rings[index]!.tiles, window.tiles);
    return index;
  };

  for (const aggregation of view.aggregations) {
    const dtype = aggregationOutputType(aggregation, source);
    const conditions = normalizeFilter(aggregation.filter);
    const column = aggregation.column ?? null;
    const fn = aggregation.function;
    if (fn === 'count' || fn === 'sum' || fn === 'avg' || fn === 'stddev' || fn === 'rate') {
      const window = windowTiles(boundedWindow(aggregation));
      const ring = ringFor(window);
      const withColumn = column === null ? conditions : normalizeWithNotNull(conditions, column);
      const base = { kind: 'additive' as const, name: aggregation.name, dtype, ring, window };
      const count = (extra: Condition[] = []) => measureIndex(ring, { kind: 'count', column: null, conditions: mergeConditions(withColumn, extra) });
      const sum = () => measureIndex(ring, { kind: 'sum', column, conditions: withColumn });
      switch (fn) {
        case 'count':
          aggregates.push({ ...base, fn, value: count() });
          break;
        case 'sum':
          aggregates.push({ ...base, fn, value: sum() });
          break;
        case 'avg':
          aggregates.push({ ...base, fn, sum: sum(), count: count() });
          break;
        case 'stddev':
          aggregates.push({ ...base, fn, sum: sum(), sumsq: measureIndex(ring, { kind: 'sumsq', column, conditions: withColumn }), count: count() });
          break;
        case 'rate':
          aggregates.push({ ...base, fn, numerator: count(normalizeFilter(aggregation.where)), denominator: count() });
          break;
      }
    } else {
      const scalar: ScalarAggregate = {
        name: aggregation.name,
        dtype,
        fn,
        slot: scalars.length,
        column,
        conditions,
        window: aggregation.time_window === 'lifetime' ? null : windowTiles(aggregation.time_window),
      };
      scalars.push(scalar);
      aggregates.push({ kind: 'scalar', ...scalar });
    }
  }

  const dedupeRetentionMs = Math.max(0, ...rings.map((ring) => ring.tiles * ring.tileMs));
  const layout = {
    joinKey: entity.join_key,
    rings: rings.map((ring) => [ring.tileMs, ring.tiles, ring.measures.map(measureKey)]),
    scalars: scalars.map((s) => [s.fn, s.column, conditionsKey(s.conditions), s.window?.tileMs, s.window?.tiles]),
  };
  return {
    view: view.name,
    entity: entity.name,
    joinKey: entity.join_key,
    topic: source.topic,
    table: batch.table ?? '',
    timestampField: source.timestamp_field,
    dedupeField: source.dedupe_field,
    fields: source.fields,
    rings,
    aggregates,
    scalars,
    hasLifetime: scalars.some((scalar) => scalar.window === null),
    dedupeRetentionMs,
    fingerprint: createHash('sha256').update(JSON.stringify(layout)).digest('hex').slice(0, 8),
  };
}

function boundedWindow(aggregation: Aggregation): Exclude<Aggregation['time_window'], 'lifetime'> {
  if (aggregation.time_window === 'lifetime') throw new Error(`${aggregation.name}: ${aggregation.function} needs a bounded window`);
  return aggregation.time_window;
}

function normalizeWithNotNull(conditions: Condition[], column: string): Condition[] {
  return mergeConditions(conditions, [{ field: column, op: 'not_null' }]);
}

function mergeConditions(a: readonly Condition[], b: readonly Condition[]): Condition[] {
  const merged = [...a];
  for (const condition of b) {
    if (!merged.some((existing) => conditionsKey([existing]) === conditionsKey([condition]))) merged.push(condition);
  }
  return merged.sort((x, y) => x.field.localeCompare(y.field) || x.op.localeCompare(y.op));
}

function measureKey(measure: Measure): string {
  return `${measure.kind}|${measure.column ?? ''}|${conditionsKey(measure.conditions)}`;
}

function ringId(tileMs: number): string {
  return tileMs % 3_600_000 === 0 ? `${tileMs / 3_600_000}h` : `${tileMs / 60_000}m`;
}
