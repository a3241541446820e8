import { fileURLToPath } from 'node:url';
import type { PredictionLogRecord } from '@payments-mlops/contracts';
import { runMigrations } from '@payments-mlops/service-kit';
import type pg from 'pg';

export const MONITOR_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^prediction_log_p(\d{4})(\d{2})(\d{2})$/;

/** `prediction_log_p20260105` for any instant of 2026-01-05 UTC. */
export function partitionName(dayStartMs: number): string {
  return `prediction_log_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

export interface InsertResult {
  inserted: number;
  /** Already in the log (a redelivery). */
  duplicates: number;
  /** Older than the retention: their partition is gone or about to go. */
  expired: number;
}

/** A window of logged predictions, as the drift and performance monitors read them. */
export interface LoggedPrediction {
  predicted_at: Date;
  features: PredictionLogRecord['features'];
  scores: PredictionLogRecord['scores'];
}

export interface ModelVersionSeen {
  task: PredictionLogRecord['task'];
  model_name: string;
  model_version: string;
  predictions: number;
}

/**
 * The prediction log in Postgres: range-partitioned by UTC day, created on demand as days
 * arrive, with retention by dropping whole day partitions. Table names resolve through the
 * pool's search_path (the monitor's schema; a test's own schema in tests).
 */
export class PredictionLogStore {
  private readonly known = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { retentionDays: number; clock?: () => number },
  ) {}

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  async migrate(): Promise<string[]> {
    return runMigrations({
      pool: this.pool,
      directory: MONITOR_MIGRATIONS_DIR,
      table: 'model_monitor_migrations',
    });
  }

  /** The first instant still kept. */
  retentionStartMs(): number {
    return dayStart(this.now()) - (this.options.retentionDays - 1) * DAY_MS;
  }

  private async ensurePartition(day: number): Promise<void> {
    const name = partitionName(day);
    if (this.known.has(name)) return;
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    try {
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF prediction_log FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    } catch (error) {
      // Another sink created it between our check and our create.
      if ((error as { code?: string }).code !== '42P07') throw error;
    }
    this.known.add(name);
  }

  /** Writes a batch in one statement; a prediction already logged is skipped, never duplicated. */
  async insert(records: readonly PredictionLogRecord[]): Promise<InsertResult> {
    const keep = this.retentionStartMs();
    const rows = records.filter((r) => Date.parse(r.timestamp) >= keep);
    const days = new Set(rows.map((r) => dayStart(Date.parse(r.timestamp))));
    for (const day of days) await this.ensurePartition(day);
    if (rows.length === 0) return { inserted: 0, duplicates: 0, expired: records.length };
    const column = <T>(pick: (r: PredictionLogRecord) => T): T[] => rows.map(pick);
    const result = await this.pool
      .query(
        `INSERT INTO prediction_log (predicted_at, request_id, task, endpoint, model_name, model_version, model_alias,
         decision, degraded, latency_ms, payment_id, customer_id, entity_ids, features, scores)
       SELECT t.predicted_at, t.request_id, t.task, t.endpoint, t.model_name, t.model_version, t.model_alias,
         t.decision, t.degraded, t.latency_ms, t.payment_id, t.customer_id, t.entity_ids::jsonb, t.features::jsonb, t.scores::jsonb
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::boolean[], $10::float8[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
         AS t(predicted_at, request_id, task, endpoint, model_name, model_version, model_alias,
           decision, degraded, latency_ms, payment_id, customer_id, entity_ids, features, scores)
       ON CONFLICT DO NOTHING`,
        [
          column((r) => r.timestamp),
          column((r) => r.request_id),
          column((r) => r.task),
          column((r) => r.endpoint),
          column((r) => r.model.name),
          column((r) => r.model.version),
          column((r) => r.model.alias),
          column((r) => r.decision),
          column((r) => r.degraded),
          column((r) => r.latency_ms),
          column((r) => r.entity_ids.payment_id ?? null),
          column((r) => r.entity_ids.customer_id ?? null),
          column((r) => JSON.stringify(r.entity_ids)),
          column((r) => JSON.stringify(r.features)),
          column((r) => JSON.stringify(r.scores)),
        ],
      )
      .catch((error: unknown) => {
        // A partition dropped by another monitor's retention: forget what we knew, recreate next time.
        this.known.clear();
        throw error;
      });
    const inserted = result.rowCount ?? 0;
    return { inserted, duplicates: rows.length - inserted, expired: records.length - rows.length };
  }

  /** Day partitions in the log, oldest first, by their first instant. */
  async partitions(): Promise<Array<{ name: string; dayStartMs: number }>> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.oid = 'prediction_log'::regclass`,
    );
    return rows
      .flatMap(({ name }) => {
        const m = PARTITION_NAME.exec(name);
        return m
          ? [{ name, dayStartMs: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) }]
          : [];
      })
      .sort((a, b) => a.dayStartMs - b.dayStartMs);
  }

  /** Drops the day partitions wholly older than the retention; returns their names. */
  async applyRetention(): Promise<string[]> {
    const keep = this.retentionStartMs();
    const dropped: string[] = [];
    for (const { name, dayStartMs } of await this.partitions()) {
      if (dayStartMs >= keep) continue;
      await this.pool.query(`DROP TABLE IF EXISTS ${name}`);
      this.known.delete(name);
      dropped.push(name);
    }
    return dropped;
  }

  /** The newest `limit` predictions of a model version in [from, to). */
  async window(
    model: string,
    version: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<LoggedPrediction[]> {
    const { rows } = await this.pool.query<LoggedPrediction>(
      `SELECT predicted_at, features, scores FROM prediction_log
       WHERE model_name = $1 AND model_version = $2 AND predicted_at >= $3 AND predicted_at < $4
       ORDER BY predicted_at DESC LIMIT $5`,
      [model, version, new Date(fromMs), new Date(toMs), limit],
    );
    return rows;
  }

  /** The model versions that answered in [from, to), with their prediction counts. */
  async versionsSeen(fromMs: number, toMs: number): Promise<ModelVersionSeen[]> {
    const { rows } = await this.pool.query<ModelVersionSeen & { predictions: string }>(
      `SELECT task, model_name, model_version, count(*) AS predictions FROM prediction_log
       WHERE predicted_at >= $1 AND predicted_at < $2
       GROUP BY task, model_name, model_version ORDER BY model_name, model_version`,
      [new Date(fromMs), new Date(toMs)],
    );
    return rows.map((r) => ({ ...r, predictions: Number(r.predictions) }));
  }
}
