import { createPostgresRegistry } from './registry-store.js';
import { registryApiContract } from '../../testing/registry-api-contract.js';
import { startTestRegistry } from '../../testing/registry-harness.js';
import { ArtifactCatalog } from '../artifacts/artifact-catalog.js';
import { storeContext } from '../../app.js';

registryApiContract('the Postgres store, called directly', async (pg) => {
  const registry = await startTestRegistry(pg.connectionString);
  const context = storeContext({ pool: registry.pool });
  const api = createPostgresRegistry(context, new ArtifactCatalog(registry.artifactStore, context.db, { maxBytes: 1024, now: Date.now }));
  return { api, close: () => registry.close() };
});
