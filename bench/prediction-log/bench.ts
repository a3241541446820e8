/*
 * make bench-prediction-log: what the prediction log costs ml-serving's request path (the time of
 * KafkaPredictionPublisher.record per prediction, beside the no-op sink it replaces) and how many
 * predictions per second the publisher moves to the real Kafka. The serving throughput figure with
 * and without the log comes from make bench-serving once ml-serving publishes through it.
 * QUICK=1 for a short run.
 */
import { TOPICS, type PredictionLogRecord, type PredictionSink } from '@payments-mlops/contracts';
import { KafkaPredictionPublisher, examplePrediction } from '@payments-mlops/monitoring';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const quick = process.argv.includes('--quick');
const COUNT = quick ? 50_000 : 300_000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'bench-prediction-log', brokers, logLevel: logLevel.WARN });
const topic = `bench-${TOPICS.predictions}-${process.pid}`;

const records: PredictionLogRecord[] = Array.from({ length: COUNT }, (_, i) =>
  examplePrediction({ request_id: `req-${i}` }),
);

/** Nanoseconds per record() call over the whole array, best of three passes. */
function recordCost(sink: PredictionSink): number {
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = process.hrtime.bigint();
    for (const r of records) sink.record(r);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / records.length);
  }
  return best;
}

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
try {
  let sink = 0;
  const noop = recordCost({ record: () => void sink++ });

  // record() alone: a publisher that is not connected only buffers (and drops past the bound).
  const idle = new KafkaPredictionPublisher({
    kafka,
    topic,
    registry: new Registry(),
    maxBuffered: COUNT * 3,
  });
  const buffered = recordCost(idle);
  await idle.close();

  // End to end: every prediction recorded as fast as possible, until Kafka has acknowledged them all.
  const registry = new Registry();
  const publisher = new KafkaPredictionPublisher({ kafka, topic, registry, maxBuffered: COUNT });
  await publisher.start();
  const t0 = performance.now();
  for (const r of records) publisher.record(r);
  await publisher.drain();
  const seconds = (performance.now() - t0) / 1_000;
  await publisher.close();
  const published =
    (await registry.getSingleMetric('ml_serving_prediction_log_published_total')!.get()).values[0]
      ?.value ?? 0;

  console.log(
    `bench-prediction-log: ${COUNT.toLocaleString('en')} fraud predictions (${JSON.stringify(records[0]).length} bytes of JSON each)`,
  );
  console.log(
    `  record() on the request path   ${(buffered / 1_000).toFixed(2)} µs per prediction (a no-op sink: ${(noop / 1_000).toFixed(3)} µs)`,
  );
  console.log(
    `  published to Kafka (acks=all)  ${Math.round(published / seconds).toLocaleString('en')} predictions/s, ${published.toLocaleString('en')} of ${COUNT.toLocaleString('en')} in ${seconds.toFixed(2)} s`,
  );
  console.log(
    '  issue 9 target: logging costs ≤ 5 % of serving throughput (make bench-serving, with and without the sink)',
  );
} finally {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}
