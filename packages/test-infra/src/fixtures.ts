import type { S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { test as baseTest } from 'vitest';
import { createKafka, createTopic, deleteTopic } from './kafka.js';
import { createPgPool, createSchema, dropSchema, endPool, schemaConnectionString } from './postgres.js';
import { closeRedisClient, createRedisClient, deleteKeysWithPrefix } from './redis.js';
import { createBucket, createS3Client, deleteBucket } from './s3.js';
import { infraSettings } from './settings.js';
import { uniqueName } from './unique-name.js';

export interface RedisFixture {
  /** A connection of this test's own: code under test may close it. */
  client: Redis;
  /** Prefix every key with this (it ends with ':'); keys under it are deleted after the test. */
  prefix: string;
  url: string;
}

export interface PgFixture {
  /** Every connection has `search_path` set to `schema`, so unqualified tables land there. */
  pool: pg.Pool;
  /** A fresh schema in the `payments` database, dropped with everything in it after the test. */
  schema: string;
  /** Connects with the same `search_path`, for code that opens its own pool. */
  connectionString: string;
}

export interface KafkaFixture {
  /** Shared by the worker; disconnect the producers and consumers you create from it. */
  kafka: Kafka;
  brokers: string[];
  /** A fresh single-partition topic, deleted after the test. */
  topic: string;
}

export interface S3Fixture {
  /** A client of this test's own, path-style, with the MinIO credentials. */
  client: S3Client;
  /** A fresh empty bucket, emptied and removed after the test. */
  bucket: string;
  endpoint: string;
}

/**
 * `test` with fixtures over the real local services (`make infra-up`). Each fixture is set up only when a
 * test names it, and isolates that test: a Redis key prefix, a Postgres schema, a Kafka topic, an S3
 * bucket. Connections used for set-up and clean-up are shared by the tests of a worker (the `*Admin`
 * and `kafkaCluster` fixtures, also available to tests that need to look outside their sandbox).
 */
export const test = baseTest
  .extend('infra', { scope: 'worker' }, () => infraSettings())
  .extend('redisAdmin', { scope: 'worker' }, ({ infra }, { onCleanup }) => {
    const client = createRedisClient(infra.redisUrl);
    onCleanup(() => closeRedisClient(client));
    return client;
  })
  .extend('pgAdmin', { scope: 'worker' }, ({ infra }, { onCleanup }) => {
    const pool = createPgPool(infra.warehouseDatabaseUrl, 2);
    onCleanup(() => endPool(pool));
    return pool;
  })
  .extend('kafkaCluster', { scope: 'worker' }, async ({ infra }, { onCleanup }) => {
    const kafka = createKafka(infra.kafkaBrokers);
    const admin = kafka.admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    return { kafka, admin };
  })
  .extend('s3Admin', { scope: 'worker' }, ({ infra }, { onCleanup }) => {
    const client = createS3Client(infra.s3);
    onCleanup(() => client.destroy());
    return client;
  })
  .extend('redis', ({ infra, redisAdmin }, { onCleanup }): RedisFixture => {
    const prefix = `${uniqueName('test')}:`;
    const client = createRedisClient(infra.redisUrl);
    onCleanup(async () => {
      await closeRedisClient(client);
      await deleteKeysWithPrefix(redisAdmin, prefix);
    });
    return { client, prefix, url: infra.redisUrl };
  })
  .extend('pg', async ({ infra, pgAdmin }, { onCleanup }): Promise<PgFixture> => {
    const schema = uniqueName('test');
    await createSchema(pgAdmin, schema);
    const connectionString = schemaConnectionString(infra.warehouseDatabaseUrl, schema);
    const pool = createPgPool(connectionString);
    onCleanup(async () => {
      await endPool(pool);
      await dropSchema(pgAdmin, schema);
    });
    return { pool, schema, connectionString };
  })
  .extend('kafka', async ({ infra, kafkaCluster }, { onCleanup }): Promise<KafkaFixture> => {
    const topic = uniqueName('test', '-');
    await createTopic(kafkaCluster.admin, topic);
    onCleanup(() => deleteTopic(kafkaCluster.admin, topic));
    return { kafka: kafkaCluster.kafka, brokers: infra.kafkaBrokers, topic };
  })
  .extend('s3', async ({ infra, s3Admin }, { onCleanup }): Promise<S3Fixture> => {
    const bucket = uniqueName('test', '-');
    await createBucket(s3Admin, bucket);
    const client = createS3Client(infra.s3);
    onCleanup(async () => {
      client.destroy();
      await deleteBucket(s3Admin, bucket);
    });
    return { client, bucket, endpoint: infra.s3.endpoint };
  });
