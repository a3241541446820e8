import type pg from 'pg';

/*
 * Seeds N finished runs into one experiment, straight into each server's own tables (the same
 * runs, metrics, params and tags for both), so that search is measured over identical data
 * without spending minutes creating them through the API. Values are derived from hashes, so
 * every seeding yields the same data.
 */

export const SEED_METRICS = ['auc', 'pr_auc', 'logloss', 'precision', 'recall'];
export const SEED_PARAMS = ['model', 'lr', 'depth', 'trees', 'seed'];
const START_TIME = 1_700_000_000_000;

const VALUE = `(abs(hashtext(k || g::text)) % 1000000) / 1e6::float8`;

/** registry-server's schema (services/registry-server/migrations). */
export async function seedRegistryRuns(pool: pg.Pool, experimentId: string, count: number): Promise<void> {
  const run = `md5('seed-' || g)`;
  await pool.query(
    `INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
     SELECT ${run}, $1::bigint, 'seed-' || g, 'bench', 'FINISHED', $2::bigint + g, $2::bigint + g + 60000, 'active', 'mlflow-artifacts:/' || $1::text || '/' || ${run} || '/artifacts'
     FROM generate_series(1, $3) g`,
    [experimentId, START_TIME, count],
  );
  for (const table of ['latest_metrics', 'metrics']) {
    await pool.query(
      `INSERT INTO ${table} (run_uuid, key, step, timestamp, value)
       SELECT ${run}, k, 0, $1, ${VALUE} FROM generate_series(1, $2) g, unnest($3::text[]) k`,
      [START_TIME, count, SEED_METRICS],
    );
  }
  await pool.query(`INSERT INTO params (run_uuid, key, value) SELECT ${run}, k, (abs(hashtext(k || g::text)) % 100)::text FROM generate_series(1, $1) g, unnest($2::text[]) k`, [count, SEED_PARAMS]);
  await pool.query(
    `INSERT INTO run_tags (run_uuid, key, value)
     SELECT ${run}, 'mlflow.runName', 'seed-' || g FROM generate_series(1, $1) g
     UNION ALL SELECT ${run}, 'team', CASE WHEN g % 2 = 0 THEN 'risk' ELSE 'growth' END FROM generate_series(1, $1) g`,
    [count],
  );
  await pool.query('ANALYZE');
}

/** MLflow 2.x's schema (its alembic migrations, as `mlflow server` creates them). */
export async function seedMlflowRuns(pool: pg.Pool, experimentId: string, count: number): Promise<void> {
  const run = `md5('seed-' || g)`;
  await pool.query(
    `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
                       source_version, lifecycle_stage, artifact_uri, experiment_id)
     SELECT ${run}, 'seed-' || g, 'UNKNOWN', '', '', 'bench', 'FINISHED', $2::bigint + g, $2::bigint + g + 60000, '', 'active',
            'mlflow-artifacts:/' || $1::text || '/' || ${run} || '/artifacts', $1::int
     FROM generate_series(1, $3) g`,
    [experimentId, START_TIME, count],
  );
  for (const table of ['latest_metrics', 'metrics']) {
    await pool.query(
      `INSERT INTO ${table} (key, value, timestamp, step, is_nan, run_uuid)
       SELECT k, ${VALUE}, $1, 0, false, ${run} FROM generate_series(1, $2) g, unnest($3::text[]) k`,
      [START_TIME, count, SEED_METRICS],
    );
  }
  await pool.query(`INSERT INTO params (key, value, run_uuid) SELECT k, (abs(hashtext(k || g::text)) % 100)::text, ${run} FROM generate_series(1, $1) g, unnest($2::text[]) k`, [count, SEED_PARAMS]);
  await pool.query(
    `INSERT INTO tags (key, value, run_uuid)
     SELECT 'mlflow.runName', 'seed-' || g, ${run} FROM generate_series(1, $1) g
     UNION ALL SELECT 'team', CASE WHEN g % 2 = 0 THEN 'risk' ELSE 'growth' END, ${run} FROM generate_series(1, $1) g`,
    [count],
  );
  await pool.query('ANALYZE');
}

/** How many metric values a run has, in either schema (both name the table `metrics`). */
export async function countMetrics(pool: pg.Pool, runId: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM metrics WHERE run_uuid = $1', [runId]);
  return Number(rows[0]?.count ?? 0);
}
