import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DatasetManifest, type DatasetColumn as ManifestColumn } from '@payments-mlops/contracts';
import { parquetRead } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { DatasetColumn, HistoricalDataset } from './dataset.js';

export interface ExportSnapshotOptions {
  dataset: HistoricalDataset;
  s3: S3Client;
  bucket: string;
  /** What the dataset is for, e.g. `fraud_training`: part of the object key. */
  name: string;
  project: string;
  featureService?: string | null;
  keyPrefix?: string;
  clock?: () => number;
}

/**
 * Writes a training dataset to S3 as Parquet (snappy), named by the sha256 of its bytes, with a
 * manifest beside it. The bytes depend only on the rows, so the same data always has the same
 * digest: a model version that records the digest names exactly what it was trained on.
 */
export async function exportDatasetSnapshot({
  dataset,
  s3,
  bucket,
  name,
  project,
  featureService = null,
  keyPrefix = 'datasets',
  clock = Date.now,
}: ExportSnapshotOptions): Promise<DatasetManifest> {
  const bytes = Buffer.from(
    parquetWriteBuffer({
      columnData: dataset.columns.map(toParquetColumn),
      rowGroupSize: 100_000,
      // Min/max statistics serve query engines that skip row groups; a training set is read whole.
      statistics: false,
      createdBy: 'payments-mlops feature-store',
      kvMetadata: [
        { key: 'payments_mlops.project', value: project },
        { key: 'payments_mlops.registry_version', value: String(dataset.registryVersion) },
        { key: 'payments_mlops.features', value: JSON.stringify(dataset.features) },
      ],
    }),
  );
  const hex = createHash('sha256').update(bytes).digest('hex');
  const key = `${keyPrefix}/${name}/${hex}/data.parquet`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: 'application/vnd.apache.parquet' }));
  const manifest = DatasetManifest.parse({
    name,
    format: 'parquet',
    digest: `sha256:${hex}`,
    location: `s3://${bucket}/${key}`,
    bytes: bytes.length,
    rows: dataset.rowCount,
    columns: dataset.columns.map((column): ManifestColumn => ({ name: column.name, dtype: column.dtype })),
    project,
    registry_version: dataset.registryVersion,
    feature_service: featureService,
    features: dataset.features,
    created_at: new Date(clock()).toISOString(),
  });
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: `${keyPrefix}/${name}/${hex}/manifest.json`, Body: JSON.stringify(manifest, null, 2), ContentType: 'application/json' }),
  );
  return manifest;
}

/**
 * Parquet columns without boxing a million numbers: Float64 columns go as they are (NaN for
 * missing, which is how the trainer and pandas read a missing number anyway), integers that fit
 * 32 bits as INT32 (small integers are not heap objects in JS), wider ones as INT64.
 */
function toParquetColumn(column: DatasetColumn): ColumnSource {
  const { name } = column;
  switch (column.dtype) {
    case 'String':
      return { name, type: 'STRING', data: column.values };
    case 'Array(String)':
      return { name, type: 'STRING', data: column.values.map((value) => (value === null ? null : JSON.stringify(value))) };
    case 'Int64': {
      const values = column.values;
      const fits32 = values.every((value) => Number.isNaN(value) || (value >= -2_147_483_648 && value <= 2_147_483_647));
      return fits32
        ? { name, type: 'INT32', data: Array.from(values, (value) => (Number.isNaN(value) ? null : value)) }
        : { name, type: 'INT64', data: Array.from(values, (value) => (Number.isNaN(value) ? null : BigInt(value))) };
    }
    case 'Float64':
      // Measurements rarely repeat: a dictionary would be built only to be thrown away.
      return { name, type: 'DOUBLE', data: column.values, nullable: false, encoding: 'PLAIN' };
    case 'Bool':
      return { name, type: 'BOOLEAN', data: Array.from(column.values, (value) => (Number.isNaN(value) ? null : value === 1)) };
    case 'UnixTimestamp':
    case 'Timestamp':
      return { name, type: 'TIMESTAMP', data: Array.from(column.values, (value) => (Number.isNaN(value) ? null : value)) };
  }
}

/** A snapshot read back: its manifest and its columns by name, after checking the digest. */
export interface DatasetSnapshot {
  manifest: DatasetManifest;
  columns: Map<string, unknown[]>;
}

/** Downloads a snapshot by its manifest, refuses it if its bytes do not match the digest, and decodes it. */
export async function readDatasetSnapshot(s3: S3Client, manifest: DatasetManifest): Promise<DatasetSnapshot> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(manifest.location);
  if (match === null) throw new Error(`'${manifest.location}' is not an s3:// location`);
  const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== manifest.digest) throw new Error(`Snapshot ${manifest.location} has digest ${digest}, not the manifest's ${manifest.digest}`);
  const columns = new Map<string, unknown[]>(manifest.columns.map((column) => [column.name, new Array<unknown>(manifest.rows)]));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  await parquetRead({
    file,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const target = columns.get(columnName);
      if (target === undefined) return;
      for (let i = 0; i < columnData.length; i++) target[rowStart + i] = columnData[i];
    },
  });
  return { manifest, columns };
}
