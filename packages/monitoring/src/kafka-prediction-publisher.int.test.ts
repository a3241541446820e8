import {
  PREDICTION_LOG_COUNT_HEADER,
  PREDICTION_LOG_FORMAT_HEADER,
  PREDICTION_LOG_NDJSON,
  PredictionLogRecord,
  readPredictionLogMessage,
} from '@payments-mlops/contracts';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readTopic, test, waitFor, type ReceivedMessage } from '@payments-mlops/test-infra';
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

/** Every message on the topic once all are acknowledged (a fresh topic: its offsets count them). */
async function allMessages(kafka: Kafka, topic: string): Promise<ReceivedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const count = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  return readTopic(kafka, topic, { count });
}

/** The batched messages' records, checking each message's headers against its lines. */
function recordsOf(messages: ReceivedMessage[]): PredictionLogRecord[] {
  return messages.flatMap((message) => {
    const format = message.headers[PREDICTION_LOG_FORMAT_HEADER]?.toString();
    expect(format).toBe(PREDICTION_LOG_NDJSON);
    const predictions = readPredictionLogMessage(message.value!.toString(), format)!;
    expect(predictions).toHaveLength(
      Number(message.headers[PREDICTION_LOG_COUNT_HEADER]?.toString()),
    );
    return predictions.map((prediction) => PredictionLogRecord.parse(prediction));
  });
}

/** A started publisher on the test's topic, with its own metrics registry. */
async function startPublisher(
  kafka: { kafka: Kafka; topic: string },
  options: Partial<ConstructorParameters<typeof KafkaPredictionPublisher>[0]>,
): Promise<{ publisher: KafkaPredictionPublisher; registry: Registry }> {
  const registry = new Registry();
  const publisher = new KafkaPredictionPublisher({
    kafka: kafka.kafka,
    topic: kafka.topic,
    registry,
    ...options,
  });
  await publisher.start();
  return { publisher, registry };
}

describe('KafkaPredictionPublisher', () => {
  test('publishes every recorded prediction to the topic as PredictionLogRecord JSON lines, in order, many per message', async ({
    kafka,
  }) => {
    const { publisher, registry } = await startPublisher(kafka, { maxBatch: 100 });
    try {
      // As objects, as JSON and as compact lines with their layout: one log either way.
      const { features } = examplePrediction();
      const layout = { layout: 'fraud-detector@3', features: Object.keys(features) };
      for (let i = 0; i < 1_050; i++) {
        const prediction = examplePrediction({ request_id: `req-${i}` });
        if (i % 3 === 0) publisher.record(prediction);
        else if (i % 3 === 1) publisher.recordJson(JSON.stringify(prediction));
        else
          publisher.recordJson(
            JSON.stringify({
              ...prediction,
              features: Object.values(features),
              layout: 'fraud-detector@3',
            }),
            layout,
          );
      }
      // A send the broker turns down (a topic just created) is retried on the linger timer.
      await waitFor(
        async () =>
          (await metricValue(registry, 'ml_serving_prediction_log_published_total')) === 1_050,
        { timeoutMs: 15_000, description: '1,050 predictions published' },
      );
      const messages = await allMessages(kafka.kafka, kafka.topic);
      expect(recordsOf(messages).map((r) => r.request_id)).toEqual(
        Array.from({ length: 1_050 }, (_, i) => `req-${i}`),
      );
      // At most maxBatch per produce request, so at least 11 messages; far fewer than predictions.
      expect(messages.length).toBeGreaterThanOrEqual(11);
      expect(messages.length).toBeLessThan(100);
      expect(messages[0]!.key).toBeNull();
      // The layout's line once per message, before its first compact line.
      for (const message of messages) {
        const lines = message.value!.toString().split('\n');
        expect(lines.filter((line) => line.startsWith('{"layout"'))).toEqual([
          JSON.stringify(layout),
        ]);
        expect(lines.findIndex((line) => line.startsWith('{"layout"'))).toBeLessThan(
          lines.findIndex((line) => line.endsWith('"layout":"fraud-detector@3"}')),
        );
      }
      expect(await metricValue(registry, 'ml_serving_prediction_log_published_total')).toBe(1_050);
    } finally {
      await publisher.close();
    }
  });

  test('splits a batch into messages of at most maxMessageChars characters', async ({ kafka }) => {
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry: new Registry(),
      maxMessageChars: 2_000,
    });
    await publisher.start();
    const long = examplePrediction({ request_id: 'long', decision: 'x'.repeat(64) });
    const lineChars = JSON.stringify(examplePrediction({ request_id: 'req-0' })).length;
    for (let i = 0; i < 200; i++) publisher.record(examplePrediction({ request_id: `req-${i}` }));
    const notes = Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [`note_${i}`, 'y'.repeat(200)]),
    );
    publisher.record({ ...long, features: notes });
    await publisher.close();
    const messages = await allMessages(kafka.kafka, kafka.topic);
    expect(recordsOf(messages)).toHaveLength(201);
    // A line longer than the bound goes alone; the others fill messages up to it.
    for (const message of messages.slice(0, -1))
      expect(message.value!.toString().length).toBeLessThanOrEqual(2_000);
    expect(Number(messages.at(-1)!.headers[PREDICTION_LOG_COUNT_HEADER]!.toString())).toBe(1);
    // Greedy filling leaves less than one line unused per message.
    const longest = lineChars + 3;
    expect(messages.length).toBeLessThanOrEqual(Math.ceil((200 * longest) / (2_000 - longest)) + 1);
  });

  test('sends a batch as soon as maxBatchChars are buffered, each produce request within the bound', async ({
    kafka,
  }) => {
    // A linger longer than the test: only the character bound can send these.
    const { publisher, registry } = await startPublisher(kafka, {
      maxBatchChars: 3_000,
      lingerMs: 600_000,
    });
    try {
      const lines = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify(examplePrediction({ request_id: `req-${i}` })),
      );
      const lineChars = lines[0]!.length + 1;
      for (const line of lines) publisher.recordJson(line);
      // Every full batch leaves on its own; the remainder, under the bound, waits for the linger.
      const perBatch = Math.floor(3_000 / lineChars);
      const full = Math.floor(40 / perBatch) * perBatch;
      await waitFor(
        async () =>
          (await metricValue(registry, 'ml_serving_prediction_log_published_total')) === full,
        { timeoutMs: 15_000, description: `${full} predictions published before the linger` },
      );
      const messages = await allMessages(kafka.kafka, kafka.topic);
      expect(messages).toHaveLength(full / perBatch);
      for (const message of messages)
        expect(message.value!.toString().length).toBeLessThanOrEqual(3_000);
      expect(recordsOf(messages).map((r) => r.request_id)).toEqual(
        lines.slice(0, full).map((_, i) => `req-${i}`),
      );
      expect(await metricValue(registry, 'ml_serving_prediction_log_buffered')).toBe(40 - full);
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
    const messages = await allMessages(kafka.kafka, kafka.topic);
    expect(recordsOf(messages).map((r) => r.request_id)).toEqual(
      Array.from({ length: 100 }, (_, i) => `req-${i}`),
    );
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
    expect(recordsOf(await allMessages(kafka.kafka, kafka.topic))).toHaveLength(300);
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
      await waitFor(
        async () =>
          (await metricValue(registry, 'ml_serving_prediction_log_published_total')) === 50,
        { timeoutMs: 45_000, description: '50 predictions published after the reconnect' },
      );
      const messages = await allMessages(kafka.kafka, kafka.topic);
      expect(recordsOf(messages).map((r) => r.request_id)).toEqual(
        Array.from({ length: 50 }, (_, i) => `late-${i}`),
      );
    } finally {
      await publisher.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
