import {
  PREDICTION_LOG_COUNT_HEADER,
  PREDICTION_LOG_FORMAT_HEADER,
  PredictionLogMessageHeaders,
  PredictionLogRecord,
  readPredictionLogMessage,
} from '@payments-mlops/contracts';
import type { Logger } from '@payments-mlops/service-kit';
import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
} from 'kafkajs';
import type { MonitorMetrics } from '../monitor-metrics.js';
import type { InsertResult, PredictionLogStore } from '../stores/prediction-log-store.js';

export interface PredictionSinkConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  store: PredictionLogStore;
  metrics: MonitorMetrics;
  logger?: Logger;
  consumerConfig?: Partial<ConsumerConfig>;
}

/** Rows per INSERT: one statement stays well under Postgres's parameter and packet limits. */
const INSERT_CHUNK = 2_000;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * The prediction log's sink: reads `ml.predictions` and writes each batch to the partitioned
 * log before committing its offsets, so a crash replays rather than loses (the log's key makes
 * a replay a no-op). Messages come in both forms of PredictionLogMessageHeaders (many records as
 * NDJSON, or one); a record that is not a PredictionLogRecord is counted and skipped, the rest of
 * its message is written.
 */
export class PredictionSinkConsumer {
  private readonly consumer: Consumer;
  private stopping = false;

  constructor(private readonly o: PredictionSinkConsumerOptions) {
    this.consumer = o.kafka.consumer({ groupId: o.groupId, ...o.consumerConfig });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.writeBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  /**
   * Retries a failed write with backoff, heartbeating so the group keeps the partition, until it
   * succeeds or the consumer stops (then the batch is left uncommitted for the next owner).
   */
  private async insertUntilWritten(
    records: PredictionLogRecord[],
    payload: EachBatchPayload,
  ): Promise<InsertResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.o.store.insert(records);
      } catch (error) {
        if (this.stopping || !payload.isRunning() || payload.isStale()) throw error;
        if (attempt % 10 === 0)
          this.o.logger?.warn(
            { component: 'sink', err: error, attempt },
            'could not write predictions to the log; retrying',
          );
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(100 * 2 ** attempt, MAX_RETRY_DELAY_MS)),
        );
        await payload.heartbeat();
      }
    }
  }

  private async writeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const records: PredictionLogRecord[] = [];
    let invalid = 0;
    for (const message of batch.messages) invalid += readMessage(message, records);
    if (invalid > 0) {
      this.o.metrics.sinkPredictions.inc({ outcome: 'invalid' }, invalid);
      this.o.logger?.warn(
        { component: 'sink', partition: batch.partition, invalid },
        'skipped messages that are not prediction records',
      );
    }
    for (let start = 0; start < records.length; start += INSERT_CHUNK) {
      const result = await this.insertUntilWritten(
        records.slice(start, start + INSERT_CHUNK),
        payload,
      );
      this.o.metrics.sinkPredictions.inc({ outcome: 'inserted' }, result.inserted);
      if (result.duplicates > 0)
        this.o.metrics.sinkPredictions.inc({ outcome: 'duplicate' }, result.duplicates);
      if (result.expired > 0)
        this.o.metrics.sinkPredictions.inc({ outcome: 'expired' }, result.expired);
      await payload.heartbeat();
    }
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    await payload.commitOffsetsIfNecessary();
    this.o.metrics.sinkLag.set(
      { partition: String(batch.partition) },
      Math.max(Number(batch.highWatermark) - Number(last) - 1, 0),
    );
  }
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

/** Appends the message's valid records; answers how many predictions in it were malformed. */
function readMessage(message: KafkaMessage, records: PredictionLogRecord[]): number {
  const headers = PredictionLogMessageHeaders.safeParse({
    format: headerText(message.headers, PREDICTION_LOG_FORMAT_HEADER),
    count: headerText(message.headers, PREDICTION_LOG_COUNT_HEADER),
  });
  const count = headers.success ? headers.data.count : undefined;
  const predictions =
    headers.success && message.value
      ? readPredictionLogMessage(message.value.toString(), headers.data.format)
      : undefined;
  if (predictions === undefined) return count ?? 1;
  let invalid = 0;
  for (const prediction of predictions) {
    const parsed = PredictionLogRecord.safeParse(prediction);
    if (parsed.success) records.push(parsed.data);
    else invalid++;
  }
  // A message cut short: the predictions its header names but its value lacks.
  return invalid + Math.max((count ?? predictions.length) - predictions.length, 0);
}
