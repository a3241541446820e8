import { MlflowError } from '@payments-mlops/contracts';
import { lockActiveRun } from './run-reader.js';
import type { Queryable } from './db.js';

/*
 * Logging metrics, params and tags to a run in one transaction. Concurrent batches to the same run
 * cannot deadlock: every transaction takes its row locks in one global order (params, then metric
 * history, then latest metrics, then tags, then the run row, each sorted by key), so no two
 * transactions ever wait for each other in a cycle. The metric history is insert-only; the latest
 * value of each key is an upsert that only moves forward (step, then timestamp, then value).
 */

export interface LoggedMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface RunBatch {
  metrics: readonly LoggedMetric[];
  params: readonly { key: string; value: string }[];
  tags: readonly { key: string; value: string }[];
}

export const RUN_NAME_TAG = 'mlflow.runName';

/** Orders doubles as Postgres does: NaN above every number, so JS and SQL agree on "latest". */
function compareValues(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? 1 : -1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareMetrics(a: LoggedMetric, b: LoggedMetric): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step || a.timestamp - b.timestamp || compareValues(a.value, b.value);
}

export async function logRunBatch(tx: Queryable, runId: string, batch: RunBatch): Promise<void> {
  await lockActiveRun(tx, runId);
  await insertParams(tx, runId, batch.params);
  await insertMetrics(tx, runId, batch.metrics);
  const runName = await upsertTags(tx, runId, batch.tags);
  if (runName !== undefined) await tx.query('UPDATE runs SET name = $2 WHERE run_uuid = $1', [runId, runName]);
}

/** Params are immutable: logging one again with the same value is a no-op, with another value an error. */
async function insertParams(tx: Queryable, runId: string, params: RunBatch['params']): Promise<void> {
  if (params.length === 0) return;
  const sorted = [...params].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keys = sorted.map((p) => p.key);
  await tx.query(
    `INSERT INTO params (run_uuid, key, value)
     SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v) ORDER BY k
     ON CONFLICT (run_uuid, key) DO NOTHING`,
    [runId, keys, sorted.map((p) => p.value)],
  );
  const { rows } = await tx.query<{ key: string; value: string }>('SELECT key, value FROM params WHERE run_uuid = $1 AND key = ANY($2)', [runId, keys]);
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const changed = sorted.filter((param) => stored.get(param.key) !== param.value);
  if (changed.length > 0) {
    const details = changed.map((param) => ({ key: param.key, old_value: stored.get(param.key), new_value: param.value }));
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Params were already logged='${JSON.stringify(details)}' for run ID='${runId}'.`,
    );
  }
}

async function insertMetrics(tx: Queryable, runId: string, metrics: readonly LoggedMetric[]): Promise<void> {
  if (metrics.length === 0) return;
  const sorted = [...metrics].sort(compareMetrics);
  await tx.query(
    `INSERT INTO metrics (run_uuid, key, step, timestamp, value)
     SELECT $1, k, s, t, v FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[]) AS u(k, s, t, v)
     ORDER BY k, s, t, v
     ON CONFLICT DO NOTHING`,
    [runId, sorted.map((m) => m.key), sorted.map((m) => m.step), sorted.map((m) => m.timestamp), sorted.map((m) => m.value)],
  );
  // The batch's own latest value per key; a key can appear many times in one batch.
  const latest = new Map<string, LoggedMetric>();
  for (const metric of sorted) latest.set(metric.key, metric);
  const rows = [...latest.values()];
  await tx.query(
    `INSERT INTO latest_metrics AS l (run_uuid, key, step, timestamp, value)
     SELECT $1, k, s, t, v FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::float8[]) AS u(k, s, t, v)
     ORDER BY k
     ON CONFLICT (run_uuid, key) DO UPDATE
       SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value
       WHERE (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value)`,
    [runId, rows.map((m) => m.key), rows.map((m) => m.step), rows.map((m) => m.timestamp), rows.map((m) => m.value)],
  );
}

/** Sets the tags (the last value wins for a key given twice) and returns a new run name, if one was set. */
async function upsertTags(tx: Queryable, runId: string, tags: RunBatch['tags']): Promise<string | undefined> {
  if (tags.length === 0) return undefined;
  const byKey = new Map<string, string>();
  for (const tag of tags) byKey.set(tag.key, tag.value);
  const keys = [...byKey.keys()].sort();
  await tx.query(
    `INSERT INTO run_tags (run_uuid, key, value)
     SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v) ORDER BY k
     ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value`,
    [runId, keys, keys.map((key) => byKey.get(key))],
  );
  return byKey.get(RUN_NAME_TAG);
}
