import { describe, expect, it } from 'vitest';
import { infraSettings } from './settings.js';

describe('infraSettings', () => {
  it('defaults to the services of make infra-up', () => {
    expect(infraSettings({})).toEqual({
      warehouseDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/payments',
      registryDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/mlflow',
      redisUrl: 'redis://127.0.0.1:6379/0',
      kafkaBrokers: ['127.0.0.1:9092'],
      s3: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' },
    });
  });

  it('reads a comma-separated broker list from KAFKA_BROKERS', () => {
    expect(infraSettings({ KAFKA_BROKERS: 'a:9092, b:9092,' }).kafkaBrokers).toEqual(['a:9092', 'b:9092']);
  });
});
