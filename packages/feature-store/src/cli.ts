/**
 * The feature store's command line, as Feast's: `apply` (make features-apply), `plan`,
 * `materialize --start … --end …` and `materialize-incremental [--end …]` (make materialize).
 * Connections come from WAREHOUSE_DATABASE_URL and REDIS_URL; the repository from --repo.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, createPgPool, loadConfig } from '@payments-mlops/service-kit';
import { z } from 'zod';
import { FeatureCatalog } from './definitions/catalog.js';
import { DefinitionError } from './definitions/definition-error.js';
import { loadFeatureRepo } from './definitions/load-repo.js';
import { materialize, materializeIncremental } from './materialize/materialize.js';
import { RedisOnlineStore } from './online/online-store.js';
import { createOnlineRedis } from './online/redis-client.js';
import { applyFeatureRepo } from './registry/apply.js';
import { PostgresRegistryStore } from './registry/registry-store.js';

const USAGE = `usage: feature-store apply [--repo DIR] [--dry-run]
       feature-store plan [--repo DIR]
       feature-store materialize --start ISO --end ISO [--views a,b] [--repo DIR]
       feature-store materialize-incremental [--end ISO] [--views a,b] [--repo DIR]`;

const CliConfig = z.object({
  WAREHOUSE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/payments'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
});

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string', default: 'feature-repo' },
      'dry-run': { type: 'boolean', default: false },
      start: { type: 'string' },
      end: { type: 'string' },
      views: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (command === undefined || rest.length > 0) throw new UsageError('one command expected');
  const config = loadConfig(CliConfig.passthrough());
  const directory = path.resolve(values.repo);
  const pool = createPgPool(config.WAREHOUSE_DATABASE_URL, { applicationName: 'feature-store-cli', max: 4 });
  try {
    switch (command) {
      case 'apply':
      case 'plan': {
        const dryRun = command === 'plan' || values['dry-run'];
        const report = await applyFeatureRepo({ directory, pool, appliedBy: process.env.USER ?? 'feature-store-cli', dryRun });
        console.log(report.plan);
        if (report.outcome) {
          console.log(report.outcome.created ? `Applied version ${report.outcome.version} (${report.outcome.digest}).` : `Version ${report.outcome.version} is current.`);
        }
        return 0;
      }
      case 'materialize':
      case 'materialize-incremental':
        return await runMaterialize(command, pool, config.REDIS_URL, directory, values);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } finally {
    await pool.end();
  }
}

async function runMaterialize(
  command: 'materialize' | 'materialize-incremental',
  pool: ReturnType<typeof createPgPool>,
  redisUrl: string,
  directory: string,
  values: { start?: string; end?: string; views?: string },
): Promise<number> {
  const { repo } = await loadFeatureRepo(directory);
  const registry = new PostgresRegistryStore({ pool, schema: repo.config.registry.schema });
  const stored = await registry.getVersion(repo.config.project);
  if (stored === null) throw new UsageError(`project '${repo.config.project}' has no registry version: run apply first`);
  const catalog = new FeatureCatalog(stored.repo, stored.version);
  const redis = createOnlineRedis(redisUrl, { connectionName: 'feature-store-cli' });
  try {
    const store = new RedisOnlineStore({ redis, keyPrefix: catalog.repo.config.online_store.key_prefix });
    const endMs = parseTime('--end', values.end) ?? Date.now();
    const views = values.views?.split(',').filter(Boolean);
    const common = { pool, store, registry, catalog, ...(views ? { views } : {}) };
    const runs =
      command === 'materialize'
        ? await materialize({ ...common, startMs: parseTime('--start', values.start) ?? fail('--start is required'), endMs })
        : await materializeIncremental({ ...common, endMs });
    for (const run of runs) {
      const rate = run.duration_seconds > 0 ? Math.round(run.rows / run.duration_seconds) : run.rows;
      console.log(
        `${run.feature_view.padEnd(24)} ${run.start_ts} → ${run.end_ts}  ${String(run.rows).padStart(9)} rows  ${String(run.written).padStart(9)} written  ${run.duration_seconds.toFixed(2)} s  ${rate} rows/s`,
      );
    }
    if (runs.length === 0) console.log('Nothing to materialize: every view is up to date.');
    return 0;
  } finally {
    redis.disconnect();
  }
}

function parseTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be an ISO 8601 time, got '${value}'`);
  return ms;
}

function fail(message: string): never {
  throw new UsageError(message);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof DefinitionError || error instanceof ConfigError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  },
);
