import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { artifactStoreContract, interrupted } from './artifact-store.contract.js';
import { s3ArtifactStore } from './s3-artifact-store.js';

describe('S3 artifact store (MinIO)', () => {
  for (const [behaviour, check] of Object.entries(artifactStoreContract)) {
    test(behaviour, async ({ s3 }) => {
      await check(s3ArtifactStore(s3.client, { bucket: s3.bucket, prefix: 'root/artifacts' }));
    });
  }

  test('aborts the multipart upload of an interrupted artifact, so no parts are left in the bucket', async ({ s3 }) => {
    const store = s3ArtifactStore(s3.client, { bucket: s3.bucket, prefix: '' });
    await expect(store.put('model.onnx', interrupted(20), { maxBytes: 64 * 1024 * 1024 })).rejects.toThrow(/client went away/);
    const pending = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
    expect(pending.Uploads ?? []).toEqual([]);
  });
});
