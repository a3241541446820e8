import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, createMetrics, type ServiceApp } from '@payments-mlops/service-kit';
import pg from 'pg';
import { buildApp, storeContext, type RegistryAppDeps } from '../app.js';
import type { ArtifactStore } from '../stores/artifacts/artifact-store.js';
import { localArtifactStore } from '../stores/artifacts/local-artifact-store.js';
import { prepareRegistryDatabase } from '../stores/postgres/schema.js';

export const WRITE_TOKEN = 'test-write-token-0123456789';
export const READ_TOKEN = 'test-read-token-0123456789';
/** Headers of a client allowed to write. */
export const WRITER = { authorization: `Bearer ${WRITE_TOKEN}` };

export interface TestRegistry {
  app: ServiceApp;
  pool: pg.Pool;
  artifactStore: ArtifactStore;
  close(): Promise<void>;
}

export interface TestRegistryOptions {
  artifactStore?: ArtifactStore;
  auth?: Partial<RegistryAppDeps['auth']>;
  maxArtifactBytes?: number;
  modelMonitor?: RegistryAppDeps['modelMonitor'];
  poolSize?: number;
  now?: () => number;
}

/**
 * A registry app on the test's own Postgres schema (the `pg` fixture's connection string), with
 * its migrations applied, artifacts in a fresh temporary directory unless a store is given, and
 * write tokens WRITE_TOKEN (write) and READ_TOKEN (read only).
 */
export async function startTestRegistry(connectionString: string, options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 8, connectionTimeoutMillis: 5000 });
  const scratch = options.artifactStore ? undefined : await mkdtemp(path.join(tmpdir(), 'registry-artifacts-'));
  const artifactStore = options.artifactStore ?? localArtifactStore(scratch ?? '');
  const deps = { pool, ...(options.now ? { now: options.now } : {}) };
  await prepareRegistryDatabase(pool, storeContext(deps));
  const app = await buildApp({
    ...deps,
    artifactStore,
    logger: createLogger({ service: 'registry-server', level: 'silent' }),
    metrics: createMetrics('registry-server', { defaultMetrics: false }),
    auth: { writeTokens: [WRITE_TOKEN], readTokens: [READ_TOKEN], protectReads: false, disabled: false, ...options.auth },
    ...(options.maxArtifactBytes ? { maxArtifactBytes: options.maxArtifactBytes } : {}),
    ...(options.modelMonitor ? { modelMonitor: options.modelMonitor } : {}),
  });
  await app.ready();
  return {
    app,
    pool,
    artifactStore,
    async close() {
      await app.close();
      await pool.end();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * Calls the registry like MLflow's client does: GET with query parameters, anything else with a
 * JSON body; as a writer unless other headers are given.
 */
export async function callApi<T = Record<string, unknown>>(
  app: ServiceApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  request: Record<string, unknown> = {},
  headers: Record<string, string> = WRITER,
): Promise<ApiResponse<T>> {
  const url = `/api/2.0/mlflow${path}`;
  const response =
    method === 'GET'
      ? await app.inject({ method, url, query: toQuery(request), headers })
      : await app.inject({ method, url, payload: request, headers });
  // Auth failures answer in plain text, as MLflow's auth app does.
  const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
  const body = json ? (JSON.parse(response.body) as T) : (response.body as T);
  return { status: response.statusCode, body, headers: response.headers };
}

function toQuery(request: Record<string, unknown>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    query[key] = Array.isArray(value) ? value.map((item) => `${item as string | number}`) : `${value as string | number | boolean}`;
  }
  return query;
}
