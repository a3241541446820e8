import { fileURLToPath } from 'node:url';
import type { ReferenceProfile } from '@payments-mlops/contracts';
import {
  detectDatasetDrift,
  examplePrediction,
  predictionColumns,
} from '@payments-mlops/monitoring';
import { runMigrations } from '@payments-mlops/service-kit';
import pg from 'pg';
import type { DriftData } from './drift-data.js';

/** The model monitor's own migrations: the bench reads the same day-partitioned table. */
const MIGRATIONS = fileURLToPath(
  new URL('../../services/model-monitor/migrations/', import.meta.url),
);

/**
 * The monitor's whole pass over one window: the newest 100,000 predictions of a version read from
 * the prediction log in Postgres (as PredictionLogStore.window reads them), turned into columns,
 * compared with the reference. Runs in a schema of its own, dropped afterwards.
 */
export async function timeWindowPass(
  databaseUrl: string,
  data: DriftData,
  rows: number,
  profile: ReferenceProfile,
  repetitions: number,
): Promise<number[]> {
  const schema = `bench_drift_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  try {
    await runMigrations({ pool, directory: MIGRATIONS, table: 'model_monitor_migrations' });
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    await pool.query(
      `CREATE TABLE prediction_log_bench PARTITION OF prediction_log FOR VALUES FROM ('${day}') TO ('${next}')`,
    );
    const names = Object.keys(data.features);
    const base = Date.parse(day);
    for (let start = 0; start < rows; start += 5_000) {
      const chunk = Array.from({ length: Math.min(5_000, rows - start) }, (_, k) => {
        const i = start + k;
        return examplePrediction({
          request_id: `req-${i}`,
          timestamp: new Date(base + i).toISOString(),
          features: Object.fromEntries(names.map((n) => [n, data.features[n]![i]!])),
          scores: { fraud: data.scores.fraud![i]!, legitimate: data.scores.legitimate![i]! },
        });
      });
      await pool.query(
        `INSERT INTO prediction_log (predicted_at, request_id, task, endpoint, model_name, model_version, model_alias, decision, degraded, latency_ms, entity_ids, features, scores)
         SELECT t.at, t.id, 'fraud', '/fraud/score', 'fraud-detector', '3', 'champion', 'low', false, 1, '{}'::jsonb, t.f::jsonb, t.s::jsonb
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[]) AS t(at, id, f, s)`,
        [
          chunk.map((c) => c.timestamp),
          chunk.map((c) => c.request_id),
          chunk.map((c) => JSON.stringify(c.features)),
          chunk.map((c) => JSON.stringify(c.scores)),
        ],
      );
    }
    await pool.query('ANALYZE prediction_log_bench');
    const pass = async (): Promise<number> => {
      const t0 = performance.now();
      const { rows: window } = await pool.query<Parameters<typeof predictionColumns>[0][number]>(
        `SELECT predicted_at, features, scores FROM prediction_log
         WHERE model_name = $1 AND model_version = $2 AND predicted_at >= $3 AND predicted_at < $4
         ORDER BY predicted_at DESC LIMIT $5`,
        ['fraud-detector', '3', new Date(base), new Date(base + 86_400_000), rows],
      );
      detectDatasetDrift(profile, predictionColumns(window, names, ['fraud', 'legitimate']));
      return performance.now() - t0;
    };
    await pass();
    const times: number[] = [];
    for (let r = 0; r < repetitions; r++) times.push(await pass());
    return times;
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
