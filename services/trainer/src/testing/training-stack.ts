import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyFeatureRepo } from '@payments-mlops/feature-store';
import { PaymentSimulation, seedWarehouse } from '@payments-mlops/simulator';
import { schemaConnectionString } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
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
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.S3_ENDPOINT_URL;
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    REGISTRY_DATABASE_URL: schemaConnectionString(databaseUrl, registrySchema),
    REGISTRY_WRITE_TOKENS: REGISTRY_TOKEN,
    REGISTRY_ARTIFACT_DIR: artifacts,
  });
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(REPO_ROOT, 'services/registry-server/src/main.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningAddress(child);
  return {
    url,
    schema: registrySchema,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await pool.query(`DROP SCHEMA IF EXISTS ${registrySchema} CASCADE`);
      await rm(artifacts, { recursive: true, force: true });
    },
  };
}

function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`registry-server did not start within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry-server exited with ${code}:\n${output}`));
    });
  });
}
