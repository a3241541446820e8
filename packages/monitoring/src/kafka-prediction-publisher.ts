import {
  PREDICTION_LOG_COUNT_HEADER,
  PREDICTION_LOG_FORMAT_HEADER,
  PREDICTION_LOG_NDJSON,
  TOPICS,
  type PredictionLogLayout,
  type PredictionLogRecord,
  type PredictionSink,
} from '@payments-mlops/contracts';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';

const MAX_RECONNECT_DELAY_MS = 30_000;
/** What a record given as an object is taken to weigh before it is serialized (a typical line). */
const RECORD_CHARS_ESTIMATE = 1_024;

/** A compact prediction line and the layout naming its features. */
interface LaidOut {
  json: string;
  layout: PredictionLogLayout;
}
type Buffered = string | LaidOut | PredictionLogRecord;

/** Each layout's line, written once. */
const layoutLines = new WeakMap<PredictionLogLayout, string>();
function layoutLine(layout: PredictionLogLayout): string {
  let line = layoutLines.get(layout);
  if (line === undefined)
    layoutLines.set(
      layout,
      (line = JSON.stringify({ layout: layout.layout, features: layout.features })),
    );
  return line;
}

export interface KafkaPredictionPublisherOptions {
  kafka: Kafka;
  /** `ml.predictions` by default. */
  topic?: string;
  /** Share of predictions published, in [0, 1] (1 by default: every prediction). */
  sampleRate?: number;
  /** Predictions held while Kafka is slow or away; beyond it new ones are dropped and counted. */
  maxBuffered?: number;
  /** Predictions per produce request. */
  maxBatch?: number;
  /**
   * Most JSON characters in one produce request (64 Ki by default; a longer line goes alone), and
   * the amount buffered that sends a batch before its linger is over. kafkajs encodes and
   * checksums a request in one synchronous stretch of about 7 ms per MB here, which the serving
   * process's requests wait behind, so a batch is kept to a fraction of a millisecond of it.
   */
  maxBatchChars?: number;
  /**
   * Longest a prediction waits in the buffer before its batch is sent: 200 ms by default. At
   * serving rates maxBatchChars fills first, with tens of predictions (each produce request costs
   * kafkajs as much CPU as a few predictions).
   */
  lingerMs?: number;
  /**
   * Most JSON characters in one Kafka message (UTF-8 makes at most three bytes of each, under
   * the broker's 1 MiB default); a produce request carries as many messages as its batch needs.
   */
  maxMessageChars?: number;
  /** Kafka compression of each batch; none by default (gzip costs more CPU than it saves). */
  compression?: CompressionTypes;
  registry: Registry;
  /** Metric name prefix of the process that publishes, `ml_serving_` by default. */
  metricPrefix?: string;
  random?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * The prediction log's publisher: `record` only samples and appends to a bounded buffer, so the
 * request path never waits on Kafka and never fails because of it. Batches leave on a timer (or
 * as soon as one is full), one produce request at a time; a failed batch goes back to the front
 * of the buffer as far as the bound allows, the rest is counted as dropped.
 *
 * Each message carries many predictions as newline-delimited JSON (PredictionLogMessageHeaders):
 * kafkajs encodes and checksums each Kafka record in JavaScript, byte by byte, so one record per
 * prediction cost more than the prediction's JSON itself; compact lines name their features once
 * per message, a third of the bytes. Records given as objects are serialized when their batch is
 * sent, so sampled-out and dropped ones cost nothing more.
 */
export class KafkaPredictionPublisher implements PredictionSink {
  private readonly producer: Producer;
  private readonly topic: string;
  private readonly sampleRate: number;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly maxBatchChars: number;
  private readonly lingerMs: number;
  private readonly maxMessageChars: number;
  private readonly compression: CompressionTypes;
  private readonly random: () => number;
  private readonly onError: (error: unknown) => void;
  /** JSON text, or the record itself until its batch is sent. */
  private buffer: Buffered[] = [];
  /** The buffer's characters, by charsOf. */
  private bufferedChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  /** Produce requests that failed, so that drain stops at the first one rather than retrying. */
  private failedSends = 0;
  private connected = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 500;
  private closed = false;
  private readonly published: Counter;
  private readonly dropped: Counter<'reason'>;
  private readonly sampledOut: Counter;

  constructor(options: KafkaPredictionPublisherOptions) {
    this.producer = options.kafka.producer({ allowAutoTopicCreation: false });
    this.topic = options.topic ?? TOPICS.predictions;
    this.sampleRate = options.sampleRate ?? 1;
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1))
      throw new RangeError('sampleRate must be in [0, 1]');
    this.maxBuffered = options.maxBuffered ?? 20_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxBatchChars = options.maxBatchChars ?? 64 * 1024;
    this.lingerMs = options.lingerMs ?? 200;
    this.maxMessageChars = options.maxMessageChars ?? 256 * 1024;
    this.compression = options.compression ?? CompressionTypes.None;
    this.random = options.random ?? Math.random;
    this.onError = options.onError ?? (() => undefined);
    const prefix = options.metricPrefix ?? 'ml_serving_';
    const registers = [options.registry];
    this.published = new Counter({
      name: `${prefix}prediction_log_published_total`,
      help: 'Predictions published to the prediction log topic.',
      registers,
    });
    this.dropped = new Counter({
      name: `${prefix}prediction_log_dropped_total`,
      help: 'Predictions not published: buffer_full (Kafka slower than traffic) or closed.',
      labelNames: ['reason'],
      registers,
    });
    this.sampledOut = new Counter({
      name: `${prefix}prediction_log_sampled_out_total`,
      help: 'Predictions left out of the log by sampling.',
      registers,
    });
    const buffered = (): number => this.buffer.length;
    new Gauge({
      name: `${prefix}prediction_log_buffered`,
      help: 'Predictions waiting to be published.',
      registers,
      collect() {
        this.set(buffered());
      },
    });
  }

  /**
   * Connects the producer. When Kafka is away the promise rejects (so the caller can log it) and
   * the publisher keeps trying in the background, buffering meanwhile, until it connects or closes.
   */
  async start(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      this.reconnectLater();
      throw error;
    }
    if (this.closed) {
      // Closed while a background reconnect was under way.
      await this.producer.disconnect();
      return;
    }
    this.connected = true;
    this.schedule();
  }

  private reconnectLater(): void {
    if (this.closed) return;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.start().catch((error: unknown) => this.onError(error));
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
  }

  record(prediction: PredictionLogRecord): void {
    this.append(prediction);
  }

  recordJson(json: string, layout?: PredictionLogLayout): void {
    this.append(layout === undefined ? json : { json, layout });
  }

  private append(prediction: Buffered): void {
    if (this.closed) {
      this.dropped.inc({ reason: 'closed' });
      return;
    }
    if (this.sampleRate < 1 && this.random() >= this.sampleRate) {
      this.sampledOut.inc();
      return;
    }
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped.inc({ reason: 'buffer_full' });
      return;
    }
    this.buffer.push(prediction);
    this.bufferedChars += charsOf(prediction);
    if (this.batchReady()) this.flushSoon();
    else this.schedule();
  }

  /** Sends everything buffered, then disconnects; predictions recorded afterwards are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.reconnectTimer);
    this.timer = undefined;
    if (this.connected) {
      await this.drain();
      await this.producer.disconnect();
      this.connected = false;
    }
    if (this.buffer.length > 0) this.dropped.inc({ reason: 'closed' }, this.buffer.length);
    this.buffer = [];
    this.bufferedChars = 0;
  }

  /** Whether a full batch is buffered, which goes without waiting for the linger timer. */
  private batchReady(): boolean {
    return this.buffer.length >= this.maxBatch || this.bufferedChars >= this.maxBatchChars;
  }

  /** The next batch off the front of the buffer: up to maxBatch predictions and maxBatchChars. */
  private takeBatch(): Buffered[] {
    let count = 0;
    let chars = 0;
    while (count < this.buffer.length && count < this.maxBatch) {
      const itemChars = charsOf(this.buffer[count]!);
      if (count > 0 && chars + itemChars > this.maxBatchChars) break;
      chars += itemChars;
      count++;
    }
    this.bufferedChars -= chars;
    return this.buffer.splice(0, count);
  }

  /** Publishes until the buffer is empty or a send fails. */
  async drain(): Promise<void> {
    const failuresBefore = this.failedSends;
    for (;;) {
      // A send that ends may start the next full batch itself: wait until none is in flight.
      while (this.sending !== undefined) await this.sending;
      if (this.buffer.length === 0 || this.failedSends > failuresBefore) return;
      await this.send();
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || !this.connected || this.buffer.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushSoon();
    }, this.lingerMs);
    this.timer.unref();
  }

  private flushSoon(): void {
    if (this.sending !== undefined || !this.connected) return;
    void this.send().then(() => this.schedule());
  }

  private send(): Promise<void> {
    if (this.sending !== undefined) return this.sending;
    const batch = this.takeBatch();
    if (batch.length === 0) return Promise.resolve();
    const messages = this.messagesOf(batch);
    this.sending = this.producer
      .send({ topic: this.topic, messages, acks: -1, compression: this.compression })
      .then(
        () => {
          this.published.inc(batch.length);
        },
        (error: unknown) => {
          this.failedSends++;
          // Back to the front, so the log keeps its order; what the bound cannot hold is dropped.
          const room = Math.max(this.maxBuffered - this.buffer.length, 0);
          const kept = batch.slice(0, room);
          this.buffer = [...kept, ...this.buffer];
          for (const item of kept) this.bufferedChars += charsOf(item);
          if (batch.length > kept.length)
            this.dropped.inc({ reason: 'buffer_full' }, batch.length - kept.length);
          this.onError(error);
        },
      )
      .finally(() => {
        this.sending = undefined;
        // A full batch goes now; the rest (a failed batch put back, say) on the timer.
        if (this.batchReady()) this.flushSoon();
        else this.schedule();
      });
    return this.sending;
  }

  /**
   * The batch as NDJSON messages of at most maxMessageChars each (a longer line goes alone), each
   * layout's line before the first line of the message that names it.
   */
  private messagesOf(batch: Buffered[]): Message[] {
    const messages: Message[] = [];
    let lines: string[] = [];
    let count = 0;
    let chars = 0;
    let layouts = new Set<PredictionLogLayout>();
    const cut = (): void => {
      messages.push({
        value: lines.join('\n'),
        headers: {
          [PREDICTION_LOG_FORMAT_HEADER]: PREDICTION_LOG_NDJSON,
          [PREDICTION_LOG_COUNT_HEADER]: String(count),
        },
      });
      lines = [];
      count = 0;
      chars = 0;
      layouts = new Set();
    };
    for (const item of batch) {
      const laidOut = typeof item !== 'string' && 'layout' in item ? item : undefined;
      const line =
        typeof item === 'string'
          ? item
          : laidOut !== undefined
            ? laidOut.json
            : JSON.stringify(item);
      // The layout's line too, when this message has not named it yet.
      const withLayout = (): number =>
        laidOut === undefined || layouts.has(laidOut.layout)
          ? line.length + 1
          : line.length + layoutLine(laidOut.layout).length + 2;
      if (count > 0 && chars + withLayout() > this.maxMessageChars) cut();
      chars += withLayout();
      if (laidOut !== undefined && !layouts.has(laidOut.layout)) {
        layouts.add(laidOut.layout);
        lines.push(layoutLine(laidOut.layout));
      }
      lines.push(line);
      count++;
    }
    cut();
    return messages;
  }
}

/** A buffered prediction's characters on its line (and newline); an object's by estimate. */
function charsOf(item: Buffered): number {
  if (typeof item === 'string') return item.length + 1;
  return 'layout' in item ? item.json.length + 1 : RECORD_CHARS_ESTIMATE;
}
