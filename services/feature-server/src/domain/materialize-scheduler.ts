import type { MaterializedView } from '@payments-mlops/contracts';
import { durationMs, layoutOf, materialize, materializeIncremental, type MaterializeOptions, type RegistryCache } from '@payments-mlops/feature-store';
import type { Logger } from '@payments-mlops/service-kit';
import type pg from 'pg';
import type { FreshnessTracker } from './freshness.js';

export interface MaterializerOptions extends Omit<MaterializeOptions, 'catalog'> {
  registryCache: RegistryCache;
  freshness: FreshnessTracker;
  logger: Logger;
  /** Overrides feature_store.yaml's materialization.incremental_interval. */
  intervalMs?: number;
}

/** Only one replica runs a scheduled incremental materialization at a time. */
const SCHEDULE_LOCK = 'feature_server_materialize_incremental';

/**
 * Materialization for the HTTP routes and on feature_store.yaml's incremental interval. Runs are
 * idempotent, so overlapping ones are safe; the schedule still skips a tick while one is running
 * and lets a single replica (holding a Postgres advisory lock) do the work.
 */
export class Materializer {
  private readonly options: MaterializerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(options: MaterializerOptions) {
    this.options = options;
  }

  async primeFreshness(): Promise<void> {
    const catalog = this.options.registryCache.loaded;
    if (catalog === undefined) return;
    for (const view of catalog.storedViews()) {
      const end = await this.options.registry.lastMaterializedEnd(catalog.repo.config.project, view.name, layoutOf(view));
      if (end !== null) this.options.freshness.recordMaterialized(view.name, end);
    }
  }

  async materialize(startMs: number, endMs: number, views?: string[]): Promise<MaterializedView[]> {
    const catalog = this.options.registryCache.catalog();
    return this.recorded(await materialize({ ...this.common(views), catalog, startMs, endMs }));
  }

  async materializeIncremental(endMs: number, views?: string[]): Promise<MaterializedView[]> {
    const catalog = this.options.registryCache.catalog();
    return this.recorded(await materializeIncremental({ ...this.common(views), catalog, endMs }));
  }

  startSchedule(): void {
    const tick = (): void => {
      const catalog = this.options.registryCache.loaded;
      const intervalMs = this.options.intervalMs ?? (catalog ? durationMs(catalog.repo.config.materialization.incremental_interval) : 30_000);
      this.timer = setTimeout(() => {
        this.running ??= this.scheduledRun().finally(() => {
          this.running = undefined;
        });
        tick();
      }, intervalMs);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  private async scheduledRun(): Promise<void> {
    const { pool, logger } = this.options;
    if (this.options.registryCache.loaded === undefined) return;
    const client: pg.PoolClient = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [SCHEDULE_LOCK]);
      if (rows[0]?.locked !== true) return;
      try {
        const runs = await this.materializeIncremental(Date.now());
        logger.info({ component: 'materializer', views: runs.map((run) => ({ view: run.feature_view, rows: run.rows, written: run.written })) }, 'scheduled incremental materialization');
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [SCHEDULE_LOCK]);
      }
    } catch (error) {
      logger.error({ component: 'materializer', err: error }, 'scheduled incremental materialization failed');
    } finally {
      client.release();
    }
  }

  private common(views: string[] | undefined): Omit<MaterializeOptions, 'catalog'> {
    const { pool, store, registry, batchRows, inFlight, clock } = this.options;
    return { pool, store, registry, ...(views ? { views } : {}), ...(batchRows ? { batchRows } : {}), ...(inFlight ? { inFlight } : {}), ...(clock ? { clock } : {}) };
  }

  private recorded(runs: MaterializedView[]): MaterializedView[] {
    for (const run of runs) this.options.freshness.recordMaterialized(run.feature_view, Date.parse(run.end_ts));
    return runs;
  }
}
