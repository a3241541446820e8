import { TOPICS } from '@payments-mlops/contracts';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { PaymentSimulation } from './simulation.js';

/** Pacing granularity: each tick publishes what is due since the last one. */
const TICK_MS = 10;
/** At most this many messages per produce request; more are split. */
const MAX_BATCH = 4000;
/** Produce requests in flight at once: the next batch is built while earlier ones travel. */
const MAX_IN_FLIGHT = 4;

export interface StreamTopics {
  payments: string;
  labels: string;
}

export interface StreamToKafkaOptions {
  kafka: Kafka;
  simulation: PaymentSimulation;
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
 * Publishes the simulation to Kafka at a steady rate: PaymentEvent JSON on `payments.normalized`
 * and LabelEvent JSON on `payments.labels` once the simulated clock reaches them, both keyed by
 * customer_id so a customer's payments and labels share a partition number. Uncompressed batches,
 * acks from all in-sync replicas, several requests in flight.
 */
export async function streamToKafka(options: StreamToKafkaOptions): Promise<StreamToKafkaResult> {
  const { kafka, simulation, ratePerSecond, signal, clock = () => performance.now() } = options;
  const topics = options.topics ?? { payments: TOPICS.paymentsNormalized, labels: TOPICS.paymentLabels };
  const maxPayments = options.maxPayments ?? Infinity;
  const durationMs = options.durationMs ?? Infinity;
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    maxInFlightRequests: MAX_IN_FLIGHT,
  });
  await producer.connect();
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  const send = async (payments: Message[], labels: Message[]): Promise<void> => {
    const topicMessages = [];
    if (payments.length > 0) topicMessages.push({ topic: topics.payments, messages: payments });
    if (labels.length > 0) topicMessages.push({ topic: topics.labels, messages: labels });
    if (topicMessages.length === 0) return;
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
    const request = producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None }).then(
      () => undefined,
      (error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };

  let payments = 0;
  let labels = 0;
  let firstAt: number | undefined;
  const started = clock();
  let exhausted = false;
  try {
    while (!exhausted && payments < maxPayments && !signal?.aborted) {
      const elapsed = clock() - started;
      if (elapsed >= durationMs) break;
      const due = Math.min(maxPayments, Math.floor((ratePerSecond * elapsed) / 1000)) - payments;
      if (due <= 0) {
        await sleep(TICK_MS);
        continue;
      }
      let paymentBatch: Message[] = [];
      let labelBatch: Message[] = [];
      for (let published = 0; published < due; ) {
        const record = simulation.next();
        if (!record) {
          exhausted = true;
          break;
        }
        firstAt ??= record.at;
        if (record.kind === 'payment') {
          paymentBatch.push({ key: record.event.customer_id, value: JSON.stringify(record.event) });
          published++;
          payments++;
        } else {
          labelBatch.push({ key: record.customerId, value: JSON.stringify(record.event) });
          labels++;
        }
        if (paymentBatch.length + labelBatch.length >= MAX_BATCH) {
          await send(paymentBatch, labelBatch);
          paymentBatch = [];
          labelBatch = [];
        }
      }
      await send(paymentBatch, labelBatch);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  } finally {
    await producer.disconnect();
  }
  const elapsedMs = clock() - started;
  return {
    payments,
    labels,
    elapsedMs,
    paymentsPerSecond: elapsedMs > 0 ? (payments * 1000) / elapsedMs : 0,
    simulatedFrom: new Date(firstAt ?? simulation.now),
    simulatedTo: new Date(simulation.now),
  };
}
