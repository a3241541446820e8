export { migrateWarehouse, WAREHOUSE_MIGRATIONS_DIR } from './migrate.js';
export {
  MATERIALIZED_MARTS,
  refreshMarts,
  type MartRefresh,
  type MaterializedMart,
  type RefreshMartsOptions,
} from './marts.js';
export { WAREHOUSE_TABLES, type WarehouseTable } from './tables.js';
