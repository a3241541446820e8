import { TOPICS } from '@payments-mlops/contracts';
import { BaseServiceConfig, envBoolean, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

/** feature-server's environment; every variable has a local default. */
export const FeatureServerConfig = BaseServiceConfig.extend({
  PORT: envInteger({ min: 0, max: 65535 }).default(6566),
  /**
   * HTTP worker processes (node:cluster) sharing the port; 1 serves from this process. One worker
   * also runs stream ingestion and scheduled materialization; /metrics answers for the worker
   * that takes the scrape.
   */
  FEATURE_SERVER_WORKERS: envInteger({ min: 1, max: 64 }).default(1),
  WAREHOUSE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/payments'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((brokers) => brokers.split(',').map((broker) => broker.trim()).filter(Boolean)),
  /** The feature repository project whose registry versions this server serves. */
  FEATURE_PROJECT: z.string().default('payments_mlops'),
  /** Where `apply` stores the registry (feature_store.yaml's registry.schema). */
  FEATURE_REGISTRY_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a schema name').default('feature_store'),
  REGISTRY_REFRESH_MS: envInteger({ min: 100 }).default(2_000),
  /** A feature read fails (503) rather than wait longer than this for Redis. */
  REDIS_COMMAND_TIMEOUT_MS: envInteger({ min: 1 }).default(1_000),
  /**
   * Memory for entity view states kept in each serving process and answered without a Redis round
   * trip until Redis reports them changed (server-assisted client-side caching, one Redis node
   * only), in MiB. Off (0) by default: a write is then seen by the very next read from any
   * worker, as Feast's clients expect; with the cache, a read in another worker may lag a write by
   * the invalidation's way (well under a millisecond on one host).
   */
  ONLINE_CACHE_MB: envInteger({ min: 0, max: 65_536 }).default(0),
  /** Consume payments.normalized into the window aggregates. */
  STREAM_ENABLED: envBoolean.default(true),
  STREAM_TOPIC: z.string().default(TOPICS.paymentsNormalized),
  STREAM_GROUP_ID: z.string().default('feature-server-stream'),
  /** How long the group waits for a silent (crashed) consumer before giving its partitions to another. */
  STREAM_SESSION_TIMEOUT_MS: envInteger({ min: 6_000 }).default(30_000),
  /** Applied offsets are committed at most this often (a crash re-reads at most this much, deduped). */
  STREAM_COMMIT_INTERVAL_MS: envInteger({ min: 1 }).default(500),
  /**
   * The most one fetch takes from a partition: it bounds how long one batch takes to apply, so a
   * consumer that fell behind catches up in short steps rather than one long batch.
   */
  STREAM_MAX_BYTES_PER_PARTITION: envInteger({ min: 1024 }).default(262_144),
  /** Events dated further than this ahead of the server's clock go to the dead-letter topic. */
  STREAM_MAX_EVENT_TIME_SKEW_MS: envInteger({ min: 0 }).default(300_000),
  /** Run materialize-incremental on feature_store.yaml's interval. */
  MATERIALIZE_SCHEDULE_ENABLED: envBoolean.default(true),
});
export type FeatureServerConfig = z.infer<typeof FeatureServerConfig>;
