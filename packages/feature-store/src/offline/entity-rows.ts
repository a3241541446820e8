import { randomBytes } from 'node:crypto';
import { ServiceError } from '@payments-mlops/contracts';
import type pg from 'pg';
import { epochMs } from '../aggregation/sql.js';
import { copyIn, type TextRow } from './copy-text.js';
import type { DatasetDtype } from './dataset.js';

/**
 * The rows to retrieve features for, as Feast's entity_df: join keys, an `event_timestamp` per row
 * (the time the features must be as of) and any other columns (request fields, labels), which
 * pass through to the dataset. Either a query returning them (preferred for large sets: the rows
 * never leave Postgres) or columns in memory with timestamps in epoch ms.
 */
export type EntityRows =
  | { sql: string }
  | { columns: Readonly<Record<string, readonly (string | number | boolean | null)[]>>; timestamps: readonly number[] };

export const EVENT_TIMESTAMP = 'event_timestamp';
/** event_timestamp in epoch ms, computed once when the rows are stored, for the joins to sort and compare. */
export const EVENT_MS = 'fs_event_ms';
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

export interface EntityRowsTable {
  /** Schema-qualified name of an unlogged scratch table with row_id, event_timestamp and the given columns. */
  table: string;
  rowCount: number;
  /** Its columns other than row_id, in order, with their dataset types. */
  columns: { name: string; dtype: DatasetDtype }[];
  /** The earliest and latest event_timestamp, as exact SQL timestamptz expressions (NULL when there are no rows). */
  firstTimestamp: string;
  lastTimestamp: string;
  drop(): Promise<void>;
}

/**
 * Puts the entity rows into a scratch table every connection can read (view queries then run in
 * parallel), numbered by `row_id` in input order.
 */
export async function createEntityRowsTable(pool: pg.Pool, rows: EntityRows, scratchSchema?: string): Promise<EntityRowsTable> {
  const table = `${scratchSchema ? `${scratchSchema}.` : ''}fs_entity_rows_${randomBytes(6).toString('hex')}`;
  const client = await pool.connect();
  try {
    if ('sql' in rows) {
      await client.query(
        `CREATE UNLOGGED TABLE ${table} AS SELECT (row_number() OVER ()) - 1 AS row_id, q.*, ` +
          `${epochMs(`q.${EVENT_TIMESTAMP}`)} AS ${EVENT_MS} FROM (${rows.sql}) q`,
      ).catch((error: Error) => {
        throw /event_timestamp|extract/.test(error.message) ? missingTimestamp(error.message) : error;
      });
    } else {
      await createFromColumns(client, table, rows);
    }
    const columns = await describeColumns(client, table);
    const drop = async () => {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
    };
    const timestamp = columns.find((column) => column.name === EVENT_TIMESTAMP);
    if (timestamp?.dtype !== 'Timestamp') {
      await drop();
      throw new ServiceError('INVALID_ARGUMENT', `Entity rows need an ${EVENT_TIMESTAMP} column of type timestamptz`, {
        fields: [{ field: EVENT_TIMESTAMP, message: timestamp ? `is ${timestamp.dtype}, not a timestamp` : 'is missing' }],
      });
    }
    await client.query(`ANALYZE ${table}`);
    // The time span once, as exact timestamptz expressions (microseconds since the epoch, whatever
    // the session's DateStyle), instead of two scans of the table per view query.
    const epochUs = (aggregate: string) => `(extract(epoch FROM ${aggregate}(${EVENT_TIMESTAMP})) * 1000000)::bigint::text`;
    const count = await client.query<{ n: string; first: string | null; last: string | null }>(
      `SELECT count(*) AS n, ${epochUs('min')} AS first, ${epochUs('max')} AS last FROM ${table}`,
    );
    const span = count.rows[0];
    const literal = (us: string | null | undefined) =>
      us && /^-?\d+$/.test(us) ? `(timestamptz 'epoch' + ${us} * interval '1 microsecond')` : 'NULL::timestamptz';
    return {
      table,
      rowCount: Number(span?.n ?? 0),
      columns: columns.filter((column) => column.name !== 'row_id' && column.name !== EVENT_MS),
      firstTimestamp: literal(span?.first),
      lastTimestamp: literal(span?.last),
      drop,
    };
  } finally {
    client.release();
  }
}

async function createFromColumns(client: pg.PoolClient, table: string, rows: Extract<EntityRows, { columns: unknown }>): Promise<void> {
  const names = Object.keys(rows.columns);
  const rowCount = rows.timestamps.length;
  const types = names.map((name) => {
    if (!COLUMN_NAME.test(name) || name === 'row_id' || name === EVENT_TIMESTAMP) {
      throw new ServiceError('INVALID_ARGUMENT', `'${name}' is not a usable entity column name`, { fields: [{ field: name, message: 'is not a usable column name' }] });
    }
    const column = rows.columns[name]!;
    if (column.length !== rowCount) {
      throw new ServiceError('INVALID_ARGUMENT', `Entity column '${name}' has ${column.length} values for ${rowCount} timestamps`, {
        fields: [{ field: name, message: `must have ${rowCount} values` }],
      });
    }
    const sample = column.find((value) => value !== null);
    return typeof sample === 'number' ? 'double precision' : typeof sample === 'boolean' ? 'boolean' : 'text';
  });
  await client.query(
    `CREATE UNLOGGED TABLE ${table} (row_id bigint NOT NULL, ${EVENT_TIMESTAMP} timestamptz NOT NULL, ${EVENT_MS} bigint NOT NULL${names.map((name, i) => `, ${name} ${types[i]}`).join('')})`,
  );
  function* textRows(): Generator<TextRow> {
    for (let row = 0; row < rowCount; row++) {
      const ms = rows.timestamps[row]!;
      const values: TextRow = [String(row), new Date(ms).toISOString(), String(Math.floor(ms))];
      for (const name of names) {
        const value = rows.columns[name]![row];
        values.push(value === null || value === undefined ? null : typeof value === 'boolean' ? (value ? 't' : 'f') : String(value));
      }
      yield values;
    }
  }
  await copyIn(client, table, ['row_id', EVENT_TIMESTAMP, EVENT_MS, ...names], textRows());
}

function missingTimestamp(detail: string): ServiceError {
  return new ServiceError('INVALID_ARGUMENT', `Entity rows need an ${EVENT_TIMESTAMP} column of type timestamptz (${detail})`, {
    fields: [{ field: EVENT_TIMESTAMP, message: 'is missing or not a timestamp' }],
  });
}

async function describeColumns(client: pg.PoolClient, table: string): Promise<{ name: string; dtype: DatasetDtype }[]> {
  const result = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return result.rows.map(({ name, type }) => ({ name, dtype: dtypeOfPostgres(type) }));
}

export function dtypeOfPostgres(type: string): DatasetDtype {
  if (/^(bigint|integer|smallint)$/.test(type)) return 'Int64';
  if (/^(double precision|real|numeric)/.test(type)) return 'Float64';
  if (type === 'boolean') return 'Bool';
  if (type.startsWith('timestamp')) return 'Timestamp';
  return 'String';
}

/** How to select a column so its COPY text converts straight into its dataset type. */
export function selectAs(column: string, dtype: DatasetDtype): string {
  return dtype === 'Timestamp' ? epochMs(column) : column;
}
