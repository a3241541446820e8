import { ServiceError, type MaterializedView } from '@payments-mlops/contracts';
import type pg from 'pg';
import type { AggregationPlan } from '../aggregation/plan.js';
import type { BatchViewInfo, FeatureCatalog, StoredViewInfo, StreamViewInfo } from '../definitions/catalog.js';
import { copyOut, copyOutLines } from '../offline/copy-text.js';
import { epochMs } from '../aggregation/sql.js';
import { batchFeatureSelect, sourceRelation } from '../offline/view-queries.js';
import type { RedisOnlineStore, StreamEvent } from '../online/online-store.js';
import { encodeCopyLines, type EncodedCopyRow } from '../online/value-codec.js';
import type { PostgresRegistryStore } from '../registry/registry-store.js';
import { rowValue } from './row-values.js';

export interface MaterializeOptions {
  pool: pg.Pool;
  store: Pick<RedisOnlineStore, 'writeBatchRows' | 'applyEvents'>;
  registry: PostgresRegistryStore;
  catalog: FeatureCatalog;
  /** Views to materialize; every online batch and stream view when omitted. */
  views?: readonly string[];
  /** Rows per Redis pipeline (stream replays), and pipelines in flight. */
  batchRows?: number;
  inFlight?: number;
  /** Connections a batch view is read over, each a disjoint share of the entities (default 2). */
  partitions?: number;
  clock?: () => number;
}

/**
 * Loads the offline store into the online store for [startMs, endMs), as `feast materialize`:
 * the latest row per entity of each batch view, and every event of each stream view (replayed
 * through the same exactly-once update the stream uses, so it is safe while the stream runs).
 * Writes are pipelined and idempotent; a run is recorded so incremental runs continue from it.
 */
export async function materialize(options: MaterializeOptions & { startMs: number; endMs: number }): Promise<MaterializedView[]> {
  const views = selectViews(options.catalog, options.views);
  const results: MaterializedView[] = [];
  for (const view of views.filter((v): v is BatchViewInfo => v.kind === 'batch')) {
    results.push(await materializeBatchView(options, view, options.startMs, options.endMs));
  }
  const streams = views.filter((v): v is StreamViewInfo => v.kind === 'stream');
  for (const group of groupBySource(streams)) {
    results.push(...(await replayStreamViews(options, group, options.startMs, options.endMs)));
  }
  return results;
}

/**
 * Materializes each view from where its last recorded run ended (with its current layout) up to
 * `endMs`. A view never materialized starts at its TTL (batch), its longest window (stream) or
 * the beginning of its history (stream views with lifetime aggregates).
 */
export async function materializeIncremental(options: MaterializeOptions & { endMs: number }): Promise<MaterializedView[]> {
  const { catalog, registry, endMs } = options;
  const results: MaterializedView[] = [];
  for (const view of selectViews(catalog, options.views)) {
    const last = await registry.lastMaterializedEnd(catalog.repo.config.project, view.name, layoutOf(view));
    const startMs = last ?? defaultStart(view, endMs);
    if (startMs >= endMs) continue;
    results.push(...(await materialize({ ...options, views: [view.name], startMs, endMs })));
  }
  return results;
}

function selectViews(catalog: FeatureCatalog, names: readonly string[] | undefined): StoredViewInfo[] {
  if (names === undefined) {
    return catalog.storedViews().filter((view) => (view.kind === 'batch' ? view.definition.online : true));
  }
  return names.map((name) => {
    const view = catalog.view(name);
    if (view.kind !== 'batch' && view.kind !== 'stream') {
      throw new ServiceError('INVALID_ARGUMENT', `'${name}' is not a batch or stream feature view: only those are materialized`, {
        fields: [{ field: 'feature_views', message: `'${name}' is computed at request time` }],
      });
    }
    return view;
  });
}

export function layoutOf(view: StoredViewInfo): string {
  return view.kind === 'batch' ? view.fingerprint : view.plan.fingerprint;
}

function defaultStart(view: StoredViewInfo, endMs: number): number {
  if (view.kind === 'batch') return endMs - view.ttlMs;
  if (view.plan.hasLifetime) return 0;
  const windows = [
    ...view.plan.rings.map((ring) => ring.tileMs * ring.tiles),
    ...view.plan.scalars.map((scalar) => (scalar.window ? scalar.window.tileMs * scalar.window.tiles : 0)),
  ];
  return endMs - Math.max(...windows);
}

function groupBySource(views: StreamViewInfo[]): StreamViewInfo[][] {
  const groups = new Map<string, StreamViewInfo[]>();
  for (const view of views) groups.set(view.plan.table, [...(groups.get(view.plan.table) ?? []), view]);
  return [...groups.values()];
}

const timeRange = (column: string, startMs: number, endMs: number) =>
  `${column} >= to_timestamp(${startMs} / 1000.0) AND ${column} < to_timestamp(${endMs} / 1000.0)`;

async function materializeBatchView(options: MaterializeOptions, view: BatchViewInfo, startMs: number, endMs: number): Promise<MaterializedView> {
  const started = performance.now();
  const { pool, store, clock = Date.now } = options;
  const key = `s.${view.entity.join_key}`;
  const ts = `s.${view.source.timestamp_field}`;
  const columns = view.features.map((field) => batchFeatureSelect(view, field));
  const partitions = Math.max(1, options.partitions ?? 2);
  // Each partition is a disjoint set of entities (by key hash), so each keeps its own DISTINCT ON.
  const query = (partition: number) => `SELECT DISTINCT ON (${key}) ${key}, ${epochMs(ts)}, ${columns.join(', ')}
    FROM ${sourceRelation(view)} s WHERE ${key} IS NOT NULL AND ${timeRange(ts, startMs, endMs)}
    ${partitions > 1 ? `AND (hashtext(${key}) & 2147483647) % ${partitions} = ${partition}` : ''} ORDER BY ${key}, ${ts} DESC`;

  const createdMs = clock();
  let rows = 0;
  const perPartition = { ...options, inFlight: Math.max(1, Math.ceil((options.inFlight ?? 8) / partitions)) };
  const written = await Promise.all(
    Array.from({ length: partitions }, (_, partition) =>
      pipelined(perPartition, async function* () {
        const client = await pool.connect();
        try {
          // DISTINCT ON sorts the range by entity: in memory, not through temporary files.
          await client.query(`SET work_mem = '256MB'`);
          // Postgres turns 52 columns into text about as fast as this process encodes them: two
          // partitions on two connections keep both busy at once.
          for await (const lines of copyOutLines(client, query(partition))) {
            const batch: EncodedCopyRow[] = [];
            encodeCopyLines(view.features, lines, createdMs, batch);
            rows += batch.length;
            yield batch;
          }
        } finally {
          await client.query('RESET work_mem').catch(() => undefined);
          client.release();
        }
      }, (batch) => store.writeBatchRows(view, batch)),
    ),
  ).then((counts) => counts.reduce((total, count) => total + count, 0));
  await options.registry.recordMaterialization({
    project: options.catalog.repo.config.project, featureView: view.name, layout: view.fingerprint, startMs, endMs, rows, written,
  });
  return result(view.name, startMs, endMs, rows, written, started);
}

async function replayStreamViews(options: MaterializeOptions, views: StreamViewInfo[], startMs: number, endMs: number): Promise<MaterializedView[]> {
  const started = performance.now();
  const plans: AggregationPlan[] = views.map((view) => view.plan);
  const layout = plans[0]!;
  const fields = Object.entries(layout.fields);
  const query = `SELECT ${fields.map(([name]) => `e.${name}`).join(', ')}, ${epochMs(`e.${layout.timestampField}`)}, e.${layout.dedupeField}
    FROM ${layout.table} e WHERE ${timeRange(`e.${layout.timestampField}`, startMs, endMs)}`;
  let rows = 0;
  const applied = await pipelined(options, async function* () {
    const client = await options.pool.connect();
    try {
      for await (const batch of copyOut(client, query, options.batchRows ?? 500)) {
        rows += batch.length;
        yield batch.map((values): StreamEvent => {
          const record: Record<string, unknown> = {};
          fields.forEach(([name, type], index) => {
            record[name] = rowValue(type, values[index] ?? null);
          });
          return { record, eventMs: Number(values[fields.length]), dedupeId: values[fields.length + 1] ?? '' };
        });
      }
    } finally {
      client.release();
    }
  }, async (batch) => (await options.store.applyEvents(plans, batch)).applied);
  const project = options.catalog.repo.config.project;
  for (const view of views) {
    await options.registry.recordMaterialization({ project, featureView: view.name, layout: view.plan.fingerprint, startMs, endMs, rows, written: applied });
  }
  return views.map((view) => result(view.name, startMs, endMs, rows, applied, started));
}

/** Keeps up to `inFlight` Redis pipelines busy while the next batch is read from Postgres. */
async function pipelined<T>(options: MaterializeOptions, batches: () => AsyncGenerator<T[]>, write: (batch: T[]) => Promise<number>): Promise<number> {
  const limit = options.inFlight ?? 8;
  const pending = new Set<Promise<void>>();
  let written = 0;
  for await (const batch of batches()) {
    const task: Promise<void> = write(batch).then((count) => {
      written += count;
      pending.delete(task);
    });
    pending.add(task);
    if (pending.size >= limit) await Promise.race(pending);
  }
  await Promise.all(pending);
  return written;
}

function result(featureView: string, startMs: number, endMs: number, rows: number, written: number, started: number): MaterializedView {
  return {
    feature_view: featureView,
    start_ts: new Date(startMs).toISOString(),
    end_ts: new Date(endMs).toISOString(),
    rows,
    written,
    duration_seconds: (performance.now() - started) / 1000,
  };
}
