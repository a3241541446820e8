import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { emptyColumn, setValue, type HistoricalDataset } from './dataset.js';
import { exportDatasetSnapshot, readDatasetSnapshot } from './snapshot.js';

function dataset(): HistoricalDataset {
  const rows = 3;
  const customer = emptyColumn('customer_id', 'String', rows);
  const timestamp = emptyColumn('event_timestamp', 'Timestamp', rows);
  const count = emptyColumn('customer_payments_1h', 'Int64', rows);
  const rate = emptyColumn('customer_failure_rate_30d', 'Float64', rows);
  const fresh = emptyColumn('is_new_device', 'Bool', rows);
  const devices = emptyColumn('customer_devices_90d', 'Array(String)', rows);
  ['cus_1', 'cus_2', null].forEach((value, row) => setValue(customer, row, value));
  [1_770_000_000_000, 1_770_000_001_000, 1_770_000_002_000].forEach((value, row) => setValue(timestamp, row, value));
  [3, null, 0].forEach((value, row) => setValue(count, row, value));
  [0.25, null, 1 / 3].forEach((value, row) => setValue(rate, row, value));
  [true, false, null].forEach((value, row) => setValue(fresh, row, value));
  [['dev_a', 'dev_b'], [], null].forEach((value, row) => setValue(devices, row, value));
  return { rowCount: rows, columns: [customer, timestamp, count, rate, fresh, devices], features: ['customer_activity:customer_payments_1h'], registryVersion: 4 };
}

describe('exportDatasetSnapshot', () => {
  test('stores Parquet named by the sha256 of its bytes, the same for the same rows, and reads it back', async ({ s3 }) => {
    const first = await exportDatasetSnapshot({ dataset: dataset(), s3: s3.client, bucket: s3.bucket, name: 'fraud_training', project: 'payments_mlops', featureService: 'fraud' });
    const second = await exportDatasetSnapshot({ dataset: dataset(), s3: s3.client, bucket: s3.bucket, name: 'fraud_training', project: 'payments_mlops', featureService: 'fraud' });
    expect(second.digest).toBe(first.digest);
    expect(first).toMatchObject({ format: 'parquet', rows: 3, registry_version: 4, feature_service: 'fraud', location: `s3://${s3.bucket}/datasets/fraud_training/${first.digest.slice(7)}/data.parquet` });

    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `datasets/fraud_training/${first.digest.slice(7)}/data.parquet` }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(first.digest);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');

    const { columns } = await readDatasetSnapshot(s3.client, first);
    expect(columns.get('customer_id')).toEqual(['cus_1', 'cus_2', null]);
    expect(columns.get('customer_payments_1h')).toEqual([3, null, 0]);
    // Missing numbers are NaN, as the trainer and pandas read them.
    expect(columns.get('customer_failure_rate_30d')).toEqual([0.25, Number.NaN, 1 / 3]);
    expect(columns.get('is_new_device')).toEqual([true, false, null]);
    expect(columns.get('customer_devices_90d')).toEqual(['["dev_a","dev_b"]', '[]', null]);
    expect((columns.get('event_timestamp') as Date[]).map((d) => d.getTime())).toEqual([1_770_000_000_000, 1_770_000_001_000, 1_770_000_002_000]);
  });

  test('refuses a snapshot whose bytes do not match its manifest', async ({ s3 }) => {
    const manifest = await exportDatasetSnapshot({ dataset: dataset(), s3: s3.client, bucket: s3.bucket, name: 'fraud_training', project: 'payments_mlops' });
    await expect(readDatasetSnapshot(s3.client, { ...manifest, digest: `sha256:${'0'.repeat(64)}` })).rejects.toThrow('not the manifest');
  });
});
