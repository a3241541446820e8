import { compileAggregationSql, epochMs } from '../aggregation/sql.js';
import type { BatchViewInfo, StoredViewInfo } from '../definitions/catalog.js';
import { durationMs } from '../definitions/duration.js';
import { EVENT_TIMESTAMP } from './entity-rows.js';

/** The source column that holds a batch view's feature (Feast's field_mapping, inverted). */
export function sourceColumnOf(view: BatchViewInfo, feature: string): string {
  for (const [column, name] of Object.entries(view.source.field_mapping)) {
    if (name === feature) return column;
  }
  return feature;
}

/** How to select a batch view's feature from its source (alias `s`) so its COPY text reads back as its type. */
export function batchFeatureSelect(view: BatchViewInfo, field: BatchViewInfo['features'][number]): string {
  const column = `s.${sourceColumnOf(view, field.name)}`;
  if (field.dtype === 'UnixTimestamp') return epochMs(column);
  if (field.dtype === 'Array(String)') return `array_to_json(${column})::text`;
  return column;
}

/** The relation a batch view reads: its table, or its query as a derived table. */
export function sourceRelation(view: BatchViewInfo): string {
  return view.source.table ?? `(${view.source.query ?? ''})`;
}

/**
 * Point-in-time query of one stored view over the entity rows table: per row, `row_id`, a found
 * flag and every feature of the view as of the row's event_timestamp.
 *
 * Batch views take the latest source row at or before the timestamp and within the TTL (never a
 * row from after it); stream views evaluate their aggregates over the events strictly before it.
 */
export function pointInTimeSql(view: StoredViewInfo, rowsTable: string, relation?: string): string {
  if (view.kind === 'stream') {
    return compileAggregationSql(view.plan, { relation: rowsTable, timestampColumn: EVENT_TIMESTAMP, keyColumn: view.entity.join_key });
  }
  const ts = `s.${view.source.timestamp_field}`;
  const key = view.entity.join_key;
  const features = view.features.map((field) => `${batchFeatureSelect(view, field)} AS f_${field.name}`);
  const ttlMs = durationMs(view.definition.ttl);
  return [
    `SELECT r.row_id, v.found IS NOT NULL AS known, ${view.features.map((field) => `v.f_${field.name}`).join(', ')}`,
    `FROM ${rowsTable} r`,
    `LEFT JOIN LATERAL (SELECT true AS found, ${features.join(', ')}`,
    `  FROM ${relation ?? sourceRelation(view)} s`,
    `  WHERE s.${key} = r.${key} AND ${ts} <= r.${EVENT_TIMESTAMP} AND ${ts} >= r.${EVENT_TIMESTAMP} - interval '${ttlMs} milliseconds'`,
    `  ORDER BY ${ts} DESC LIMIT 1) v ON true`,
  ].join('\n');
}
