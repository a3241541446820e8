import pg from 'pg';
import type { ReadinessCheck } from './health.js';
import type { Logger } from './logger.js';

export interface PgPoolOptions {
  /** Shown in pg_stat_activity, so a DBA can tell which service holds a connection. */
  applicationName: string;
  max?: number;
  /** How long to wait for a connection; pg's default is forever, which would hang /readyz and requests. */
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  logger?: Logger;
}

export function createPgPool(
  connectionString: string,
  {
    applicationName,
    max = 10,
    connectionTimeoutMillis = 5_000,
    idleTimeoutMillis = 30_000,
    logger,
  }: PgPoolOptions,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    application_name: applicationName,
    max,
    connectionTimeoutMillis,
    idleTimeoutMillis,
  });
  // An idle client that loses its connection (a Postgres restart) emits 'error' on the pool; without
  // a listener that would crash the process. The pool drops the client and reconnects on demand.
  pool.on('error', (error) => {
    logger?.warn(
      { err: error, component: 'pg-pool' },
      'idle postgres client failed; it was discarded',
    );
  });
  return pool;
}

/** Ready when the pool can run `select 1`. */
export function pgReadiness(
  pool: pg.Pool,
  { name = 'postgres', timeoutMs }: { name?: string; timeoutMs?: number } = {},
): ReadinessCheck {
  return {
    name,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    async check() {
      await pool.query('select 1');
    },
  };
}
