import type pg from 'pg';

/**
 * The materialized marts, in refresh order. fct_payments is a plain view and needs no refresh.
 * None of them reads another, so the order only puts the ones the feature store reads first.
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
}

export interface MartRefresh {
  mart: MaterializedMart;
  durationMs: number;
}

/** Recomputes every materialized mart from payment_events, the entity tables and the labels. */
export async function refreshMarts(
  pool: pg.Pool,
  { concurrently = false }: RefreshMartsOptions = {},
): Promise<MartRefresh[]> {
  const refreshes: MartRefresh[] = [];
  for (const mart of MATERIALIZED_MARTS) {
    const started = performance.now();
    await pool.query(`REFRESH MATERIALIZED VIEW ${concurrently ? 'CONCURRENTLY ' : ''}${mart}`);
    refreshes.push({ mart, durationMs: performance.now() - started });
  }
  return refreshes;
}
