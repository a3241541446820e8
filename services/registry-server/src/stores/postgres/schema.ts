import { fileURLToPath } from 'node:url';
import { runMigrations } from '@payments-mlops/service-kit';
import type pg from 'pg';
import type { StoreContext } from './context.js';
import { createExperimentStore } from './experiment-store.js';

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../../migrations', import.meta.url));
export const MIGRATIONS_TABLE = 'registry_schema_migrations';

/** Applies the registry's migrations and creates the Default experiment; safe to run on every start. */
export async function prepareRegistryDatabase(pool: pg.Pool, context: StoreContext): Promise<string[]> {
  const applied = await runMigrations({ pool, directory: MIGRATIONS_DIRECTORY, table: MIGRATIONS_TABLE });
  await createExperimentStore(context).ensureDefaultExperiment();
  return applied;
}
