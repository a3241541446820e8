import type pg from 'pg';

/**
 * The materialized marts, heaviest first. fct_payments is a plain view and needs no refresh.
 * None of them reads another, so they can refresh in any order, or side by side.
 */
export const MATERIALIZED_MARTS = [
  'int_payment_customer_metrics',
  'int_payment_merchant_metrics',
  'dim_customer',
  'dim_merchant',
] as const;
export type MaterializedMart = (typeof MATERIALIZED_MARTS)[number];

export interface RefreshMartsOptions {
  /**
   * Keep the marts readable while they refresh (REFRESH … CONCURRENTLY). Slower: it diffs the new
   * result against the old one. Leave it off after a bulk load nobody reads during.
   */
  concurrently?: boolean;
  /** How many marts refresh at once, each on its own connection (default 1). */
  parallelism?: number;
}

export interface MartRefresh {
  mart: MaterializedMart;
  durationMs: number;
}

/** Recomputes every materialized mart from payment_events, the entity tables and the labels. */
export async function refreshMarts(
  pool: pg.Pool,
  { concurrently = false, parallelism = 1 }: RefreshMartsOptions = {},
): Promise<MartRefresh[]> {
  const pending: MaterializedMart[] = [...MATERIALIZED_MARTS];
  const done = new Map<MaterializedMart, number>();
  const worker = async (): Promise<void> => {
    for (let mart = pending.shift(); mart; mart = pending.shift()) {
      const started = performance.now();
      await pool.query(`REFRESH MATERIALIZED VIEW ${concurrently ? 'CONCURRENTLY ' : ''}${mart}`);
      done.set(mart, performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, pending.length)) }, worker));
  return MATERIALIZED_MARTS.map((mart) => ({ mart, durationMs: done.get(mart) ?? 0 }));
}
