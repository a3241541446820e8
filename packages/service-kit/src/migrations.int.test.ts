import { test } from '@payments-mlops/test-infra';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect } from 'vitest';
import { MigrationError, runMigrations } from './migrations.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

async function migrationsDirectory(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'service-kit-migrations-'));
  directories.push(directory);
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(directory, name), sql);
  return directory;
}

// 10_ alters the table 9_ creates: applying them in name order instead of numeric order would fail.
const LEDGER = {
  '001_accounts.sql': 'create table accounts (id text primary key, owner text not null);',
  '9_ledger.sql': `create table ledger (id bigserial primary key, account_id text references accounts (id));
                   insert into accounts values ('acc_1', 'merchant');`,
  '10_ledger_amount.sql': 'alter table ledger add column amount_cents bigint not null default 0;',
};

async function tablesIn(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    'select table_name from information_schema.tables where table_schema = current_schema() order by table_name',
  );
  return rows.map((row) => row.table_name);
}

describe('runMigrations', () => {
  test('applies every file in numeric order on an empty schema and records name, checksum and time', async ({
    pg: { pool },
  }) => {
    const directory = await migrationsDirectory(LEDGER);

    const applied = await runMigrations({ pool, directory });

    expect(applied).toEqual(['001_accounts.sql', '9_ledger.sql', '10_ledger_amount.sql']);
    expect(await tablesIn(pool)).toEqual(['accounts', 'ledger', 'schema_migrations']);
    const { rows } = await pool.query<{ name: string; checksum: string; applied_at: Date }>(
      'select name, checksum, applied_at from schema_migrations order by applied_at, name',
    );
    expect(rows.map((row) => row.name).sort()).toEqual([
      '001_accounts.sql',
      '10_ledger_amount.sql',
      '9_ledger.sql',
    ]);
    const accounts = rows.find((row) => row.name === '001_accounts.sql');
    expect(accounts?.checksum).toBe(
      createHash('sha256').update(LEDGER['001_accounts.sql']).digest('hex'),
    );
    expect(accounts?.applied_at).toBeInstanceOf(Date);
  });

  test('applies nothing the second time, and only the new file after one is added', async ({
    pg: { pool },
  }) => {
    const directory = await migrationsDirectory(LEDGER);
    await runMigrations({ pool, directory });

    expect(await runMigrations({ pool, directory })).toEqual([]);
    expect((await pool.query('select count(*)::int as n from accounts')).rows[0]).toEqual({ n: 1 });

    await writeFile(
      path.join(directory, '011_ledger_currency.sql'),
      "alter table ledger add column currency char(3) not null default 'USD';",
    );
    expect(await runMigrations({ pool, directory })).toEqual(['011_ledger_currency.sql']);
  });

  test('refuses to run when an applied file was edited, naming it, and applies nothing', async ({
    pg: { pool },
  }) => {
    const directory = await migrationsDirectory(LEDGER);
    await runMigrations({ pool, directory });
    await writeFile(
      path.join(directory, '9_ledger.sql'),
      `${LEDGER['9_ledger.sql']}\n-- an innocent-looking edit`,
    );
    await writeFile(path.join(directory, '012_pending.sql'), 'create table pending (id int);');

    const run = runMigrations({ pool, directory });

    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(/9_ledger\.sql was changed after it was applied/);
    expect(await tablesIn(pool)).not.toContain('pending');
  });

  test('refuses to run when an applied file has disappeared', async ({ pg: { pool } }) => {
    const directory = await migrationsDirectory(LEDGER);
    await runMigrations({ pool, directory });
    await rm(path.join(directory, '10_ledger_amount.sql'));

    await expect(runMigrations({ pool, directory })).rejects.toThrow(
      /10_ledger_amount\.sql was applied but is missing/,
    );
  });

  test('rolls back a failing file entirely and names it; earlier files stay applied', async ({
    pg: { pool },
  }) => {
    const directory = await migrationsDirectory({
      '001_accounts.sql': LEDGER['001_accounts.sql'],
      '002_broken.sql': 'create table half_done (id int);\nselect * from no_such_table;',
    });

    await expect(runMigrations({ pool, directory })).rejects.toThrow(
      /002_broken\.sql failed and was rolled back: .*no_such_table/,
    );

    expect(await tablesIn(pool)).toEqual(['accounts', 'schema_migrations']);
    const { rows } = await pool.query<{ name: string }>('select name from schema_migrations');
    expect(rows).toEqual([{ name: '001_accounts.sql' }]);
  });

  test('applies each file exactly once when two runners start together', async ({
    pg: { connectionString },
  }) => {
    const directory = await migrationsDirectory({
      // Holds the lock long enough for the second runner to arrive while the first is mid-way.
      '001_slow_accounts.sql': `select pg_sleep(0.3); ${LEDGER['001_accounts.sql']}`,
      '002_ledger.sql': LEDGER['9_ledger.sql'],
    });
    const pools = [
      new pg.Pool({ connectionString, max: 1 }),
      new pg.Pool({ connectionString, max: 1 }),
    ];
    try {
      const results = await Promise.all(pools.map((pool) => runMigrations({ pool, directory })));

      expect(results.flat().sort()).toEqual(['001_slow_accounts.sql', '002_ledger.sql']);
      expect(results.map((names) => names.length).sort()).toEqual([0, 2]);
      const { rows } = await pools[0]!.query<{ n: number }>(
        'select count(*)::int as n from schema_migrations',
      );
      expect(rows[0]?.n).toBe(2);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  test('rejects a .sql file that is not named NNN_name.sql', async ({ pg: { pool } }) => {
    const directory = await migrationsDirectory({
      '001_ok.sql': 'select 1;',
      'cleanup.sql': 'select 1;',
    });
    await expect(runMigrations({ pool, directory })).rejects.toThrow(
      /cleanup\.sql .* is not named NNN_name\.sql/,
    );
  });
});
