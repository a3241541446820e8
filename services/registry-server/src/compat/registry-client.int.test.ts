import { RegistryClient } from '@payments-mlops/registry-client';
import { registryApiContract } from '../testing/registry-api-contract.js';
import { WRITE_TOKEN, startTestRegistry } from '../testing/registry-harness.js';

registryApiContract('the REST client, over HTTP to a live server', async (pg) => {
  const registry = await startTestRegistry(pg.connectionString);
  const baseUrl = await registry.app.listen({ host: '127.0.0.1', port: 0 });
  const client = new RegistryClient({ baseUrl, token: WRITE_TOKEN });
  return { api: client.api, close: () => registry.close() };
});
