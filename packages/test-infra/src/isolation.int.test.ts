import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect } from 'vitest';
import { test, type KafkaFixture, type PgFixture, type RedisFixture, type S3Fixture } from './fixtures.js';
import { readTopic } from './kafka.js';

interface Sandbox {
  redis: RedisFixture;
  pg: PgFixture;
  kafka: KafkaFixture;
  s3: S3Fixture;
}

const sandboxes: Sandbox[] = [];

// Both concurrent tests write before either reads, so each read would see the other's data if the
// sandboxes overlapped.
let arrive: () => void = () => undefined;
const bothWritten = new Promise<void>((resolve) => {
  let waiting = 2;
  arrive = () => {
    waiting -= 1;
    if (waiting === 0) resolve();
  };
});

async function writeThenRead(owner: string, sandbox: Sandbox): Promise<void> {
  const { redis, pg, kafka, s3 } = sandbox;
  sandboxes.push(sandbox);
  await redis.client.set(`${redis.prefix}owner`, owner);
  await pg.pool.query('CREATE TABLE owner (name text)');
  await pg.pool.query('INSERT INTO owner VALUES ($1)', [owner]);
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'owner', Body: owner }));
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic: kafka.topic, messages: [{ value: owner }] });
  await producer.disconnect();
  arrive();
  await bothWritten;

  expect(await redis.client.get(`${redis.prefix}owner`)).toBe(owner);
  expect((await pg.pool.query('SELECT name FROM owner')).rows).toEqual([{ name: owner }]);
  const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'owner' }));
  expect(await object.Body!.transformToString()).toBe(owner);
  const messages = await readTopic(kafka.kafka, kafka.topic, { count: 1 });
  expect(messages.map((m) => m.value?.toString())).toEqual([owner]);
}

describe('isolation between tests', () => {
  test.concurrent('test A sees only its own key, table, object and message', async ({ redis, pg, kafka, s3 }) => {
    await writeThenRead('A', { redis, pg, kafka, s3 });
  });

  test.concurrent('test B sees only its own key, table, object and message', async ({ redis, pg, kafka, s3 }) => {
    await writeThenRead('B', { redis, pg, kafka, s3 });
  });

  test('the finished tests left no keys, schemas, topics or buckets behind', async ({
    redisAdmin,
    pgAdmin,
    kafkaCluster,
    s3Admin,
  }) => {
    expect(sandboxes).toHaveLength(2);
    for (const { redis, pg, kafka, s3 } of sandboxes) {
      expect(await redisAdmin.keys(`${redis.prefix}*`)).toEqual([]);
      const schemas = await pgAdmin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [pg.schema]);
      expect(schemas.rowCount).toBe(0);
      expect(await kafkaCluster.admin.listTopics()).not.toContain(kafka.topic);
      await expect(s3Admin.send(new HeadBucketCommand({ Bucket: s3.bucket }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    }
  });
});
