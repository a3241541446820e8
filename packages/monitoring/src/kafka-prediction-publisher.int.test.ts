import { PredictionLogRecord } from '@payments-mlops/contracts';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readTopic, test } from '@payments-mlops/test-infra';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import { KafkaPredictionPublisher } from './kafka-prediction-publisher.js';
import { examplePrediction } from './prediction-fixtures.js';

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{
    value: number;
    labels: Record<string, unknown>;
  }>;
  const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value ?? 0;
}

describe('KafkaPredictionPublisher', () => {
  test('publishes every recorded prediction to the topic as PredictionLogRecord JSON, in order', async ({
    kafka,
  }) => {
    const registry = new Registry();
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry,
      maxBatch: 100,
    });
    await publisher.start();
    try {
      for (let i = 0; i < 1_050; i++)
        publisher.record(examplePrediction({ request_id: `req-${i}` }));
      const messages = await readTopic(kafka.kafka, kafka.topic, { count: 1_050 });
      const records = messages.map((m) =>
        PredictionLogRecord.parse(JSON.parse(m.value!.toString())),
      );
      expect(records.map((r) => r.request_id)).toEqual(
        Array.from({ length: 1_050 }, (_, i) => `req-${i}`),
      );
      expect(messages[0]!.key!.toString()).toBe('req-0');
      expect(await metricValue(registry, 'ml_serving_prediction_log_published_total')).toBe(1_050);
    } finally {
      await publisher.close();
    }
  });

  test('holds predictions while not connected, drops beyond the bound while Kafka is not reached, counting the drops', async ({
    kafka,
  }) => {
    const registry = new Registry();
    // Not started: nothing leaves the buffer, as when the broker is away.
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry,
      maxBuffered: 100,
    });
    for (let i = 0; i < 10_000; i++)
      publisher.record(examplePrediction({ request_id: `req-${i}` }));
    expect(
      await metricValue(registry, 'ml_serving_prediction_log_dropped_total', {
        reason: 'buffer_full',
      }),
    ).toBe(9_900);
    expect(await metricValue(registry, 'ml_serving_prediction_log_buffered')).toBe(100);
    // Once connected, what the bound held is published.
    await publisher.start();
    await publisher.drain();
    const messages = await readTopic(kafka.kafka, kafka.topic, { count: 100 });
    expect(
      messages.map((m) => (JSON.parse(m.value!.toString()) as PredictionLogRecord).request_id),
    ).toEqual(Array.from({ length: 100 }, (_, i) => `req-${i}`));
    await publisher.close();
  });

  test('publishes the configured share of predictions when sampling', async ({ kafka }) => {
    const registry = new Registry();
    let draw = 0;
    // Deterministic draws 0, 0.1, …, 0.9: a sample rate of 0.3 keeps three in ten.
    const random = (): number => (draw++ % 10) / 10;
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry,
      sampleRate: 0.3,
      random,
    });
    await publisher.start();
    for (let i = 0; i < 1_000; i++) publisher.record(examplePrediction({ request_id: `req-${i}` }));
    await publisher.close();
    expect(await metricValue(registry, 'ml_serving_prediction_log_published_total')).toBe(300);
    expect(await metricValue(registry, 'ml_serving_prediction_log_sampled_out_total')).toBe(700);
    const messages = await readTopic(kafka.kafka, kafka.topic, { count: 300 });
    expect(messages).toHaveLength(300);
  });

  test('keeps trying to connect after a failed start and publishes what it buffered once Kafka answers', async ({
    kafka,
  }) => {
    // Bootstrap goes through a local port that refuses connections at first, then forwards to the broker.
    const [host, port] = kafka.brokers[0]!.split(':') as [string, string];
    const sockets: Socket[] = [];
    const proxy: Server = createServer((client) => {
      const upstream = connect(Number(port), host);
      sockets.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const proxyPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as { port: number }).port;
        probe.close(() => resolve(free));
      });
    });
    const registry = new Registry();
    const publisher = new KafkaPredictionPublisher({
      kafka: new Kafka({
        clientId: 'publisher-reconnect',
        brokers: [`127.0.0.1:${proxyPort}`],
        // The refused connections are the point of the test: keep them out of the output.
        logLevel: logLevel.NOTHING,
        retry: { initialRetryTime: 50, retries: 2 },
      }),
      topic: kafka.topic,
      registry,
    });
    try {
      await expect(publisher.start()).rejects.toThrow();
      for (let i = 0; i < 50; i++) publisher.record(examplePrediction({ request_id: `late-${i}` }));
      await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
      const messages = await readTopic(kafka.kafka, kafka.topic, { count: 50, timeoutMs: 45_000 });
      expect(
        messages.map((m) => (JSON.parse(m.value!.toString()) as PredictionLogRecord).request_id),
      ).toEqual(Array.from({ length: 50 }, (_, i) => `late-${i}`));
    } finally {
      await publisher.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
