import type { StreamFieldType } from '@payments-mlops/contracts';
import type pg from 'pg';
import type { EventRecord } from '../aggregation/conditions.js';
import type { AggregationPlan } from '../aggregation/plan.js';
import { epochMs } from '../aggregation/sql.js';
import type { BatchViewInfo, StreamViewInfo } from '../definitions/catalog.js';
import { copyOutParsed, type CopyFields } from './copy-fields.js';
import { copyOut } from './copy-text.js';
import { columnSetter, emptyColumn, isNumericDtype, setFromText, type DatasetColumn } from './dataset.js';
import { EVENT_MS, type EntityRowsTable } from './entity-rows.js';
import { keyGroups, mergeJoin } from './key-groups.js';
import { batchFeatureSelect, sourceRelation } from './view-queries.js';
import { compileEntityWindows } from './window-evaluator.js';


/** The entity rows with a key for this view, sorted by key (bytewise) and time: key, row_id, time. */
function entityRowsQuery(rowsTable: string, key: string): string {
  return `SELECT r.${key}::text, r.row_id, r.${EVENT_MS} FROM ${rowsTable} r
    WHERE r.${key} IS NOT NULL ORDER BY r.${key}::text COLLATE "C", r.${EVENT_MS}`;
}

/**
 * Point-in-time join of a batch view by merging two sorted streams out of Postgres (the entity
 * rows and the source rows, both by key then time): for each row, the latest source row at or
 * before its time, kept when within the TTL. Linear in rows plus source rows, with no index needed
 * on the source.
 */
export async function mergeBatchView(pool: pg.Pool, view: BatchViewInfo, entityRows: EntityRowsTable): Promise<DatasetColumn[]> {
  const { table: rowsTable, rowCount } = entityRows;
  const columns = view.features.map((field) => emptyColumn(field.name, field.dtype, rowCount));
  const key = view.entity.join_key;
  const ts = `s.${view.source.timestamp_field}`;
  const select = view.features.map((field) => batchFeatureSelect(view, field));
  const sourceQuery = `SELECT s.${key}::text, ${epochMs(ts)}, ${select.join(', ')} FROM ${sourceRelation(view)} s
    WHERE s.${key}::text IN (SELECT ${key}::text FROM ${rowsTable})
      AND ${ts} <= ${entityRows.lastTimestamp}
      AND ${ts} >= ${entityRows.firstTimestamp} - interval '${view.ttlMs} milliseconds'
    ORDER BY s.${key}::text COLLATE "C", ${ts}`;

  await withTwoClients(pool, async (rowsClient, sourceClient) => {
    const sources = keyGroups(copyOut(sourceClient, sourceQuery), 0)[Symbol.asyncIterator]();
    await mergeJoin(keyGroups(copyOut(rowsClient, entityRowsQuery(rowsTable, key)), 0), sources, (_key, rows, sourceRows) => {
      let latest = -1;
      for (const row of rows) {
        const at = Number(row[2]);
        while (latest + 1 < sourceRows.length && Number(sourceRows[latest + 1]![1]) <= at) latest++;
        if (latest === -1) continue;
        const source = sourceRows[latest]!;
        if (at - Number(source[1]) > view.ttlMs) continue;
        const rowId = Number(row[1]);
        for (let c = 0; c < columns.length; c++) setFromText(columns[c]!, rowId, source[c + 2] ?? null);
      }
    });
  });
  return columns;
}

/**
 * Point-in-time window aggregates of a stream view by merging the entity rows with the events of
 * their entities, both sorted by key then time, and evaluating each entity's windows in one pass
 * (`compileEntityWindows`). Only the events that can fall in some row's window are read.
 */
export async function mergeStreamView(
  pool: pg.Pool,
  view: StreamViewInfo,
  entityRows: EntityRowsTable,
  wanted?: ReadonlySet<number>,
): Promise<DatasetColumn[]> {
  const { table: rowsTable, rowCount } = entityRows;
  const { plan } = view;
  const columns = view.features.map((field) => emptyColumn(field.name, field.dtype, rowCount));
  const setters = columns.map(columnSetter);
  // Numeric columns (most window aggregates) are written in the loop itself: 34 features × 1M rows.
  const numeric = columns.map((column) => (column.dtype === 'Bool' || !isNumericDtype(column.dtype) ? undefined : (column.values as Float64Array)));
  const key = plan.joinKey;
  const fields = usedFields(plan);
  const ts = `e.${plan.timestampField}`;
  const longest = Math.max(
    ...plan.rings.map((ring) => ring.tileMs * ring.tiles),
    ...plan.scalars.map((scalar) => (scalar.window ? scalar.window.tileMs * scalar.window.tiles : 0)),
  );
  const eventsQuery = `SELECT e.${key}::text, ${epochMs(ts)}, ${fields.map(([name]) => `e.${name}`).join(', ')} FROM ${plan.table} e
    WHERE e.${key}::text IN (SELECT ${key}::text FROM ${rowsTable})
      AND ${ts} < ${entityRows.lastTimestamp}
      ${plan.hasLifetime ? '' : `AND ${ts} >= ${entityRows.firstTimestamp} - interval '${longest} milliseconds'`}
    ORDER BY e.${key}::text COLLATE "C", ${ts}, e.${plan.dedupeField}::text COLLATE "C"`;

  const evaluate = compileEntityWindows(plan, wanted);
  const types = fields.map(([, type]) => type);
  const names = fields.map(([name]) => name);
  await withTwoClients(pool, async (rowsClient, eventsClient) => {
    const parseEvent = (line: CopyFields): EventRow => {
      const key = line.text();
      const ms = line.number();
      const record: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) record[names[i]!] = line.value(types[i]!);
      return { key, ms, record };
    };
    const events = keyGroups(copyOutParsed(eventsClient, eventsQuery, parseEvent), eventKey)[Symbol.asyncIterator]();
    const entityRows = keyGroups(copyOutParsed(rowsClient, entityRowsQuery(rowsTable, key), parseEntityRow), entityKey);
    await mergeJoin(entityRows, events, (_key, rows, eventRows) => {
      const eventMs = new Float64Array(eventRows.length);
      const records: EventRecord[] = new Array<EventRecord>(eventRows.length);
      for (let i = 0; i < eventRows.length; i++) {
        eventMs[i] = eventRows[i]!.ms;
        records[i] = eventRows[i]!.record;
      }
      const rowMs = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) rowMs[i] = rows[i]!.ms;
      evaluate({ ms: eventMs, records }, { ms: rowMs }, (row, known, values) => {
        if (!known) return;
        const rowId = rows[row]!.rowId;
        for (let c = 0; c < setters.length; c++) {
          const value = values[c];
          const numbers = numeric[c];
          if (numbers !== undefined) {
            if (typeof value === 'number') numbers[rowId] = value;
          } else setters[c]!(rowId, value);
        }
      });
    });
  });
  return columns;
}

/** The source fields the plan reads: the dedupe id, measure and aggregate columns, filter fields. */
function usedFields(plan: AggregationPlan): [string, StreamFieldType][] {
  const names = new Set<string>([plan.dedupeField]);
  for (const ring of plan.rings) {
    for (const measure of ring.measures) {
      if (measure.column) names.add(measure.column);
      for (const condition of measure.conditions) names.add(condition.field);
    }
  }
  for (const scalar of plan.scalars) {
    if (scalar.column) names.add(scalar.column);
    for (const condition of scalar.conditions) names.add(condition.field);
  }
  return [...names].map((name) => [name, plan.fields[name] ?? 'String']);
}

interface EntityRow {
  key: string | null;
  rowId: number;
  ms: number;
}

interface EventRow {
  key: string | null;
  ms: number;
  record: EventRecord;
}

const parseEntityRow = (line: CopyFields): EntityRow => ({ key: line.text(), rowId: line.number(), ms: line.number() });
const entityKey = (row: EntityRow) => row.key;
const eventKey = (row: EventRow) => row.key;

async function withTwoClients(pool: pg.Pool, work: (a: pg.PoolClient, b: pg.PoolClient) => Promise<void>): Promise<void> {
  const a = await pool.connect();
  try {
    const b = await pool.connect();
    try {
      // Both sides sort about a row per entity row; in memory, not in temporary files.
      await Promise.all([a.query(`SET work_mem = '256MB'`), b.query(`SET work_mem = '256MB'`)]);
      await work(a, b);
    } finally {
      await b.query('RESET work_mem').catch(() => undefined);
      b.release();
    }
  } finally {
    await a.query('RESET work_mem').catch(() => undefined);
    a.release();
  }
}
