import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { PaymentEvent } from '@payments-mlops/contracts';
import { FeatureCatalog, PostgresRegistryStore, RedisOnlineStore, applyFeatureRepo, planOnlineRead, readOnlineFeatures } from '@payments-mlops/feature-store';
import { test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { describe, expect, onTestFinished } from 'vitest';
import { FEATURE_REPO } from './testing/test-app.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

function payment(sequence: number): PaymentEvent {
  const id = `pay_restart_${sequence}`;
  const failed = sequence % 5 === 0;
  return {
    event_id: randomUUID(), schema_version: 1, payment_id: id, original_payment_id: id, attempt_number: 1, payment_type: 'one_off',
    customer_id: `cus_${sequence % 7}`, merchant_id: 'mer_1', card_id: `card_${sequence % 7}`, device_id: 'dev_1', subscription_id: null,
    amount_cents: 1000 + sequence, currency: 'USD', payment_method_type: 'card', card_brand: 'visa', card_bin: '424242', card_country: 'US',
    ip_country: 'US', billing_country: 'US', merchant_category_code: '5411', channel: 'web', is_guest_checkout: false,
    status: failed ? 'failed' : 'succeeded', decline_code: failed ? 'insufficient_funds' : null, decline_type: failed ? 'soft' : null,
    occurred_at: new Date(Date.now() - 60_000 - sequence * 1000).toISOString(),
  };
}

describe('feature-server stream ingestion', () => {
  test('killed (SIGKILL) while consuming and started again: every payment counted exactly once', async ({ pg, redis, kafka }) => {
    await migrateWarehouse(pg.pool);
    // The project's definitions, pointed at this test's topic and key prefix.
    const directory = await mkdtemp(path.join(tmpdir(), 'feature-repo-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    await cp(FEATURE_REPO, directory, { recursive: true });
    const edit = async (file: string, from: string, to: string) => writeFile(path.join(directory, file), (await readFile(path.join(directory, file), 'utf8')).replace(from, to));
    await edit('feature_store.yaml', 'key_prefix: "fs:"', `key_prefix: "${redis.prefix}"`);
    await edit('data_sources.yaml', 'topic: payments.normalized', `topic: ${kafka.topic}`);
    await applyFeatureRepo({ directory, pool: pg.pool, appliedBy: 'test', registrySchema: pg.schema });

    const payments = Array.from({ length: 3000 }, (_, i) => payment(i));
    const producer = kafka.kafka.producer();
    await producer.connect();
    for (let i = 0; i < payments.length; i += 500) {
      await producer.send({ topic: kafka.topic, messages: payments.slice(i, i + 500).map((p) => ({ key: p.customer_id, value: JSON.stringify(p) })) });
    }
    await producer.disconnect();

    const groupId = uniqueName('restart', '-');
    const start = async (): Promise<{ child: ChildProcess; url: string }> => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
        env: {
          ...process.env, PORT: String(port), LOG_LEVEL: 'error', WAREHOUSE_DATABASE_URL: pg.connectionString, REDIS_URL: redis.url,
          KAFKA_BROKERS: kafka.brokers.join(','), FEATURE_REGISTRY_SCHEMA: pg.schema, STREAM_TOPIC: kafka.topic, STREAM_GROUP_ID: groupId,
          MATERIALIZE_SCHEDULE_ENABLED: 'false', STREAM_SESSION_TIMEOUT_MS: '6000',
        },
        stdio: 'ignore',
      });
      onTestFinished(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      return { child, url: `http://127.0.0.1:${port}` };
    };
    const applied = async (url: string) => {
      const metrics = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
      return [...metrics.matchAll(/^feature_server_stream_messages_total\{outcome="applied"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };

    const first = await start();
    await waitFor(async () => (await applied(first.url)) >= 500, { timeoutMs: 30_000, intervalMs: 20, description: 'the first process to apply some payments' });
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await start();
    await waitFor(
      async () => {
        const metrics = await fetch(`${second.url}/metrics`).then((r) => r.text(), () => '');
        return /^feature_server_stream_consumer_lag_messages\{partition="0"\} 0$/m.test(metrics);
      },
      { timeoutMs: 45_000, intervalMs: 100, description: 'the restarted process to catch up' },
    );
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    const stored = (await new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema }).getVersion('payments_mlops'))!;
    const catalog = new FeatureCatalog(stored.repo, stored.version);
    const plan = planOnlineRead(catalog, catalog.resolveFeatures(['customer_activity:customer_payments_7d', 'customer_activity:customer_declines_7d', 'card_activity:card_payments_7d']));
    const customers = Array.from({ length: 7 }, (_, i) => `cus_${i}`);
    const online = await readOnlineFeatures(new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix }), plan, {
      entities: { customer_id: customers, card_id: customers.map((c) => c.replace('cus_', 'card_')) },
    }, Date.now());
    expect(online.values[0]).toEqual(customers.map((c) => payments.filter((p) => p.customer_id === c).length));
    expect(online.values[1]).toEqual(customers.map((c) => payments.filter((p) => p.customer_id === c && p.status === 'failed').length));
    expect(online.values[2]).toEqual(customers.map((c) => payments.filter((p) => p.customer_id === c).length));
  });
});
