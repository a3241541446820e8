export { test, type KafkaFixture, type PgFixture, type RedisFixture, type S3Fixture } from './fixtures.js';
export { infraSettings, type InfraSettings } from './settings.js';
export { uniqueName } from './unique-name.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
export { findUnavailableServices, type UnavailableService } from './service-health.js';
export {
  FAST_CONSUMER_CONFIG,
  createKafka,
  createTopic,
  deleteTopic,
  readTopic,
  type ReadTopicOptions,
  type ReceivedMessage,
} from './kafka.js';
export { createPgPool, createSchema, dropSchema, schemaConnectionString } from './postgres.js';
export { createRedisClient } from './redis.js';
export { createBucket, createS3Client, deleteBucket } from './s3.js';
export {
  REPO_ROOT,
  freePort,
  runScript,
  startRegistryServer,
  startServiceProcess,
  type RegistryServerOptions,
  type RegistryServerProcess,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './service-process.js';
