import { ErrorBody, PushRequest, PushResponse, ServiceError } from '@payments-mlops/contracts';
import type { BatchViewInfo, RedisOnlineStore, RegistryCache } from '@payments-mlops/feature-store';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { appendOffline } from '../domain/offline-push.js';
import { pushedRows } from '../domain/push-rows.js';

export interface PushRouteOptions {
  registry: RegistryCache;
  store: Pick<RedisOnlineStore, 'writeBatchRows'>;
  pool: pg.Pool;
  clock: () => number;
}

export const pushRoutes: FastifyPluginCallbackZod<PushRouteOptions> = (app, { registry, store, pool, clock }, done) => {
  app.post(
    '/push',
    {
      schema: {
        tags: ['features'],
        summary: 'Push feature rows (Feast-compatible)',
        description:
          'Rows for the feature views fed by a push source, column-oriented in `df`. Online writes never replace a value with ' +
          'an older one; `to: offline` (or `online_and_offline`) also appends them to the view’s offline table for training.',
        body: PushRequest,
        response: { 200: PushResponse, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const { push_source_name: sourceName, df, to, allow_registry_cache: allowCache } = request.body;
      if (!allowCache) await registry.refresh();
      const views = registry
        .catalog()
        .storedViews()
        .filter((view): view is BatchViewInfo => view.kind === 'batch' && view.pushSource === sourceName);
      if (views.length === 0) throw new ServiceError('NOT_FOUND', `Push source '${sourceName}' does not exist or feeds no feature view`, { push_source_name: sourceName });

      const createdMs = clock();
      // Every row is checked against the view's schema before anything is written anywhere.
      const pushed = views.map((view) => ({ view, rows: pushedRows(view, df, createdMs) }));
      let writtenOnline = 0;
      let writtenOffline = 0;
      for (const { view, rows } of pushed) {
        if (to !== 'offline') writtenOnline += await store.writeBatchRows(view, rows.rows);
        if (to !== 'online') writtenOffline += await appendOffline(pool, view, rows);
      }
      return { rows: pushed[0]?.rows.rows.length ?? 0, written_online: writtenOnline, written_offline: writtenOffline };
    },
  );
  done();
};
