import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { PaymentEvent } from '@payments-mlops/contracts';
import type { Kafka } from 'kafkajs';

function payment(customers: number, sequence: number): PaymentEvent {
  const customer = Math.floor(Math.random() * customers);
  const failed = Math.random() < 0.15;
  const id = `pay_live_${sequence}`;
  return {
    event_id: randomUUID(), schema_version: 1, payment_id: id, original_payment_id: id, attempt_number: 1, payment_type: 'one_off',
    customer_id: `cus_${String(customer).padStart(7, '0')}`, merchant_id: `mer_${String(customer % 1500).padStart(5, '0')}`,
    card_id: `card_${String(customer).padStart(7, '0')}`, device_id: `dev_${customer * 3}`, subscription_id: null,
    amount_cents: 500 + Math.floor(Math.random() * 20_000), currency: 'USD', payment_method_type: 'card', card_brand: 'visa',
    card_bin: '424242', card_country: 'US', ip_country: 'US', billing_country: 'US', merchant_category_code: '5411', channel: 'web',
    is_guest_checkout: false, status: failed ? 'failed' : 'succeeded', decline_code: failed ? 'insufficient_funds' : null,
    decline_type: failed ? 'soft' : null, occurred_at: new Date().toISOString(),
  };
}

/** Publishes live payments at `rate` per second for `seconds`, in 10 ms slices, as a payment platform would. */
export async function publishPayments(
  kafka: Kafka,
  topic: string,
  { rate, seconds, customers, sequenceStart }: { rate: number; seconds: number; customers: number; sequenceStart: number },
): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  let sent = 0;
  try {
    const started = performance.now();
    const perSlice = rate / 100;
    for (let slice = 0; slice < seconds * 100; slice++) {
      const due = started + slice * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const count = Math.floor(perSlice * (slice + 1)) - Math.floor(perSlice * slice);
      const messages = Array.from({ length: count }, () => {
        const event = payment(customers, sequenceStart + sent++);
        return { key: event.customer_id, value: JSON.stringify(event) };
      });
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}

export interface Bucket {
  le: number;
  count: number;
}

/** The cumulative buckets of a Prometheus histogram, from the text exposition format. */
export function histogramBuckets(metrics: string, name: string): Bucket[] {
  return [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))].map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }));
}

/** Percentile bounds (ms) of the observations made between two readings of a histogram. */
export function percentilesBetween(before: Bucket[], after: Bucket[], quantiles: readonly number[]): number[] {
  const buckets = after.map((bucket, i) => ({ le: bucket.le, count: bucket.count - (before[i]?.count ?? 0) }));
  const total = buckets.at(-1)?.count ?? 0;
  return quantiles.map((q) => (buckets.find((bucket) => bucket.count >= q * total)?.le ?? Number.NaN) * 1000);
}

export function metricValue(metrics: string, name: string): number {
  return [...metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

/**
 * The floor under the stream figure: a consumer that applies nothing, in a process of its own,
 * timing each message from its producer timestamp to its arrival, at the same rate on a topic of
 * its own in the same run. What it measures is Kafka and kafkajs on this machine as it is now.
 */
export async function bareConsumerLatency(
  kafka: Kafka,
  topic: string,
  { rate, seconds, customers, brokers }: { rate: number; seconds: number; customers: number; brokers: string[] },
): Promise<{ count: number; p50: number; p99: number }> {
  const source = `
    const { Kafka, logLevel } = require('kafkajs');
    const kafka = new Kafka({ clientId: 'bench-bare-consumer', brokers: ${JSON.stringify(brokers)}, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'bench-bare-' + Date.now(), maxBytesPerPartition: 262144 });
    const latencies = [];
    // The IPC channel alone would keep this process alive: it exits once the parent has the latencies.
    process.on('message', async () => { await consumer.disconnect(); process.send({ latencies }, () => process.exit(0)); });
    (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: ${JSON.stringify(topic)}, fromBeginning: true });
      await consumer.run({ eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) latencies.push(now - Number(message.timestamp));
        process.send({ received: latencies.length });
      } });
    })();`;
  const child = spawn(process.execPath, ['-e', source], { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let received = 0;
  let latencies: number[] = [];
  child.on('message', (message: { received?: number; latencies?: number[] }) => {
    if (message.received !== undefined) received = message.received;
    if (message.latencies !== undefined) latencies = message.latencies;
  });
  const waitReceived = async (count: number) => {
    const started = performance.now();
    while (received < count) {
      if (performance.now() - started > 60_000) throw new Error(`the bare consumer received ${received} of ${count} messages within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const warmup = await publishPayments(kafka, topic, { rate: 500, seconds: 1, customers, sequenceStart: 0 });
    await waitReceived(warmup);
    const sent = await publishPayments(kafka, topic, { rate, seconds, customers, sequenceStart: warmup });
    await waitReceived(warmup + sent);
    child.send('stop');
    // Bounded: a child that does not exit is killed below, and the bench goes on.
    await Promise.race([once(child, 'exit').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    const timed = latencies.slice(warmup).sort((a, b) => a - b);
    const at = (q: number) => timed[Math.min(timed.length - 1, Math.floor(q * timed.length))] ?? Number.NaN;
    return { count: timed.length, p50: at(0.5), p99: at(0.99) };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
