import { createHash } from 'node:crypto';
import { FeatureRepo, type RegistryVersion } from '@payments-mlops/contracts';
import type pg from 'pg';
import { diffRepos, stableJson, type RepoChange } from '../definitions/diff.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export interface RegistryStoreOptions {
  pool: pg.Pool;
  /** The schema of the registry tables (feature_store.yaml's registry.schema). */
  schema: string;
}

export interface ApplyOutcome {
  /** The version now current: a new one, or the stored one when nothing changed. */
  version: number;
  created: boolean;
  changes: RepoChange[];
  digest: string;
}

export interface MaterializationRecord {
  project: string;
  featureView: string;
  /** The view's online layout: a new layout starts over from no recorded run. */
  layout: string;
  startMs: number;
  endMs: number;
  rows: number;
  written: number;
}

/**
 * The registry in Postgres: every applied version of a project's definitions, and the record of
 * materialization runs (incremental materialization resumes from the last recorded end).
 */
export class PostgresRegistryStore {
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private ready: Promise<void> | undefined;

  constructor({ pool, schema }: RegistryStoreOptions) {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`'${schema}' is not a valid schema name`);
    this.pool = pool;
    this.schema = schema;
  }

  /** Creates the schema and tables if missing; idempotent and safe to run from several processes. */
  ensureTables(): Promise<void> {
    this.ready ??= this.createTables().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createTables(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('feature_registry_ddl'))`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.schema}.registry_versions (
          project     text        NOT NULL,
          version     integer     NOT NULL,
          digest      text        NOT NULL,
          repo        jsonb       NOT NULL,
          applied_at  timestamptz NOT NULL DEFAULT now(),
          applied_by  text        NOT NULL,
          PRIMARY KEY (project, version)
        )`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.schema}.materialization_runs (
          project       text        NOT NULL,
          feature_view  text        NOT NULL,
          layout        text        NOT NULL,
          start_ts      timestamptz NOT NULL,
          end_ts        timestamptz NOT NULL,
          rows          bigint      NOT NULL,
          written       bigint      NOT NULL,
          finished_at   timestamptz NOT NULL DEFAULT now()
        )`);
      await client.query(`
        CREATE INDEX IF NOT EXISTS materialization_runs_view_idx
          ON ${this.schema}.materialization_runs (project, feature_view, layout, end_ts DESC)`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Stores `repo` as the project's next version unless it equals the current one. */
  async apply(repo: FeatureRepo, appliedBy: string): Promise<ApplyOutcome> {
    await this.ensureTables();
    const project = repo.config.project;
    const digest = repoDigest(repo);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Concurrent applies of one project take turns, so versions stay dense and ordered.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`feature_registry:${project}`]);
      const latest = await client.query<{ version: number; digest: string; repo: unknown }>(
        `SELECT version, digest, repo FROM ${this.schema}.registry_versions WHERE project = $1 ORDER BY version DESC LIMIT 1`,
        [project],
      );
      const current = latest.rows[0];
      const changes = diffRepos(current ? FeatureRepo.parse(current.repo) : null, repo);
      if (current && current.digest === digest) {
        await client.query('COMMIT');
        return { version: current.version, created: false, changes: [], digest };
      }
      const version = (current?.version ?? 0) + 1;
      await client.query(
        `INSERT INTO ${this.schema}.registry_versions (project, version, digest, repo, applied_by) VALUES ($1, $2, $3, $4, $5)`,
        [project, version, digest, stableJson(repo), appliedBy],
      );
      await client.query('COMMIT');
      return { version, created: true, changes, digest };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The number of the latest version, or null when the project was never applied. */
  async latestVersion(project: string): Promise<number | null> {
    await this.ensureTables();
    const result = await this.pool.query<{ version: number }>(
      `SELECT max(version) AS version FROM ${this.schema}.registry_versions WHERE project = $1`,
      [project],
    );
    return result.rows[0]?.version ?? null;
  }

  /** A stored version (the latest when `version` is omitted), or null. */
  async getVersion(project: string, version?: number): Promise<RegistryVersion | null> {
    await this.ensureTables();
    const result = await this.pool.query<{ version: number; digest: string; repo: unknown; applied_at: Date; applied_by: string }>(
      `SELECT version, digest, repo, applied_at, applied_by FROM ${this.schema}.registry_versions
        WHERE project = $1 ${version === undefined ? '' : 'AND version = $2'} ORDER BY version DESC LIMIT 1`,
      version === undefined ? [project] : [project, version],
    );
    const row = result.rows[0];
    if (row === undefined) return null;
    return {
      project,
      version: row.version,
      digest: row.digest,
      applied_at: row.applied_at.toISOString(),
      applied_by: row.applied_by,
      repo: FeatureRepo.parse(row.repo),
    };
  }

  async recordMaterialization(record: MaterializationRecord): Promise<void> {
    await this.ensureTables();
    await this.pool.query(
      `INSERT INTO ${this.schema}.materialization_runs (project, feature_view, layout, start_ts, end_ts, rows, written)
       VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), $6, $7)`,
      [record.project, record.featureView, record.layout, record.startMs, record.endMs, record.rows, record.written],
    );
  }

  /** Where incremental materialization of a view resumes: the end of its last run with this layout. */
  async lastMaterializedEnd(project: string, featureView: string, layout: string): Promise<number | null> {
    await this.ensureTables();
    const result = await this.pool.query<{ end_ms: string | null }>(
      `SELECT floor(extract(epoch FROM max(end_ts)) * 1000)::bigint AS end_ms FROM ${this.schema}.materialization_runs
        WHERE project = $1 AND feature_view = $2 AND layout = $3`,
      [project, featureView, layout],
    );
    const endMs = result.rows[0]?.end_ms;
    return endMs === null || endMs === undefined ? null : Number(endMs);
  }
}

export function repoDigest(repo: FeatureRepo): string {
  return `sha256:${createHash('sha256').update(stableJson(repo)).digest('hex')}`;
}
