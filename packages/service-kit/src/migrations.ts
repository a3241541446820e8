import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

export interface RunMigrationsOptions {
  pool: pg.Pool;
  /** Directory of `NNN_name.sql` files. */
  directory: string;
  /** Where applied migrations are recorded, in the connection's current schema. */
  table?: string;
}

/** A migration could not be applied, or the recorded history disagrees with the files. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

interface MigrationFile {
  name: string;
  number: number;
  sql: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d+)_[A-Za-z0-9_-]+\.sql$/;
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Applies the pending `NNN_name.sql` files of `directory` in numeric order, each in its own
 * transaction, and returns the names applied this time. Concurrent callers (two replicas
 * starting at once) serialise on a Postgres advisory lock, so each file runs exactly once.
 * Refuses to run when an applied file has changed since: edit history with a new migration.
 */
export async function runMigrations({
  pool,
  directory,
  table = 'schema_migrations',
}: RunMigrationsOptions): Promise<string[]> {
  if (!TABLE_NAME.test(table)) throw new MigrationError(`Invalid migrations table name '${table}'`);
  const files = await readMigrationFiles(directory);
  const client = await pool.connect();
  try {
    // The lock is per schema and table, so tests in separate schemas do not wait on each other.
    const lockKey = `service-kit.migrations:${table}`;
    await client.query('select pg_advisory_lock(hashtext($1), hashtext(current_schema()))', [
      lockKey,
    ]);
    try {
      await client.query(
        `create table if not exists ${table} (
           name text primary key,
           checksum text not null,
           applied_at timestamptz not null default now()
         )`,
      );
      const applied = await appliedChecksums(client, table);
      assertHistoryMatches(files, applied, directory);
      const appliedNow: string[] = [];
      for (const file of files) {
        if (applied.has(file.name)) continue;
        await applyOne(client, table, file);
        appliedNow.push(file.name);
      }
      return appliedNow;
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1), hashtext(current_schema()))', [
        lockKey,
      ]);
    }
  } finally {
    client.release();
  }
}

async function readMigrationFiles(directory: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    throw new MigrationError(`Cannot read migrations directory ${directory}`, { cause: error });
  }
  const files: MigrationFile[] = [];
  for (const name of entries.filter((entry) => entry.endsWith('.sql'))) {
    const match = MIGRATION_FILE.exec(name);
    if (!match?.[1]) {
      throw new MigrationError(`Migration file ${name} in ${directory} is not named NNN_name.sql`);
    }
    const sql = await readFile(path.join(directory, name), 'utf8');
    files.push({ name, number: Number(match[1]), sql, checksum: sha256(sql) });
  }
  files.sort((a, b) => a.number - b.number);
  for (let i = 1; i < files.length; i++) {
    const [previous, current] = [files[i - 1], files[i]];
    if (previous && current && previous.number === current.number) {
      throw new MigrationError(
        `Migrations ${previous.name} and ${current.name} share the number ${current.number}`,
      );
    }
  }
  return files;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function appliedChecksums(
  client: pg.PoolClient,
  table: string,
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; checksum: string }>(
    `select name, checksum from ${table}`,
  );
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

function assertHistoryMatches(
  files: readonly MigrationFile[],
  applied: ReadonlyMap<string, string>,
  directory: string,
): void {
  const problems: string[] = [];
  for (const file of files) {
    const recorded = applied.get(file.name);
    if (recorded !== undefined && recorded !== file.checksum) {
      problems.push(
        `${file.name} was changed after it was applied (checksum ${recorded.slice(0, 12)}… is now ${file.checksum.slice(0, 12)}…)`,
      );
    }
  }
  const present = new Set(files.map((file) => file.name));
  for (const name of applied.keys()) {
    if (!present.has(name)) problems.push(`${name} was applied but is missing from ${directory}`);
  }
  if (problems.length > 0) {
    throw new MigrationError(
      `Refusing to migrate: ${problems.join('; ')}. Applied migrations are immutable; add a new numbered file instead.`,
    );
  }
}

async function applyOne(client: pg.PoolClient, table: string, file: MigrationFile): Promise<void> {
  await client.query('begin');
  try {
    await client.query(file.sql);
    await client.query(`insert into ${table} (name, checksum) values ($1, $2)`, [
      file.name,
      file.checksum,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${reason}`, {
      cause: error,
    });
  }
}
