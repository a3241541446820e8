import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect } from 'vitest';
import { test } from './fixtures.js';

describe('s3 fixture (MinIO)', () => {
  test('objects put in the bucket are read back and listed by prefix', async ({ s3 }) => {
    const model = new Uint8Array([0x08, 0x07, 0x12, 0x04]);
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'models/fraud/1/model.onnx', Body: model }),
    );
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'models/fraud/1/meta.json', Body: '{"auc":0.93}' }),
    );
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'models/churn/1/model.onnx', Body: 'x' }));

    const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'models/fraud/1/model.onnx' }));
    expect(await got.Body!.transformToByteArray()).toEqual(model);

    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'models/fraud/' }));
    expect(listed.Contents?.map((object) => [object.Key, object.Size])).toEqual([
      ['models/fraud/1/meta.json', 12],
      ['models/fraud/1/model.onnx', 4],
    ]);
  });
});
