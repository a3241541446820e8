import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { s3ArtifactStore } from '../stores/artifacts/s3-artifact-store.js';
import { WRITE_TOKEN, startTestRegistry } from '../testing/registry-harness.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const script = fileURLToPath(new URL('../../compat/mlflow_client_compat.py', import.meta.url));

/** The newest 2.x MLflow client, pinned, with pandas for search_runs' DataFrames. */
export const MLFLOW_CLIENT_REQUIREMENTS = ['mlflow-skinny==2.22.5', 'pandas==2.3.3'];

export async function mlflowClientPython(): Promise<string> {
  const { stdout } = await run('bash', [`${repoRoot}infra/local/python-venv.sh`, 'registry-compat', ...MLFLOW_CLIENT_REQUIREMENTS], { timeout: 600_000 });
  return `${stdout.trim()}/bin/python`;
}

describe('compatibility with the official MLflow client', () => {
  test(
    'runs experiments, runs, artifacts, search, registry, aliases, stages, deletes and restores against the live server',
    async ({ pg, s3 }) => {
      const python = await mlflowClientPython();
      const registry = await startTestRegistry(pg.connectionString, {
        artifactStore: s3ArtifactStore(s3.client, { bucket: s3.bucket, prefix: 'artifacts' }),
      });
      try {
        const address = await registry.app.listen({ host: '127.0.0.1', port: 0 });
        const result = await run(python, [script], {
          timeout: 240_000,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            MLFLOW_TRACKING_URI: address,
            MLFLOW_TRACKING_TOKEN: WRITE_TOKEN,
            // Fail fast: a retried error would hide what the server answered.
            MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
            MLFLOW_HTTP_REQUEST_TIMEOUT: '30',
            GIT_PYTHON_REFRESH: 'quiet',
          },
        }).catch((error: { stdout?: string; stderr?: string }) => {
          throw new Error(`the MLflow client failed:\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
        });
        expect(result.stdout).toMatch(/^compat ok /m);
      } finally {
        await registry.close();
      }
    },
    900_000,
  );
});
