import pg from 'pg';

export function createPgPool(connectionString: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
}

/**
 * The connection string with `search_path` set to `schema` through the startup `options` parameter, so
 * every connection made from it (by a pool, a migration runner, a child process) lands in the schema.
 */
export function schemaConnectionString(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export async function createSchema(admin: pg.Pool, schema: string): Promise<void> {
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
}

export async function dropSchema(admin: pg.Pool, schema: string): Promise<void> {
  try {
    // A bounded wait: a connection the test left open inside a transaction would block DROP forever.
    await admin.query(`SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } catch (error) {
    throw new Error(
      `could not drop test schema ${schema} (is a connection of the test still open in a transaction?)`,
      { cause: error },
    );
  }
}

export async function endPool(pool: pg.Pool): Promise<void> {
  if (!pool.ended) await pool.end();
}
