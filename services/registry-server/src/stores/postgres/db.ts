import { MlflowError } from '@payments-mlops/contracts';
import type pg from 'pg';

/**
 * A statement: its SQL, or a named statement that Postgres parses and plans once per connection
 * (for the hot paths, whose SQL never changes).
 */
export type Statement = string | { name?: string; text: string; rowMode?: 'array' };

/** What a store needs from Postgres: queries, and transactions on one connection. */
export interface Queryable {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(statement: Statement, values?: readonly unknown[]): Promise<pg.QueryResult<Row>>;
}

/** Runs `statement` on a pg pool or client. */
function run<Row extends pg.QueryResultRow>(target: pg.Pool | pg.PoolClient, statement: Statement, values?: readonly unknown[]): Promise<pg.QueryResult<Row>> {
  const config: pg.QueryConfig = typeof statement === 'string' ? { text: statement } : { ...statement };
  if (values !== undefined) config.values = values as unknown[];
  return target.query<Row>(config);
}

export interface Db extends Queryable {
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** SQLSTATEs a store turns into MLflow errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
// Connection exceptions (class 08), shutdowns and refusals while starting or overloaded.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /Connection ended unexpectedly/i];

/** Whether `error` means the database cannot be reached, rather than that a query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

export function pgErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The store's Db over a pool; an unreachable database surfaces as MLflow's TEMPORARILY_UNAVAILABLE. */
export function poolDb(pool: pg.Pool): Db {
  return {
    query: (statement, values) => withAvailability(() => run(pool, statement, values)),
    transaction: (work) =>
      withAvailability(async () => {
        const client = await pool.connect();
        let broken: unknown;
        try {
          await client.query('BEGIN');
          const result = await work({ query: (statement, values) => run(client, statement, values) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            broken = rollbackError;
          }
          throw error;
        } finally {
          // A connection that failed to roll back is discarded, never handed to the next request.
          client.release(broken === undefined ? undefined : (broken as Error));
        }
      }),
  };
}

async function withAvailability<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'The registry database is unavailable; retry later.', { cause: error });
    }
    throw error;
  }
}
