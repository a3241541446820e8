import { fileURLToPath } from 'node:url';
import { runMigrations } from '@payments-mlops/service-kit';
import type pg from 'pg';

/** The numbered SQL migrations, beside src/ and dist/ alike. */
export const WAREHOUSE_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * Applies the warehouse migrations not yet applied, in the schema the pool's connections resolve to
 * (search_path), so tests can build a warehouse in a schema of their own. Returns the applied names.
 */
export async function migrateWarehouse(pool: pg.Pool): Promise<string[]> {
  return runMigrations({ pool, directory: WAREHOUSE_MIGRATIONS_DIR });
}
