import { describe, expect, it } from 'vitest';
import { findUnavailableServices } from './service-health.js';
import { infraSettings } from './settings.js';

describe('findUnavailableServices', () => {
  it('finds every local service answering', async () => {
    expect(await findUnavailableServices(infraSettings())).toEqual([]);
  });

  it('names each service that does not answer, with its address and the reason', async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    const nowhere = infraSettings({
      REDIS_URL: 'redis://127.0.0.1:1/0',
      WAREHOUSE_DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/payments',
      REGISTRY_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/mlflow',
      KAFKA_BROKERS: '127.0.0.1:1',
      S3_ENDPOINT_URL: 'http://127.0.0.1:1',
    });

    const unavailable = await findUnavailableServices(nowhere, 3000);

    expect(unavailable.map(({ service, address }) => [service, address])).toEqual([
      ['redis', 'redis://127.0.0.1:1/0'],
      ['postgres', 'postgres://postgres:***@127.0.0.1:1/payments'],
      ['postgres', 'postgres://postgres@127.0.0.1:1/mlflow'],
      ['kafka', '127.0.0.1:1'],
      ['minio', 'http://127.0.0.1:1'],
    ]);
    for (const { reason } of unavailable) expect(reason).not.toBe('');
  });
});
