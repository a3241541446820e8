/**
 * Where the local infrastructure listens. Defaults match `make infra-up` and `.env.example`; every
 * value can be overridden through the same environment variables the services read.
 */
export interface InfraSettings {
  /** The warehouse database (`payments`), where the per-test schemas are created. */
  warehouseDatabaseUrl: string;
  /** The model registry's database (`mlflow`). */
  registryDatabaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  s3: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
}

export function infraSettings(env: NodeJS.ProcessEnv = process.env): InfraSettings {
  return {
    warehouseDatabaseUrl: env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments',
    registryDatabaseUrl: env.REGISTRY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mlflow',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
    s3: {
      endpoint: env.S3_ENDPOINT_URL ?? 'http://127.0.0.1:9000',
      region: env.S3_REGION ?? 'us-east-1',
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'minioadmin',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'minioadmin',
    },
  };
}
