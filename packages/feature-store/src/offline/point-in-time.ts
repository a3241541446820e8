import { ServiceError, type FeatureValue } from '@payments-mlops/contracts';
import type pg from 'pg';
import type { FeatureCatalog, OnDemandViewInfo, ResolvedFeature, StoredViewInfo } from '../definitions/catalog.js';
import { copyOutParsed, readIntoColumn, type CopyFields } from './copy-fields.js';
import { copyOut } from './copy-text.js';
import { emptyColumn, setFromText, setValue, valueAt, type DatasetColumn, type HistoricalDataset } from './dataset.js';
import { EVENT_MS, EVENT_TIMESTAMP, createEntityRowsTable, selectAs, type EntityRows } from './entity-rows.js';
import { mergeBatchView, mergeStreamView } from './merge-engine.js';
import { pointInTimeSql, sourceRelation } from './view-queries.js';

export interface HistoricalFeaturesOptions {
  pool: pg.Pool;
  catalog: FeatureCatalog;
  features: ResolvedFeature[];
  entityRows: EntityRows;
  /** Name feature columns `view__feature` (Feast's full_feature_names) instead of `feature`. */
  fullFeatureNames?: boolean;
  /** Schema for scratch tables; the connection's current schema by default. */
  scratchSchema?: string;
  /** Views queried at once (each takes one connection, two with the merge engine). */
  concurrency?: number;
  /**
   * `merge` (default): sorted streams out of Postgres merged in TypeScript, linear in rows and
   * events. `sql`: lateral joins inside Postgres, the definitions compiled to SQL; the rows never
   * leave the database until the answer, but each row costs an index scan per view.
   */
  engine?: 'merge' | 'sql';
}

/**
 * Point-in-time correct training data (Feast's get_historical_features): for every entity row,
 * each feature as it was at the row's event_timestamp and never later. Stored views are joined in
 * Postgres, several at once; on-demand features are computed from the joined values by the same
 * transformations the online path runs.
 */
export async function getHistoricalFeatures({
  pool,
  catalog,
  features,
  entityRows,
  fullFeatureNames = false,
  scratchSchema,
  concurrency = 3,
  engine = 'merge',
}: HistoricalFeaturesOptions): Promise<HistoricalDataset> {
  const rows = await createEntityRowsTable(pool, entityRows, scratchSchema);
  try {
    const { rowCount } = rows;
    const passThrough = rows.columns.map((column) => emptyColumn(column.name, column.dtype, rowCount));
    const byName = new Map(passThrough.map((column) => [column.name, column]));
    const stored = storedViewsFor(catalog, features);
    const onDemand = [...new Set(features.map((feature) => feature.view).filter((view): view is OnDemandViewInfo => view.kind === 'on_demand'))];
    checkRowColumns(features, onDemand, stored, byName);

    const viewColumns = new Map<string, DatasetColumn[]>();
    const readRows = async (): Promise<void> => {
      const client = await pool.connect();
      try {
        const select = rows.columns.map((column) => (column.name === EVENT_TIMESTAMP ? EVENT_MS : selectAs(column.name, column.dtype))).join(', ');
        const readRow = (line: CopyFields): void => {
          const row = line.number();
          for (let c = 0; c < passThrough.length; c++) readIntoColumn(line, passThrough[c]!, row);
        };
        for await (const batch of copyOutParsed(client, `SELECT row_id, ${select} FROM ${rows.table}`, readRow)) void batch;
      } finally {
        client.release();
      }
    };
    const readView = async (view: StoredViewInfo): Promise<void> => {
      const columns =
        engine === 'sql'
          ? await queryView(pool, view, rows.table, rowCount, scratchSchema)
          : view.kind === 'batch'
            ? await mergeBatchView(pool, view, rows)
            : await mergeStreamView(pool, view, rows, wantedFeatures(view, features, onDemand));
      viewColumns.set(view.name, columns);
    };
    // The merge engine holds two connections per view: never more at once than the pool has.
    const poolSize = (pool as pg.Pool & { options: { max?: number } }).options.max ?? 10;
    const limit = engine === 'merge' ? Math.max(1, Math.min(concurrency, Math.floor((poolSize - 1) / 2))) : concurrency;
    await runLimited([readRows, ...stored.map((view) => () => readView(view))], limit + 1);

    const timestamps = byName.get(EVENT_TIMESTAMP)!.values as Float64Array;
    const onDemandColumns = new Map(onDemand.map((view) => [view.name, computeOnDemand(view, rowCount, timestamps, byName, viewColumns)]));
    const featureColumns = features.map((feature): DatasetColumn => {
      const name = fullFeatureNames ? `${feature.view.name}__${feature.field.name}` : feature.field.name;
      const source =
        feature.view.kind === 'request'
          ? byName.get(feature.field.name)!
          : feature.view.kind === 'on_demand'
            ? onDemandColumns.get(feature.view.name)![feature.index]!
            : viewColumns.get(feature.view.name)![feature.index]!;
      return { ...source, name };
    });
    const featureNames = new Set(featureColumns.map((column) => column.name));
    return {
      rowCount,
      // A request feature is an entity-row column already; it is listed once, as a feature.
      columns: [...passThrough.filter((column) => !featureNames.has(column.name)), ...featureColumns],
      features: features.map((feature) => feature.ref),
      registryVersion: catalog.version,
    };
  } finally {
    await rows.drop();
  }
}

/** Which features of a view the retrieval needs: those requested and those on-demand views read. */
function wantedFeatures(view: StoredViewInfo, features: ResolvedFeature[], onDemand: OnDemandViewInfo[]): Set<number> {
  const inputs = new Set(onDemand.flatMap((odfv) => (odfv.definition.sources.includes(view.name) ? odfv.transformation.featureInputs : [])));
  const wanted = new Set<number>();
  view.features.forEach((field, index) => {
    if (inputs.has(field.name) || features.some((feature) => feature.view === view && feature.index === index)) wanted.add(index);
  });
  return wanted;
}

/** The stored views to query: those requested and those on-demand features read. */
function storedViewsFor(catalog: FeatureCatalog, features: ResolvedFeature[]): StoredViewInfo[] {
  const views = new Set<StoredViewInfo>();
  for (const { view } of features) {
    if (view.kind === 'batch' || view.kind === 'stream') views.add(view);
    if (view.kind === 'on_demand') {
      for (const source of view.definition.sources) {
        const info = catalog.view(source);
        if (info.kind === 'batch' || info.kind === 'stream') views.add(info);
      }
    }
  }
  return [...views];
}

function checkRowColumns(
  features: ResolvedFeature[],
  onDemand: OnDemandViewInfo[],
  stored: StoredViewInfo[],
  columns: Map<string, DatasetColumn>,
): void {
  const required = new Map<string, string>();
  for (const view of stored) required.set(view.entity.join_key, `view '${view.name}'`);
  for (const feature of features) if (feature.view.kind === 'request') required.set(feature.field.name, `feature '${feature.ref}'`);
  for (const view of onDemand) for (const field of view.transformation.requestInputs) required.set(field, `on-demand view '${view.name}'`);
  const missing = [...required].filter(([name]) => !columns.has(name));
  if (missing.length > 0) {
    throw new ServiceError('INVALID_ARGUMENT', `Entity rows lack ${missing.map(([name, by]) => `${name} (needed by ${by})`).join(', ')}`, {
      fields: missing.map(([name, by]) => ({ field: name, message: `is needed by ${by}` })),
    });
  }
}

async function queryView(pool: pg.Pool, view: StoredViewInfo, rowsTable: string, rowCount: number, scratchSchema?: string): Promise<DatasetColumn[]> {
  const columns = view.features.map((field) => emptyColumn(field.name, field.dtype, rowCount));
  const client = await pool.connect();
  let sourceTable: string | undefined;
  try {
    await client.query(`SET work_mem = '64MB'`);
    // A query source would be re-run for every entity row inside the lateral join: run it once.
    if (view.kind === 'batch' && view.source.query !== undefined) {
      sourceTable = `${scratchSchema ? `${scratchSchema}.` : ''}fs_source_${rowsTable.split('_').at(-1)}_${view.name}`;
      await client.query(`CREATE UNLOGGED TABLE ${sourceTable} AS SELECT * FROM ${sourceRelation(view)} q`);
      await client.query(`CREATE INDEX ON ${sourceTable} (${view.entity.join_key}, ${view.source.timestamp_field})`);
      await client.query(`ANALYZE ${sourceTable}`);
    }
    for await (const batch of copyOut(client, pointInTimeSql(view, rowsTable, sourceTable))) {
      for (const values of batch) {
        if (values[1] !== 't') continue;
        const row = Number(values[0]);
        for (let c = 0; c < columns.length; c++) setFromText(columns[c]!, row, values[c + 2] ?? null);
      }
    }
  } finally {
    if (sourceTable) await client.query(`DROP TABLE IF EXISTS ${sourceTable}`).catch(() => undefined);
    await client.query('RESET work_mem').catch(() => undefined);
    client.release();
  }
  return columns;
}

function computeOnDemand(
  view: OnDemandViewInfo,
  rowCount: number,
  timestamps: Float64Array,
  rowColumns: Map<string, DatasetColumn>,
  viewColumns: Map<string, DatasetColumn[]>,
): DatasetColumn[] {
  const outputs = view.features.map((field) => emptyColumn(field.name, field.dtype, rowCount));
  const inputs: { name: string; column: DatasetColumn }[] = view.transformation.requestInputs.map((name) => ({ name, column: rowColumns.get(name)! }));
  for (const source of view.definition.sources) {
    for (const column of viewColumns.get(source) ?? []) {
      if (view.transformation.featureInputs.includes(column.name)) inputs.push({ name: column.name, column });
    }
  }
  const values: Record<string, FeatureValue> = {};
  for (let row = 0; row < rowCount; row++) {
    for (const { name, column } of inputs) values[name] = valueAt(column, row);
    const computed = view.transformation.compute(values, timestamps[row]!);
    view.features.forEach((field, index) => setValue(outputs[index]!, row, computed[field.name]));
  }
  return outputs;
}

async function runLimited(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
}
