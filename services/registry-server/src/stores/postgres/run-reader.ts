import { MlflowError, doubleToWire, type DatasetInput, type LifecycleStage, type Metric, type Param, type Run, type RunInfo, type RunStatus, type RunTag } from '@payments-mlops/contracts';
import type { Queryable } from './db.js';

/*
 * Reads whole runs: info, the latest value of each metric, params, tags and dataset inputs. A
 * search page reads up to 50,000 runs at once, so each table is read once for the whole page
 * (one bitmap index scan over `run_uuid = ANY(...)`), the five reads run in parallel on separate
 * connections, and the page is assembled here. The reads are not one snapshot: a value logged
 * while a page is read may or may not be on it, as with MLflow's own store.
 */

interface RunRow {
  run_uuid: string;
  experiment_id: string;
  name: string;
  user_id: string;
  status: RunStatus;
  start_time: string | null;
  end_time: string | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

const RUN_COLUMNS = `run_uuid, experiment_id::text AS experiment_id, name, user_id, status,
  start_time::text AS start_time, end_time::text AS end_time, artifact_uri, lifecycle_stage`;

// Row arrays, not objects: a page has tens of thousands of these rows.
const READ_METRICS = 'SELECT run_uuid, key, value, timestamp::float8, step::float8 FROM latest_metrics WHERE run_uuid = ANY($1)';
const READ_PARAMS = 'SELECT run_uuid, key, value FROM params WHERE run_uuid = ANY($1)';
const READ_TAGS = 'SELECT run_uuid, key, value FROM run_tags WHERE run_uuid = ANY($1)';
const READ_INPUTS = `SELECT i.run_uuid, json_strip_nulls(json_build_object(
    'tags', CASE WHEN jsonb_array_length(i.tags) > 0 THEN i.tags END,
    'dataset', json_build_object('name', d.name, 'digest', d.digest, 'source_type', d.source_type,
                                 'source', d.source, 'schema', d.schema, 'profile', d.profile)))
  FROM run_inputs i JOIN datasets d USING (dataset_uuid) WHERE i.run_uuid = ANY($1) ORDER BY i.logged_at, d.name`;

function toRunInfo(row: RunRow): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: row.experiment_id,
    user_id: row.user_id,
    status: row.status,
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage,
  };
  if (row.start_time !== null) info.start_time = Number(row.start_time);
  if (row.end_time !== null) info.end_time = Number(row.end_time);
  return info;
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

interface Collected {
  metrics: Metric[];
  params: Param[];
  tags: RunTag[];
  inputs: DatasetInput[];
}

/** The runs with these ids, in the order given; ids with no run are skipped. */
export async function readRuns(db: Queryable, runIds: readonly string[]): Promise<Run[]> {
  if (runIds.length === 0) return [];
  const ids = [runIds];
  const [runs, metrics, params, tags, inputs] = await Promise.all([
    db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_uuid = ANY($1)`, ids),
    db.query({ text: READ_METRICS, rowMode: 'array' }, ids),
    db.query({ text: READ_PARAMS, rowMode: 'array' }, ids),
    db.query({ text: READ_TAGS, rowMode: 'array' }, ids),
    db.query({ text: READ_INPUTS, rowMode: 'array' }, ids),
  ]);
  const collected = new Map<string, Collected>(runs.rows.map((row) => [row.run_uuid, { metrics: [], params: [], tags: [], inputs: [] }]));
  for (const [runId, key, value, timestamp, step] of metrics.rows as unknown as [string, string, number, number, number][]) {
    collected.get(runId)?.metrics.push({ key, value: doubleToWire(value), timestamp, step });
  }
  for (const [runId, key, value] of params.rows as unknown as [string, string, string][]) collected.get(runId)?.params.push({ key, value });
  for (const [runId, key, value] of tags.rows as unknown as [string, string, string][]) collected.get(runId)?.tags.push({ key, value });
  for (const [runId, input] of inputs.rows as unknown as [string, DatasetInput][]) collected.get(runId)?.inputs.push(input);

  const byId = new Map<string, Run>();
  for (const row of runs.rows) {
    const parts = collected.get(row.run_uuid);
    const data: Run['data'] = {};
    if (parts?.metrics.length) data.metrics = parts.metrics.sort(byKey);
    if (parts?.params.length) data.params = parts.params.sort(byKey);
    if (parts?.tags.length) data.tags = parts.tags.sort(byKey);
    byId.set(row.run_uuid, { info: toRunInfo(row), data, inputs: parts?.inputs.length ? { dataset_inputs: parts.inputs } : {} });
  }
  return runIds.flatMap((id) => byId.get(id) ?? []);
}

export async function readRun(db: Queryable, runId: string): Promise<Run> {
  const [run] = await readRuns(db, [runId]);
  if (run === undefined) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return run;
}

export async function readRunInfo(db: Queryable, runId: string): Promise<RunInfo> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.run_uuid = $1`, [runId]);
  const [row] = rows;
  if (row === undefined) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return toRunInfo(row);
}

/** Checks that the run exists and is active, and keeps its row from being removed until the transaction ends. */
export async function lockActiveRun(tx: Queryable, runId: string): Promise<{ experimentId: string }> {
  const { rows } = await tx.query<{ lifecycle_stage: string; experiment_id: string }>(
    'SELECT lifecycle_stage, experiment_id::text AS experiment_id FROM runs WHERE run_uuid = $1 FOR KEY SHARE',
    [runId],
  );
  const [row] = rows;
  if (row === undefined) throw MlflowError.notFound(`Run with id=${runId} not found`);
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return { experimentId: row.experiment_id };
}
