import { Kafka, logLevel, type Admin, type ConsumerConfig, type IHeaders } from 'kafkajs';
import { uniqueName } from './unique-name.js';
import { waitFor } from './wait-for.js';

/**
 * Consumer settings for tests: the broker's minimum session timeout, frequent heartbeats and short fetch
 * waits, so that joining a group and seeing a fresh message take well under a second instead of kafkajs's
 * default 5 s fetch wait. (The local broker also sets group.initial.rebalance.delay.ms=0.)
 */
export const FAST_CONSUMER_CONFIG = {
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  rebalanceTimeout: 5000,
  maxWaitTimeInMs: 50,
  retry: { initialRetryTime: 50, retries: 5 },
} satisfies Partial<ConsumerConfig>;

// kafkajs prints a notice about its v2 partitioner to every process that creates a producer.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(brokers: string[], clientId = 'payments-mlops-tests'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 50, retries: 6 },
  });
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}

export async function deleteTopic(admin: Admin, topic: string): Promise<void> {
  await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
}

export interface ReceivedMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

export interface ReadTopicOptions {
  /** Resolve once this many messages have arrived. */
  count: number;
  timeoutMs?: number;
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `count` messages have arrived, then
 * leaves the group. For asserting what code under test published.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  { count, timeoutMs = 15_000 }: ReadTopicOptions,
): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('reader', '-'), ...FAST_CONSUMER_CONFIG });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const { offset, key, value, headers = {}, timestamp } = message;
        received.push({ partition, offset, key, value, headers, timestamp });
        return Promise.resolve();
      },
    });
    await waitFor(() => received.length >= count, {
      timeoutMs,
      intervalMs: 10,
      description: `${count} messages on ${topic} (got ${received.length})`,
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}
