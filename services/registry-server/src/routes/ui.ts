import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { createAuthorizer } from './auth.js';
import { uiAssets } from './ui-assets.js';
import { uiMetricSeriesRoutes } from './ui-metric-series.js';

export interface RegistryUiOptions {
  pool: pg.Pool;
  authorize: ReturnType<typeof createAuthorizer>;
  /** The built UI; services/registry-server/ui/dist/public unless given. */
  assetsDir?: string;
}

/**
 * The registry's web UI: the built single-page app at `/` (its client-side routes answer
 * index.html; 503 with a page saying how to build it when it is missing) and the endpoint it
 * needs beyond MLflow's API, downsampled metric histories for charts.
 */
export const registryUi: FastifyPluginAsync<RegistryUiOptions> = async (
  app,
  { pool, authorize, assetsDir },
) => {
  await app.register(uiAssets, assetsDir === undefined ? {} : { assetsDir });
  await app.register(uiMetricSeriesRoutes, { pool, authorize });
};
