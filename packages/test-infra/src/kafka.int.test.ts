import { describe, expect } from 'vitest';
import { FAST_CONSUMER_CONFIG, readTopic } from './kafka.js';
import { test } from './fixtures.js';
import { uniqueName } from './unique-name.js';
import { waitFor } from './wait-for.js';

describe('kafka fixture', () => {
  test('messages produced with kafkajs are consumed back with key, value and headers', async ({ kafka }) => {
    const producer = kafka.kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: kafka.topic,
        messages: [
          { key: 'pay_1', value: JSON.stringify({ amount_cents: 1999 }), headers: { schema: 'payment.v1' } },
          { key: 'pay_2', value: JSON.stringify({ amount_cents: 501 }) },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    const messages = await readTopic(kafka.kafka, kafka.topic, { count: 2, timeoutMs: 10_000 });

    expect(messages.map((m) => [m.key?.toString(), JSON.parse(m.value?.toString() ?? 'null') as unknown])).toEqual([
      ['pay_1', { amount_cents: 1999 }],
      ['pay_2', { amount_cents: 501 }],
    ]);
    expect(messages[0]!.headers.schema?.toString()).toBe('payment.v1');
  });

  test('a consumer already in its group receives a message published after it joined', async ({ kafka }) => {
    const consumer = kafka.kafka.consumer({ groupId: uniqueName('live', '-'), ...FAST_CONSUMER_CONFIG });
    const producer = kafka.kafka.producer();
    const received: string[] = [];
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    try {
      await Promise.all([consumer.connect(), producer.connect()]);
      // The topic is this test's own and empty, so reading from the beginning changes nothing but
      // closes a race: from `latest`, an offset resolved just after the send would skip the message.
      await consumer.subscribe({ topic: kafka.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          received.push(message.value?.toString() ?? '');
          return Promise.resolve();
        },
      });
      await waitFor(() => joined, { timeoutMs: 10_000, description: 'consumer group join' });

      await producer.send({ topic: kafka.topic, messages: [{ value: 'after-join' }] });

      await waitFor(() => received.length > 0, { timeoutMs: 15_000, description: 'the live message' });
      expect(received).toEqual(['after-join']);
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
  });
});
