import type { FeatureValueType } from '@payments-mlops/contracts';
import type pg from 'pg';
import { FeatureCatalog, type BatchViewInfo } from '../definitions/catalog.js';
import { DefinitionError, type DefinitionProblem } from '../definitions/definition-error.js';
import { diffRepos, formatDiff, type RepoChange } from '../definitions/diff.js';
import { loadFeatureRepo } from '../definitions/load-repo.js';
import { sourceColumnOf, sourceRelation } from '../offline/view-queries.js';
import { PostgresRegistryStore, type ApplyOutcome } from './registry-store.js';

export interface ApplyOptions {
  /** The feature repository directory (feature-repo/). */
  directory: string;
  pool: pg.Pool;
  appliedBy: string;
  /** Show what would change without storing anything or creating tables (`feast plan`). */
  dryRun?: boolean;
  /** Overrides feature_store.yaml's registry.schema (tests use a schema of their own). */
  registrySchema?: string;
}

export interface ApplyReport {
  changes: RepoChange[];
  /** The changes as `feast plan` prints them. */
  plan: string;
  /** Null on a dry run. */
  outcome: ApplyOutcome | null;
}

const POSTGRES_TYPE: Record<FeatureValueType, string> = {
  Int64: 'bigint',
  Float64: 'double precision',
  String: 'text',
  Bool: 'boolean',
  UnixTimestamp: 'timestamptz',
  'Array(String)': 'text[]',
};

/**
 * `feast apply`: validates the repository, checks that every source table and column it names
 * exists in the warehouse, creates the landing tables of push sources, shows what changes, and
 * stores the definitions as the project's next registry version (unless nothing changed).
 */
export async function applyFeatureRepo({ directory, pool, appliedBy, dryRun = false, registrySchema }: ApplyOptions): Promise<ApplyReport> {
  const { repo, locations } = await loadFeatureRepo(directory);
  const catalog = new FeatureCatalog(repo, 0);
  const registry = new PostgresRegistryStore({ pool, schema: registrySchema ?? repo.config.registry.schema });

  if (!dryRun) await createPushTables(pool, catalog);
  const problems: DefinitionProblem[] = [];
  for (const view of catalog.storedViews()) {
    const list = view.kind === 'batch' ? 'feature_views' : 'stream_feature_views';
    const where = locations.get(`${list}/${view.name}`);
    let probe: string;
    if (view.kind === 'batch') {
      const columns = [view.entity.join_key, view.source.timestamp_field, ...view.features.map((field) => sourceColumnOf(view, field.name))];
      probe = `SELECT ${columns.map((column) => `s.${column}`).join(', ')} FROM ${sourceRelation(view)} s LIMIT 0`;
    } else {
      const columns = [...Object.keys(view.plan.fields), view.plan.timestampField, view.plan.dedupeField];
      probe = `SELECT ${columns.map((column) => `e.${column}`).join(', ')} FROM ${view.plan.table} e LIMIT 0`;
    }
    // A push source's table does not exist on a dry run: nothing to check yet.
    if (dryRun && view.kind === 'batch' && view.pushSource !== null) continue;
    try {
      await pool.query(probe);
    } catch (error) {
      problems.push({
        ...(where ? { file: where.file, line: where.line } : {}),
        field: where ? `${where.field}.source` : `${list}[${view.name}].source`,
        message: `the offline store cannot serve it: ${(error as Error).message}`,
      });
    }
  }
  if (problems.length > 0) throw new DefinitionError(problems);

  if (dryRun) {
    const current = await registry.getVersion(repo.config.project);
    const changes = diffRepos(current?.repo ?? null, repo);
    return { changes, plan: formatDiff(changes), outcome: null };
  }
  const outcome = await registry.apply(repo, appliedBy);
  return { changes: outcome.changes, plan: formatDiff(outcome.changes), outcome };
}

/** Push sources land their offline rows in a table of the feature store's own; create it if missing. */
async function createPushTables(pool: pg.Pool, catalog: FeatureCatalog): Promise<void> {
  const pushed = catalog.storedViews().filter((view): view is BatchViewInfo => view.kind === 'batch' && view.pushSource !== null);
  for (const view of pushed) {
    const table = view.source.table;
    if (table === undefined) continue;
    const columns = view.features.map((field) => `${sourceColumnOf(view, field.name)} ${POSTGRES_TYPE[field.dtype]}`);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
      ${view.entity.join_key} text NOT NULL,
      ${view.source.timestamp_field} timestamptz NOT NULL,
      ${columns.join(',\n      ')},
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    const indexName = `${table.replace('.', '_')}_key_time_idx`.slice(0, 63);
    await pool.query(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table} (${view.entity.join_key}, ${view.source.timestamp_field})`);
  }
}
