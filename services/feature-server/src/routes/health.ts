import type { RegistryCache } from '@payments-mlops/feature-store';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Health = z.object({ status: z.literal('ok'), registry_version: z.number().int().nullable() });

/** Feast's health probe: 200 while the process is up, with the definitions version it serves. */
export const healthRoutes: FastifyPluginCallbackZod<{ registry: RegistryCache }> = (app, { registry }, done) => {
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness (Feast-compatible)', response: { 200: Health } } },
    () => ({ status: 'ok' as const, registry_version: registry.loaded?.version ?? null }),
  );
  done();
};
