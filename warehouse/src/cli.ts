/**
 * Warehouse administration: `migrate` applies the numbered migrations (make warehouse-migrate),
 * `refresh [--concurrently]` recomputes the materialized marts.
 */
import { parseArgs } from 'node:util';
import { ConfigError, createPgPool, loadConfig, MigrationError } from '@payments-mlops/service-kit';
import { WarehouseConfig } from './config.js';
import { refreshMarts } from './marts.js';
import { migrateWarehouse } from './migrate.js';

const USAGE = `usage: warehouse migrate
       warehouse refresh [--concurrently]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { concurrently: { type: 'boolean', default: false } },
  });
  const [command, ...rest] = positionals;
  if ((command !== 'migrate' && command !== 'refresh') || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(WarehouseConfig);
  const pool = createPgPool(config.WAREHOUSE_DATABASE_URL, { applicationName: 'warehouse-cli', max: 1 });
  try {
    if (command === 'migrate') {
      const applied = await migrateWarehouse(pool);
      console.log(applied.length === 0 ? 'warehouse is up to date' : `applied ${applied.join(', ')}`);
    } else {
      for (const { mart, durationMs } of await refreshMarts(pool, { concurrently: values.concurrently })) {
        console.log(`refreshed ${mart} in ${(durationMs / 1000).toFixed(2)} s`);
      }
    }
    return 0;
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof MigrationError) {
      console.error(error.message);
    } else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
