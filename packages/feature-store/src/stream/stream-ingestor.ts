import { FEATURE_TOPICS, type DeadLetter } from '@payments-mlops/contracts';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { z } from 'zod';
import type { AggregationPlan } from '../aggregation/plan.js';
import type { RedisOnlineStore, StreamEvent } from '../online/online-store.js';
import { DEFAULT_MAX_EVENT_TIME_SKEW_MS, parseStreamMessage } from './parse-event.js';

const DEFAULT_COMMIT_INTERVAL_MS = 500;

export interface StreamIngestorLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface StreamIngestorOptions {
  kafka: Kafka;
  store: Pick<RedisOnlineStore, 'applyEvents'>;
  /** The window aggregates fed by `topic`, read on every batch so a new registry version applies at once. */
  plans: () => readonly AggregationPlan[];
  topic: string;
  groupId: string;
  deadLetterTopic?: string;
  /** The topic's contract (PaymentEvent for payments.normalized): a message failing it is dead-lettered. */
  contract?: z.ZodType;
  consumerConfig?: Partial<ConsumerConfig>;
  /** Where metrics go; `<prefix>stream_…`. */
  metrics?: { registry: Registry; prefix: string };
  logger?: StreamIngestorLogger;
  /**
   * Events per Redis pipeline (default 100). A batch's pipelines are sent together and Redis
   * answers them in order, so smaller ones let the first events of a batch be readable sooner.
   */
  chunkSize?: number;
  /** Events dated more than this ahead of `clock` go to the dead-letter topic (default 5 minutes). */
  maxEventTimeSkewMs?: number;
  /**
   * Offsets of applied batches are committed at most this often (default 500 ms), not after
   * every batch: a commit is a broker round trip that would otherwise delay the next fetch.
   * A crash redelivers at most this long a stretch, which the dedupe sets make harmless.
   */
  commitIntervalMs?: number;
  clock?: () => number;
}

interface StreamMetrics {
  consumed: Counter<'outcome'>;
  lag: Gauge<'partition'>;
  latency: Histogram;
  lastEventTime: Gauge<'view'>;
}

/**
 * The streaming side of the window aggregates: a consumer group on the payments topic that applies
 * each event to the online store by event time and commits its offsets only after the writes.
 * A crash between the two redelivers the batch, and the per-entity dedupe sets make that harmless,
 * so after any restart every payment is counted exactly once. Messages that cannot be parsed go
 * to the dead-letter topic with the reason, and consumption goes on.
 */
export class StreamIngestor {
  private readonly options: StreamIngestorOptions;
  private readonly deadLetterTopic: string;
  private readonly metrics: StreamMetrics | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly latestEventMs = new Map<string, number>();
  /** Per partition, the next offset to commit: everything before it is applied. */
  private readonly uncommitted = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommitMs = 0;
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(options: StreamIngestorOptions) {
    this.options = options;
    this.deadLetterTopic = options.deadLetterTopic ?? FEATURE_TOPICS.deadLetter;
    this.metrics = options.metrics && createMetrics(options.metrics.registry, options.metrics.prefix, () => this.latestEventMs);
  }

  async start(): Promise<void> {
    const { kafka, topic, groupId, consumerConfig } = this.options;
    this.producer = kafka.producer({ allowAutoTopicCreation: true });
    this.consumer = kafka.consumer({ groupId, ...consumerConfig });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.processBatch(payload) });
    // While no batch arrives, what was applied last is still committed within the interval.
    const interval = this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
    this.commitTimer = setInterval(() => void this.commitApplied().catch((error: unknown) => this.logCommitError(error)), interval);
    this.commitTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.commitTimer);
    this.commitTimer = undefined;
    await this.commitApplied().catch((error: unknown) => this.logCommitError(error));
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  /** The latest event time applied per view: how fresh the online aggregates are. */
  freshness(): ReadonlyMap<string, number> {
    return this.latestEventMs;
  }

  /** Commits the offsets of every applied batch not yet committed. */
  private async commitApplied(consumer = this.consumer): Promise<void> {
    if (consumer === undefined || this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    this.lastCommitMs = Date.now();
    await consumer.commitOffsets(offsets);
  }

  private logCommitError(error: unknown): void {
    // After a rebalance the broker refuses offsets of partitions now owned by another member;
    // that member re-applies from the last commit, and the dedupe sets keep it exact.
    this.options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not commit stream offsets');
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { store, plans, contract, chunkSize = 100, maxEventTimeSkewMs = DEFAULT_MAX_EVENT_TIME_SKEW_MS, clock = Date.now } = this.options;
    const consumer = this.consumer;
    if (consumer === undefined) return;
    const layoutPlans = plans();
    const layout = layoutPlans[0];
    // Without definitions there is nothing to apply events to: fail the batch, uncommitted, and
    // let kafkajs retry it rather than dead-letter messages that are fine.
    if (layout === undefined) throw new Error(`no stream feature view reads ${batch.topic} (are the definitions applied?)`);
    const events: StreamEvent[] = [];
    const producedAt: number[] = [];
    const deadLetters: DeadLetter[] = [];
    const bound = { nowMs: clock(), maxFutureSkewMs: maxEventTimeSkewMs };
    for (const message of batch.messages) {
      const parsed = parseStreamMessage(message.value, layout, contract, bound);
      if (parsed.ok) {
        events.push(parsed.event);
        producedAt.push(Number(message.timestamp));
      } else {
        deadLetters.push({
          source_topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          reason: parsed.reason,
          consumer_group: this.options.groupId,
          failed_at: new Date().toISOString(),
        });
      }
    }

    // The chunks of a batch go to Redis together: window updates commute and each is exactly-once
    // on its own, so their order does not matter, and Redis works while the next chunk is built.
    const writes: Promise<void>[] = [];
    for (let start = 0; start < events.length; start += chunkSize) {
      if (!payload.isRunning() || payload.isStale()) break;
      const chunk = events.slice(start, start + chunkSize);
      const firstIndex = start;
      writes.push(
        store.applyEvents(layoutPlans, chunk).then(() => {
          const written = Date.now();
          for (let i = 0; i < chunk.length; i++) this.metrics?.latency.observe((written - producedAt[firstIndex + i]!) / 1000);
          for (const event of chunk) {
            for (const plan of layoutPlans) {
              if (event.eventMs > (this.latestEventMs.get(plan.view) ?? 0)) this.latestEventMs.set(plan.view, event.eventMs);
            }
          }
        }),
      );
    }
    await Promise.all(writes);
    if (!payload.isRunning() || payload.isStale()) return;
    await payload.heartbeat();
    if (deadLetters.length > 0) {
      await this.producer?.send({
        topic: this.deadLetterTopic,
        messages: deadLetters.map((letter) => ({ key: letter.key, value: JSON.stringify(letter) })),
      });
      for (const letter of deadLetters) this.options.logger?.warn({ offset: letter.offset, partition: letter.partition, reason: letter.reason }, 'message sent to the dead-letter topic');
    }

    const last = batch.messages.at(-1);
    if (last === undefined) return;
    // Only now, with every write done, may the group move past these messages.
    payload.resolveOffset(last.offset);
    this.uncommitted.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() });
    if (Date.now() - this.lastCommitMs >= (this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS)) await this.commitApplied(consumer);
    this.metrics?.consumed.inc({ outcome: 'applied' }, events.length);
    this.metrics?.consumed.inc({ outcome: 'dead_letter' }, deadLetters.length);
    this.metrics?.lag.set({ partition: String(batch.partition) }, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n)));
  }
}

function createMetrics(registry: Registry, prefix: string, latest: () => ReadonlyMap<string, number>): StreamMetrics {
  return {
    consumed: new Counter({
      name: `${prefix}stream_messages_total`,
      help: 'Stream messages processed, by outcome (applied to the online store, or sent to the dead-letter topic).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: `${prefix}stream_consumer_lag_messages`,
      help: 'Messages between the last committed offset and the end of the partition.',
      labelNames: ['partition'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: `${prefix}stream_event_to_online_seconds`,
      help: 'From a message being produced to its window aggregates being readable online.',
      buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    lastEventTime: new Gauge({
      name: `${prefix}stream_latest_event_timestamp_seconds`,
      help: 'Event time of the latest event applied, per stream feature view.',
      labelNames: ['view'],
      registers: [registry],
      collect() {
        for (const [view, ms] of latest()) this.set({ view }, ms / 1000);
      },
    }),
  };
}
