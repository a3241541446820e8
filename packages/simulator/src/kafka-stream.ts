import { TOPICS } from '@payments-mlops/contracts';
import { CompressionTypes, Partitioners, type ICustomPartitioner, type Kafka, type Message, type Producer } from 'kafkajs';
import { PAYMENT } from './record-batches.js';
import { inlineSource, type RecordSource } from './record-source.js';
import type { PaymentSimulation } from './simulation.js';

/** Pacing granularity: each turn publishes what fell due since the last one. */
const TICK_MS = 10;
/** At most this many payments per produce request (with the labels among them). */
const MAX_BATCH = 1000;

export interface StreamTopics {
  payments: string;
  labels: string;
}

export interface StreamToKafkaOptions {
  kafka: Kafka;
  /** Where records come from: a simulation run on this thread, or any RecordSource (a worker). */
  source: PaymentSimulation | RecordSource;
  /** Payment events per second to publish; labels go out as they fall due in between. */
  ratePerSecond: number;
  /** Stop after this long (wall clock). */
  durationMs?: number;
  /** Stop after this many payment events. */
  maxPayments?: number;
  topics?: StreamTopics;
  /** Stops the stream early (SIGINT); what was generated is still flushed. */
  signal?: AbortSignal;
  /** Injectable wall clock for pacing, in milliseconds. */
  clock?: () => number;
}

export interface StreamToKafkaResult {
  payments: number;
  labels: number;
  elapsedMs: number;
  /** Payment events published per second of wall time. */
  paymentsPerSecond: number;
  /** Simulated time covered: the event times of the first and last records. */
  simulatedFrom: Date;
  simulatedTo: Date;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kafka's default partitioner (murmur2 of the key, as the Java client), remembered per key: a
 * stream repeats the same customers, and hashing every message costs more than looking it up.
 */
const rememberingPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  const known = new Map<string, number>();
  return (args) => {
    const cacheKey = `${args.topic}\u0000${args.partitionMetadata.length}\u0000${String(args.message.key)}`;
    let chosen = known.get(cacheKey);
    if (chosen === undefined) {
      chosen = partition(args);
      if (known.size > 1_000_000) known.clear();
      known.set(cacheKey, chosen);
    }
    return chosen;
  };
};

/**
 * Publishes simulated records to Kafka at a steady rate: PaymentEvent JSON on `payments.normalized`
 * and LabelEvent JSON on `payments.labels` once the simulated clock reaches them, both keyed by
 * customer_id so a customer's payments and labels share a partition number. Uncompressed batches,
 * acks from all in-sync replicas, one request in flight so each topic keeps the simulation's order.
 */
export async function streamToKafka(options: StreamToKafkaOptions): Promise<StreamToKafkaResult> {
  const { kafka, ratePerSecond, signal, clock = () => performance.now() } = options;
  const source = 'take' in options.source ? options.source : inlineSource(options.source);
  const topics = options.topics ?? { payments: TOPICS.paymentsNormalized, labels: TOPICS.paymentLabels };
  const maxPayments = options.maxPayments ?? Infinity;
  const durationMs = options.durationMs ?? Infinity;
  const producer: Producer = kafka.producer({
    createPartitioner: rememberingPartitioner,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  // kafkajs may reorder concurrent requests, so one at a time; the next batch is prepared while
  // the previous one travels.
  let inFlight: Promise<unknown> = Promise.resolve();
  const send = async (payments: Message[], labels: Message[]): Promise<void> => {
    const topicMessages = [];
    if (payments.length > 0) topicMessages.push({ topic: topics.payments, messages: payments });
    if (labels.length > 0) topicMessages.push({ topic: topics.labels, messages: labels });
    if (topicMessages.length === 0) return;
    await inFlight;
    inFlight = producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    // A rejection surfaces at the next await of inFlight; until then it is not unhandled.
    void inFlight.catch(() => undefined);
  };

  // The clock starts when the first records are ready: a worker builds its population first.
  await source.ready();
  let payments = 0;
  let labels = 0;
  let firstAt: number | undefined;
  const started = clock();
  try {
    for (;;) {
      if (payments >= maxPayments || signal?.aborted) break;
      const elapsed = clock() - started;
      if (elapsed >= durationMs) break;
      // At most one batch per turn, so a stream that falls behind still notices its deadline.
      const due = Math.min(MAX_BATCH, Math.min(maxPayments, Math.floor((ratePerSecond * elapsed) / 1000)) - payments);
      if (due <= 0) {
        await sleep(TICK_MS);
        continue;
      }
      const batch = await source.take(due);
      const paymentMessages: Message[] = [];
      const labelMessages: Message[] = [];
      for (let i = 0; i < batch.kinds.length; i++) {
        const message = { key: batch.keys[i] as string, value: batch.values[i] as string };
        (batch.kinds[i] === PAYMENT ? paymentMessages : labelMessages).push(message);
      }
      firstAt ??= batch.ats[0];
      payments += paymentMessages.length;
      labels += labelMessages.length;
      await send(paymentMessages, labelMessages);
      if (batch.exhausted) break;
    }
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  const elapsedMs = clock() - started;
  return {
    payments,
    labels,
    elapsedMs,
    paymentsPerSecond: elapsedMs > 0 ? (payments * 1000) / elapsedMs : 0,
    simulatedFrom: new Date(firstAt ?? source.now),
    simulatedTo: new Date(source.now),
  };
}
