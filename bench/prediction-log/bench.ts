/*
 * make bench-prediction-log: what the prediction log costs ml-serving's request path (the time of
 * KafkaPredictionPublisher.record per prediction, beside the no-op sink it replaces) and how many
 * predictions per second the publisher moves to the real Kafka. The serving throughput figure with
 * and without the log comes from make bench-serving once ml-serving publishes through it.
 * QUICK=1 for a short run.
 */
import { TOPICS, type PredictionLogRecord, type PredictionSink } from '@payments-mlops/contracts';
import { KafkaPredictionPublisher, examplePrediction } from '@payments-mlops/monitoring';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const quick = process.argv.includes('--quick');
const COUNT = quick ? 50_000 : 300_000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'bench-prediction-log', brokers, logLevel: logLevel.WARN });
const topic = `bench-${TOPICS.predictions}-${process.pid}`;

// A fraud prediction as ml-serving logs it: the fraud feature service's ~50 inputs (counts,
// amounts, rates, a few categories and flags, some missing), five entity ids.
const FEATURES = 50;
const featuresOf = (i: number): PredictionLogRecord['features'] => {
  const features: PredictionLogRecord['features'] = {};
  for (let f = 0; f < FEATURES; f++) {
    const name = `customer_feature_${['payments', 'declines', 'amount', 'failure_rate'][f % 4]}_${f}d`;
    if (f % 10 === 9) features[name] = null;
    else if (f % 10 === 8) features[name] = ['web', 'mobile', 'pos'][(i + f) % 3]!;
    else if (f % 10 === 7) features[name] = (i + f) % 2 === 0;
    else if (f % 4 === 3) features[name] = ((i * 7 + f) % 97) / 97;
    else features[name] = (i * 31 + f * 17) % 5_000;
  }
  return features;
};
const records: PredictionLogRecord[] = Array.from({ length: COUNT }, (_, i) =>
  examplePrediction({
    request_id: `req-${i}`,
    entity_ids: {
      payment_id: `pay_${i}`,
      customer_id: `cus_${i % 1_000}`,
      merchant_id: `mer_${i % 97}`,
      card_id: `card_${i % 1_000}`,
    },
    features: featuresOf(i),
    scores: { legitimate: 1 - (i % 100) / 1_000, fraud: (i % 100) / 1_000 },
    latency_ms: 1 + (i % 1_000) / 1_000,
    timestamp: new Date(Date.UTC(2026, 0, 5) + i).toISOString(),
  }),
);
const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

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

  // End to end: every prediction recorded as fast as possible, until Kafka has acknowledged them
  // all; as objects (serialized by the publisher) and as the compact lines ml-serving's compiled
  // serializer hands over (written before the clock starts), without compression and with gzip.
  const layout = { layout: 'fraud-detector@1', features: Object.keys(records[0]!.features) };
  const compact = (r: PredictionLogRecord) =>
    JSON.stringify({ ...r, features: Object.values(r.features), layout: layout.layout });
  const publishCost = async (json: boolean, compression: CompressionTypes) => {
    const lines = json ? records.map(compact) : [];
    const registry = new Registry();
    const publisher = new KafkaPredictionPublisher({
      kafka,
      topic,
      registry,
      maxBuffered: COUNT,
      compression,
    });
    await publisher.start();
    const t0 = performance.now();
    const cpu0 = cpuUs();
    if (json) for (const line of lines) publisher.recordJson(line, layout);
    else for (const r of records) publisher.record(r);
    await publisher.drain();
    const cpuPerPrediction = (cpuUs() - cpu0) / COUNT;
    const seconds = (performance.now() - t0) / 1_000;
    await publisher.close();
    const published =
      (await registry.getSingleMetric('ml_serving_prediction_log_published_total')!.get()).values[0]
        ?.value ?? 0;
    return { cpuPerPrediction, seconds, published };
  };
  const runs = [
    { name: 'record(object)', result: await publishCost(false, CompressionTypes.None) },
    { name: 'recordJson(compact)', result: await publishCost(true, CompressionTypes.None) },
    { name: 'recordJson, gzip', result: await publishCost(true, CompressionTypes.GZIP) },
  ];

  console.log(
    `bench-prediction-log: ${COUNT.toLocaleString('en')} fraud predictions of ${FEATURES} features (${JSON.stringify(records[0]).length} bytes of JSON each, ${compact(records[0]!).length} as a compact line)`,
  );
  console.log(
    `  record() on the request path   ${(buffered / 1_000).toFixed(2)} µs per prediction (a no-op sink: ${(noop / 1_000).toFixed(3)} µs)`,
  );
  for (const { name, result } of runs)
    console.log(
      `  ${name.padEnd(20)} ${result.cpuPerPrediction.toFixed(1)} µs of process CPU per prediction, record() to acked (acks=all); ` +
        `${Math.round(result.published / result.seconds).toLocaleString('en')} predictions/s, ${result.published.toLocaleString('en')} of ${COUNT.toLocaleString('en')} in ${result.seconds.toFixed(2)} s`,
    );
  console.log(
    '  issue 9 target: logging costs ≤ 5 % of serving throughput (bench/serving/bench.ts --only-log: server CPU per request with and without the log)',
  );
} finally {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}
