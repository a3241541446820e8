import type { S3Client } from '@aws-sdk/client-s3';
import type { DatasetManifest } from '@payments-mlops/contracts';
import {
  DAY_MS,
  exportDatasetSnapshot,
  getHistoricalFeatures,
  type DatasetColumn,
  type FeatureCatalog,
  type HistoricalDataset,
  type ResolvedFeature,
} from '@payments-mlops/feature-store';
import type pg from 'pg';
import type { ModelConfig } from '../pipelines/model-config.js';
import type { ColumnsByName, ModelPipeline, RowLabels, TrainingWindow } from '../pipelines/pipeline.js';

/** A job failure whose message says what is wrong with the request or the data. */
export class TrainingFailure extends Error {
  override readonly name = 'TrainingFailure';
}

export interface TrainingSet {
  window: TrainingWindow;
  dataset: HistoricalDataset;
  columns: ColumnsByName;
  timestamps: Float64Array;
  labels: RowLabels;
  manifest: DatasetManifest;
}

/** The cut-off when a job names none: the last payment the warehouse holds. */
export async function latestEventTime(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ latest: Date | null }>('SELECT max(occurred_at) AS latest FROM payment_events');
  const latest = rows[0]?.latest;
  if (!latest) throw new TrainingFailure('the warehouse has no payment events: the training window is empty');
  return latest.getTime() + 1;
}

/** The window of a run: `window.days` of rows ending `label.delay_days` before the cut-off. */
export function trainingWindow(config: ModelConfig, asOfMs: number): TrainingWindow {
  const endMs = asOfMs - config.label.delay_days * DAY_MS;
  return { startMs: endMs - config.window.days * DAY_MS, endMs, asOfMs };
}

export interface BuildTrainingSetOptions {
  pool: pg.Pool;
  catalog: FeatureCatalog;
  features: ResolvedFeature[];
  pipeline: ModelPipeline;
  config: ModelConfig;
  asOfMs: number;
  s3: S3Client;
  bucket: string;
  project: string;
  clock?: () => number;
}

/**
 * Point-in-time rows of the window from the feature store, in a deterministic order (time, then
 * the row key, since Postgres returns them in any order), labeled as of the cut-off, and stored
 * as a Parquet snapshot whose digest names exactly the data the model is trained on.
 */
export async function buildTrainingSet(options: BuildTrainingSetOptions): Promise<TrainingSet> {
  const { pool, catalog, features, pipeline, config, asOfMs } = options;
  const window = trainingWindow(config, asOfMs);
  const fetched = await getHistoricalFeatures({ pool, catalog, features, entityRows: { sql: pipeline.entityRowsSql(window, config) } });
  if (fetched.rowCount === 0) {
    throw new TrainingFailure(
      `the training window ${new Date(window.startMs).toISOString()} – ${new Date(window.endMs).toISOString()} has no ${config.task} rows`,
    );
  }
  let dataset = orderRows(fetched, pipeline.rowKey);
  if (config.window.max_rows !== undefined && dataset.rowCount > config.window.max_rows) {
    dataset = sliceRows(dataset, dataset.rowCount - config.window.max_rows, dataset.rowCount);
  }
  const columns: ColumnsByName = new Map(dataset.columns.map((column) => [column.name, column]));
  const timestamps = columns.get('event_timestamp')!.values as Float64Array;
  const labels = pipeline.labels(columns, window, config);
  // The snapshot holds the labels too: it is the training data, not only its features.
  const extra: DatasetColumn[] = [{ name: 'label', dtype: 'Float64', values: labels.target }];
  if (labels.weight) extra.push({ name: 'weight', dtype: 'Float64', values: labels.weight });
  const labeled: HistoricalDataset = { ...dataset, columns: [...dataset.columns, ...extra] };
  const manifest = await exportDatasetSnapshot({
    dataset: labeled,
    s3: options.s3,
    bucket: options.bucket,
    name: `${config.task}_training`,
    project: options.project,
    featureService: config.feature_service,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { window, dataset, columns, timestamps, labels, manifest };
}

/** Rows sorted by event_timestamp, then by `key`. */
export function orderRows(dataset: HistoricalDataset, key: string): HistoricalDataset {
  const byName = new Map(dataset.columns.map((column) => [column.name, column]));
  const times = byName.get('event_timestamp')?.values as Float64Array | undefined;
  const keys = byName.get(key)?.values as (string | null)[] | undefined;
  if (times === undefined || keys === undefined) throw new Error(`dataset lacks event_timestamp or ${key}`);
  const order = Int32Array.from({ length: dataset.rowCount }, (_, i) => i).sort((a, b) => {
    const dt = times[a]! - times[b]!;
    if (dt !== 0) return dt;
    const ka = keys[a] ?? '';
    const kb = keys[b] ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { ...dataset, columns: dataset.columns.map((column) => permute(column, order)) };
}

function permute(column: DatasetColumn, order: Int32Array): DatasetColumn {
  switch (column.dtype) {
    case 'String':
      return { ...column, values: Array.from(order, (row) => column.values[row]!) };
    case 'Array(String)':
      return { ...column, values: Array.from(order, (row) => column.values[row]!) };
    case 'Int64':
    case 'Float64':
    case 'Bool':
    case 'UnixTimestamp':
    case 'Timestamp':
      return { ...column, values: Float64Array.from(order, (row) => column.values[row]!) };
  }
}

function sliceRows(dataset: HistoricalDataset, start: number, end: number): HistoricalDataset {
  return {
    ...dataset,
    rowCount: end - start,
    columns: dataset.columns.map((column): DatasetColumn => {
      switch (column.dtype) {
        case 'String':
          return { ...column, values: column.values.slice(start, end) };
        case 'Array(String)':
          return { ...column, values: column.values.slice(start, end) };
        case 'Int64':
        case 'Float64':
        case 'Bool':
        case 'UnixTimestamp':
        case 'Timestamp':
          return { ...column, values: column.values.slice(start, end) };
      }
    }),
  };
}
