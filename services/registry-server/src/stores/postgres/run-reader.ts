import { MlflowError, type DatasetInput, type Metric, type Run, type RunInfo, type RunStatus, type LifecycleStage } from '@payments-mlops/contracts';
import type { Queryable } from './db.js';

/*
 * Reads whole runs: info, the latest value of each metric, params, tags and dataset inputs, in one
 * query whose per-run collections Postgres builds as JSON (one row per run, not one per value).
 * Postgres writes a NaN or infinite double in JSON as "NaN" / "Infinity", exactly as protobuf-JSON
 * does, so metric values pass through untouched.
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
  metrics: [string, Metric['value'], number, number][] | null;
  params: [string, string][] | null;
  tags: [string, string][] | null;
  inputs: DatasetInput[] | null;
}

const RUN_COLUMNS = `run_uuid, r.experiment_id::text AS experiment_id, r.name, r.user_id, r.status,
  r.start_time::text AS start_time, r.end_time::text AS end_time, r.artifact_uri, r.lifecycle_stage`;

// One round trip for a page of runs: each run's collections come from index lookups on its
// primary keys, aggregated to JSON by Postgres, so the page is one row per run.
const READ_RUNS = {
  name: 'read_runs',
  text: `SELECT ${RUN_COLUMNS}, m.metrics, p.params, t.tags, i.inputs
    FROM unnest($1::text[]) AS ids(run_uuid) JOIN runs r USING (run_uuid)
    LEFT JOIN LATERAL (SELECT json_agg(json_build_array(key, value, timestamp, step) ORDER BY key) AS metrics
                       FROM latest_metrics WHERE run_uuid = r.run_uuid) m ON true
    LEFT JOIN LATERAL (SELECT json_agg(json_build_array(key, value) ORDER BY key) AS params
                       FROM params WHERE run_uuid = r.run_uuid) p ON true
    LEFT JOIN LATERAL (SELECT json_agg(json_build_array(key, value) ORDER BY key) AS tags
                       FROM run_tags WHERE run_uuid = r.run_uuid) t ON true
    LEFT JOIN LATERAL (SELECT json_agg(json_strip_nulls(json_build_object(
                         'tags', CASE WHEN jsonb_array_length(ri.tags) > 0 THEN ri.tags END,
                         'dataset', json_build_object('name', d.name, 'digest', d.digest, 'source_type', d.source_type,
                                                      'source', d.source, 'schema', d.schema, 'profile', d.profile)))
                         ORDER BY ri.logged_at, d.name) AS inputs
                       FROM run_inputs ri JOIN datasets d USING (dataset_uuid) WHERE ri.run_uuid = r.run_uuid) i ON true`,
};

function toRunInfo(row: Pick<RunRow, 'run_uuid' | 'experiment_id' | 'name' | 'user_id' | 'status' | 'start_time' | 'end_time' | 'artifact_uri' | 'lifecycle_stage'>): RunInfo {
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

function toRun(row: RunRow): Run {
  const data: Run['data'] = {};
  if (row.metrics) data.metrics = row.metrics.map(([key, value, timestamp, step]) => ({ key, value, timestamp, step }));
  if (row.params) data.params = row.params.map(([key, value]) => ({ key, value }));
  if (row.tags) data.tags = row.tags.map(([key, value]) => ({ key, value }));
  return { info: toRunInfo(row), data, inputs: row.inputs ? { dataset_inputs: row.inputs } : {} };
}

/** The runs with these ids, in the order given; ids with no run are skipped. */
export async function readRuns(db: Queryable, runIds: readonly string[]): Promise<Run[]> {
  if (runIds.length === 0) return [];
  const { rows } = await db.query<RunRow>(READ_RUNS, [runIds]);
  const byId = new Map(rows.map((row) => [row.run_uuid, toRun(row)]));
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
