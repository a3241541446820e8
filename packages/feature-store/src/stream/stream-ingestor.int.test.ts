import { PaymentEvent, type DeadLetter } from '@payments-mlops/contracts';
import { FAST_CONSUMER_CONFIG, createTopic, deleteTopic, readTopic, test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, onTestFinished } from 'vitest';
import type { StreamViewInfo } from '../definitions/catalog.js';
import { DAY_MS } from '../definitions/duration.js';
import { valueAt } from '../offline/dataset.js';
import { getHistoricalFeatures } from '../offline/point-in-time.js';
import { planOnlineRead, readOnlineFeatures } from '../online/online-features.js';
import { RedisOnlineStore } from '../online/online-store.js';
import { createWarehouse, insertPaymentEvents } from '../testing/payment-events.js';
import { projectCatalog } from '../testing/project-catalog.js';
import { randomPayments, seededRandom } from '../testing/random-payments.js';
import { StreamIngestor } from './stream-ingestor.js';

const catalog = await projectCatalog();
const streamViews = [catalog.view('customer_activity'), catalog.view('card_activity')] as StreamViewInfo[];
const plans = streamViews.map((view) => view.plan);

async function publish(kafka: Kafka, topic: string, values: (string | null)[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let start = 0; start < values.length; start += 200) {
      await producer.send({ topic, messages: values.slice(start, start + 200).map((value) => ({ value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

function consumedMessages(registry: Registry): Promise<number> {
  return registry.getSingleMetric('feature_store_stream_messages_total')!.get().then((metric) => metric.values.reduce((total, v) => total + v.value, 0));
}

describe('StreamIngestor', () => {
  test('gives the same window aggregates online as the offline SQL for the same payments (parity)', async ({ pg, redis, kafka }) => {
    await createWarehouse(pg.pool);
    const now = Date.now();
    const payments = randomPayments({ count: 600, nowMs: now, spanMs: 3 * DAY_MS, customers: 12, cards: 10, seed: 7 });
    await insertPaymentEvents(pg.pool, payments);
    // The stream sees them out of order, some twice, with malformed messages among them.
    const random = seededRandom(11);
    const delivered = [...payments, ...payments.filter(() => random() < 0.1)].sort(() => random() - 0.5).map((p) => JSON.stringify(p));
    // A payment dated a day ahead (a producer with a wrong clock) is refused, so it counts nowhere.
    const firstAttempt = payments.find((p) => p.attempt_number === 1)!;
    const future = { ...firstAttempt, payment_id: 'pay_future', original_payment_id: 'pay_future', occurred_at: new Date(now + DAY_MS).toISOString() };
    delivered.splice(50, 0, '{not json', JSON.stringify({ ...payments[0], amount_cents: -5 }), JSON.stringify({ ...payments[1], occurred_at: 'yesterday' }), JSON.stringify(future));
    const deadLetterTopic = uniqueName('dlq', '-');
    const admin = kafka.kafka.admin();
    await admin.connect();
    await createTopic(admin, deadLetterTopic);
    onTestFinished(async () => {
      await deleteTopic(admin, deadLetterTopic);
      await admin.disconnect();
    });
    await publish(kafka.kafka, kafka.topic, delivered);

    const registry = new Registry();
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const ingestor = new StreamIngestor({
      kafka: kafka.kafka, store, plans: () => plans, topic: kafka.topic, groupId: uniqueName('group', '-'), deadLetterTopic,
      contract: PaymentEvent, consumerConfig: FAST_CONSUMER_CONFIG, metrics: { registry, prefix: 'feature_store_' },
    });
    await ingestor.start();
    try {
      await waitFor(async () => (await consumedMessages(registry)) === delivered.length, { timeoutMs: 20_000, description: 'every message consumed' });
    } finally {
      await ingestor.stop();
    }

    const deadLetters = (await readTopic(kafka.kafka, deadLetterTopic, { count: 4 })).map((m) => JSON.parse(m.value!.toString()) as DeadLetter);
    expect(deadLetters.map((letter) => letter.reason)).toEqual([
      expect.stringContaining('not valid JSON'),
      expect.stringContaining('amount_cents'),
      expect.stringContaining('occurred_at'),
      expect.stringMatching(/^occurred_at \S+ is 86\d{3} s ahead of the consumer's clock \(at most 300 s accepted\)$/),
    ]);

    const customers = [...new Set(payments.map((p) => p.customer_id))].concat('cus_never_seen');
    const cards = customers.map((_, i) => `card_${i % 11}`); // card_10 was never used
    const features = streamViews.flatMap((view) => view.features.map((field) => `${view.name}:${field.name}`));
    const resolved = catalog.resolveFeatures(features);
    const readAt = Date.now();
    const online = await readOnlineFeatures(store, planOnlineRead(catalog, resolved), { entities: { customer_id: customers, card_id: cards } }, readAt);
    // Both offline engines: the SQL the definitions compile to, and the sorted merge.
    for (const engine of ['sql', 'merge'] as const) {
      const offline = await getHistoricalFeatures({
        engine, pool: pg.pool, catalog, features: resolved,
        entityRows: { columns: { customer_id: customers, card_id: cards }, timestamps: customers.map(() => readAt) },
      });
      resolved.forEach((feature, f) => {
        const offlineColumn = offline.columns.find((c) => c.name === feature.field.name)!;
        customers.forEach((customer, row) => {
          const context = `${feature.ref} for ${customer} / ${cards[row]} (${engine})`;
          expect(online.values[f]![row], context).toEqual(valueAt(offlineColumn, row));
        });
      });
    }
    // The comparison is not vacuous: most values are present and some windows are non-trivial.
    expect(online.statuses[0]!.filter((s) => s === 'PRESENT').length).toBe(12);
    expect(online.statuses[0]!.at(-1)).toBe('NOT_FOUND');
  });

  test('counts exactly once across a crash between the Redis writes and the offset commit, and a restart', async ({ redis, kafka }) => {
    const now = Date.now();
    const payments = randomPayments({ count: 300, nowMs: now, spanMs: 2 * DAY_MS, customers: 5, cards: 5, seed: 3 });
    await publish(kafka.kafka, kafka.topic, payments.map((p) => JSON.stringify(p)));
    const store = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const groupId = uniqueName('group', '-');
    const consumerConfig = { ...FAST_CONSUMER_CONFIG, maxBytesPerPartition: 16_384 };

    // Every write goes through this wrapper; the first consumer dies right after its third write:
    // the writes landed, the offset commit never happened.
    let writes = 0;
    let redelivered = 0;
    let crashed = false;
    const counting = (crashAfter?: number) => ({
      async applyEvents(...args: Parameters<RedisOnlineStore['applyEvents']>) {
        const result = await store.applyEvents(...args);
        redelivered += result.duplicates;
        if (++writes === crashAfter) {
          crashed = true;
          throw new Error('simulated crash after the writes, before the commit');
        }
        return result;
      },
    });
    // Like a killed process, it neither retries nor restarts: the next consumer of the group takes over.
    const dies = { ...consumerConfig, retry: { retries: 0, restartOnFailure: () => Promise.resolve(false) } };
    // Its own client, silent: the crash it is made to have would otherwise be logged as an error.
    const quiet = new Kafka({ clientId: 'crashing-consumer', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const first = new StreamIngestor({ kafka: quiet, store: counting(3), plans: () => plans, topic: kafka.topic, groupId, consumerConfig: dies, chunkSize: 25 });
    await first.start();
    await waitFor(() => crashed, { timeoutMs: 15_000, description: 'the simulated crash' });
    await first.stop();

    const registry = new Registry();
    const second = new StreamIngestor({
      kafka: kafka.kafka, store: counting(), plans: () => plans, topic: kafka.topic, groupId, consumerConfig, chunkSize: 25,
      metrics: { registry, prefix: 'feature_store_' },
    });
    await second.start();
    try {
      // The restarted consumer resumes from the last commit, so it sees the crashed batch again.
      await waitFor(async () => {
        const lag = await registry.getSingleMetric('feature_store_stream_consumer_lag_messages')!.get();
        return lag.values.length > 0 && lag.values.every((v) => v.value === 0);
      }, { timeoutMs: 20_000, description: 'the restarted consumer to catch up' });
    } finally {
      await second.stop();
    }
    expect(redelivered).toBeGreaterThan(0);

    const plan = planOnlineRead(catalog, catalog.resolveFeatures(['customer_activity:customer_payments_7d', 'customer_activity:customer_declines_7d']));
    const customers = [...new Set(payments.map((p) => p.customer_id))].sort();
    const online = await readOnlineFeatures(store, plan, { entities: { customer_id: customers } }, Date.now());
    expect(online.values[0]).toEqual(customers.map((c) => payments.filter((p) => p.customer_id === c).length));
    expect(online.values[1]).toEqual(customers.map((c) => payments.filter((p) => p.customer_id === c && p.status === 'failed').length));
  });
});
