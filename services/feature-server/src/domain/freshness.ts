import type { FeatureCatalog } from '@payments-mlops/feature-store';
import { Gauge, type Registry } from 'prom-client';

/**
 * How far behind now each view's online values are: for a batch view, since the end of its last
 * materialization; for a stream view, since the latest event the stream applied (or the last
 * materialization, when the stream has applied none yet). Exported as
 * `feature_server_view_freshness_seconds{view}` and computed at scrape time.
 */
export class FreshnessTracker {
  private readonly materializedEnd = new Map<string, number>();

  constructor(
    registry: Registry,
    prefix: string,
    catalog: () => FeatureCatalog | undefined,
    streamLatest: () => ReadonlyMap<string, number> = () => new Map(),
    clock: () => number = Date.now,
  ) {
    const materializedEnd = this.materializedEnd;
    new Gauge({
      name: `${prefix}view_freshness_seconds`,
      help: 'Seconds between now and the newest data in the online store, per feature view.',
      labelNames: ['view'],
      registers: [registry],
      collect() {
        this.reset();
        const now = clock();
        const stream = streamLatest();
        for (const view of catalog()?.storedViews() ?? []) {
          const latest = Math.max(stream.get(view.name) ?? 0, materializedEnd.get(view.name) ?? 0);
          if (latest > 0) this.set({ view: view.name }, Math.max(0, (now - latest) / 1000));
        }
      },
    });
  }

  recordMaterialized(view: string, endMs: number): void {
    if (endMs > (this.materializedEnd.get(view) ?? 0)) this.materializedEnd.set(view, endMs);
  }
}
