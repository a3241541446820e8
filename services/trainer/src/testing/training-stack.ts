import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyFeatureRepo } from '@payments-mlops/feature-store';
import { PaymentSimulation, seedWarehouse } from '@payments-mlops/simulator';
import { REPO_ROOT, schemaConnectionString, startServiceProcess } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';

export const FEATURE_REPO = path.join(REPO_ROOT, 'feature-repo');
export const REGISTRY_TOKEN = 'trainer-test-token-0123456789';

/** Simulated history in the pool's schema, with the project's feature definitions applied there. */
export async function seedTrainingWarehouse(pool: pg.Pool, schema: string, options: { events: number; days?: number; seed?: number }): Promise<{ endMs: number }> {
  await migrateWarehouse(pool);
  const startMs = Date.UTC(2026, 0, 1);
  const days = options.days ?? 90;
  await seedWarehouse({ pool, simulation: new PaymentSimulation({ seed: options.seed ?? 42, startMs, days, events: options.events }) });
  await applyFeatureRepo({ directory: FEATURE_REPO, pool, appliedBy: 'trainer-test', registrySchema: schema });
  return { endMs: startMs + days * 86_400_000 };
}

export interface RunningRegistry {
  url: string;
  schema: string;
  stop(): Promise<void>;
}

/**
 * A real registry-server process (services may not import one another) on a schema of its own
 * next to `schema`, artifacts on local disk, listening on a free port.
 */
export async function startRegistryServer(pool: pg.Pool, schema: string, databaseUrl: string): Promise<RunningRegistry> {
  const registrySchema = `${schema}_registry`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${registrySchema}`);
  const artifacts = await mkdtemp(path.join(tmpdir(), 'trainer-registry-'));
  // No S3_ENDPOINT_URL: the registry keeps artifacts on local disk, in a directory of this test's.
  const registry = await startServiceProcess('registry-server', {
    REGISTRY_DATABASE_URL: schemaConnectionString(databaseUrl, registrySchema),
    REGISTRY_WRITE_TOKENS: REGISTRY_TOKEN,
    REGISTRY_ARTIFACT_DIR: artifacts,
  });
  return {
    url: registry.url,
    schema: registrySchema,
    async stop() {
      await registry.stop();
      await pool.query(`DROP SCHEMA IF EXISTS ${registrySchema} CASCADE`);
      await rm(artifacts, { recursive: true, force: true });
    },
  };
}
