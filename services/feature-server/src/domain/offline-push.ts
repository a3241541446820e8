import { sourceColumnOf, type BatchViewInfo } from '@payments-mlops/feature-store';
import type pg from 'pg';
import type { PushedRows } from './push-rows.js';

const ROWS_PER_INSERT = 1_000;

/** Appends pushed rows to the view's offline table, so training sees them at the time they were pushed. */
export async function appendOffline(pool: pg.Pool, view: BatchViewInfo, { rows, timestamps }: PushedRows): Promise<number> {
  const table = view.source.table;
  if (table === undefined) throw new Error(`view '${view.name}' has no offline table to push to`);
  const columns = [view.entity.join_key, view.source.timestamp_field, ...view.features.map((field) => sourceColumnOf(view, field.name))];
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const parameters: unknown[] = [];
    const tuples = chunk.map((row, i) => {
      // UnixTimestamp features arrive as epoch ms; the table keeps them as timestamptz.
      const features = row.values.map((value, f) => (view.features[f]!.dtype === 'UnixTimestamp' && typeof value === 'number' ? new Date(value).toISOString() : value));
      const values = [row.key, timestamps[start + i], ...features];
      const placeholders = values.map((value) => `$${parameters.push(value)}`);
      return `(${placeholders.join(', ')})`;
    });
    const result = await pool.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, parameters);
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}
