import { randomUUID } from 'node:crypto';
import { MODEL_ARTIFACTS, type PredictionLogRecord } from '@payments-mlops/contracts';
import { buildReferenceProfile, examplePrediction } from '@payments-mlops/monitoring';
import { runArtifactPath, type RegistryClient } from '@payments-mlops/registry-client';
import {
  createKafka,
  infraSettings,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';

/*
 * A fraud model version with something to monitor, for the Monitoring tab's tests: a registry run
 * with test metrics and a reference profile, twelve weeks of served predictions on the prediction
 * log topic (the ranking of fraud decays week by week), chargebacks for the fraud among them, and
 * a last hour in which four of seven inputs moved. model-monitor reads all of it the way it reads
 * production: the log through its Kafka sink, labels from the warehouse tables, the profile and
 * test metrics from the registry.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
export const MONITORED_WEEKS = 12;
const REFERENCE_ROWS = 2_000;
const CHANNELS = ['web', 'mobile_app', 'in_store'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'ES'] as const;

/** The evenly spread quantile i of n, in (0, 1). */
const spread = (i: number, n: number): number => (i + 0.5) / n;

export interface MonitoredVersion {
  model: string;
  version: string;
  /** The instant the weeks end at: the seed's "now". */
  now: number;
  predictions: number;
  /** Inputs whose last hour moved away from the reference, and those that did not. */
  driftedFeatures: string[];
  stableFeatures: string[];
  testMetrics: Record<string, number>;
}

interface Inputs {
  amount: number;
  count: number;
  tenure: number;
  deviceAge: number | null;
  channel: string;
  country: string | null;
}

/** The training distribution; `shifted` is the last hour's: larger amounts, new devices, mostly web. */
function inputs(i: number, n: number, shifted: boolean): Inputs {
  const u = spread(i, n);
  const channelShare = spread((i * 7) % n, n);
  return {
    amount: (shifted ? 4_000 : 1_000) + 9_000 * u,
    count: Math.floor(10 * spread((i * 3) % n, n)),
    tenure: 30 + 2_000 * spread((i * 11) % n, n),
    // Recorded for two rows in five in training: below 1,000 rows, so tested (K-S, chi-squared).
    deviceAge: shifted ? 30 * u : i % 5 < 2 ? 365 * spread((i * 13) % n, n) : null,
    channel: shifted
      ? channelShare < 0.7
        ? 'web'
        : channelShare < 0.9
          ? 'mobile_app'
          : 'in_store'
      : CHANNELS[i % 3]!,
    country: shifted || i % 5 < 2 ? COUNTRIES[i % 4]! : null,
  };
}

function features(x: Inputs): PredictionLogRecord['features'] {
  return {
    amount_cents: x.amount,
    amount_zscore: (x.amount - 5_500) / 2_598,
    txn_count_1h: x.count,
    customer_tenure_days: x.tenure,
    device_age_days: x.deviceAge,
    channel: x.channel,
    card_country: x.country,
  };
}

/**
 * Fraud scores of a week's payments: negatives low, and of the positives the first `goodShare`
 * ranked high, the rest hidden among the negatives. The share falls from 95 % (twelve weeks ago)
 * to 40 % (this week): the model decays as fraud changes.
 */
function fraudScore(i: number, n: number, positive: boolean, goodShare: number): number {
  if (!positive) return 0.02 + 0.25 * spread((i * 17) % n, n);
  const rank = Math.floor(i / 10);
  const positives = Math.ceil(n / 10);
  return rank < Math.round(goodShare * positives)
    ? 0.75 + (0.2 * rank) / positives
    : 0.1 + rank / 1_000;
}

export interface SeedMonitoredVersionOptions {
  /** A registry client holding a write token. */
  client: RegistryClient;
  /** The test's Postgres schema (search_path set): the warehouse's label tables are created there. */
  pool: pg.Pool;
  kafka: ReturnType<typeof createKafka>;
  /** The prediction log topic model-monitor's sink reads. */
  topic: string;
  model?: string;
  now?: number;
}

/** Registers the version and publishes its history; the log fills once a monitor's sink runs. */
export async function seedMonitoredVersion({
  client,
  pool,
  kafka,
  topic,
  model = 'fraud-detector',
  now = Math.floor(Date.now() / 1_000) * 1_000,
}: SeedMonitoredVersionOptions): Promise<MonitoredVersion> {
  const testMetrics = { test_pr_auc: 0.8, test_roc_auc: 0.95, test_accuracy: 0.97 };
  const { experiment_id } = await client.api.createExperiment({ name: `${model}-training` });
  const { run } = await client.api.createRun({
    experiment_id,
    run_name: 'weekly-retrain',
    start_time: now - 13 * WEEK,
  });
  await client.logMetrics(
    run.info.run_id,
    Object.entries(testMetrics).map(([key, value]) => ({
      key,
      value,
      timestamp: now - 13 * WEEK,
      step: 0,
    })),
  );
  const reference = Array.from({ length: REFERENCE_ROWS }, (_, i) =>
    features(inputs(i, REFERENCE_ROWS, false)),
  );
  const column = (name: string) => reference.map((row) => row[name] ?? null);
  const referenceScores = Array.from({ length: REFERENCE_ROWS }, (_, i) =>
    fraudScore(i, REFERENCE_ROWS, i % 10 === 0, 0.95),
  );
  const profile = buildReferenceProfile({
    task: 'fraud',
    features: Object.fromEntries(Object.keys(reference[0]!).map((name) => [name, column(name)])),
    scores: { fraud: referenceScores, legitimate: referenceScores.map((s) => 1 - s) },
  });
  const artifactUri = run.info.artifact_uri ?? '';
  await client.artifacts.upload(
    runArtifactPath(artifactUri, MODEL_ARTIFACTS.referenceProfile),
    JSON.stringify(profile),
    'application/json',
  );
  await client.api.updateRun({
    run_id: run.info.run_id,
    status: 'FINISHED',
    end_time: now - 13 * WEEK + HOUR,
  });
  await client.api.createRegisteredModel({ name: model });
  const { model_version } = await client.api.createModelVersion({
    name: model,
    source: `${artifactUri}/model`,
    run_id: run.info.run_id,
  });
  const version = model_version.version;

  const records: PredictionLogRecord[] = [];
  const chargebacks: { paymentId: string; at: number }[] = [];
  const serve = (id: string, at: number, x: Inputs, score: number, positive: boolean) => {
    records.push(
      examplePrediction({
        request_id: id,
        timestamp: new Date(at).toISOString(),
        entity_ids: { payment_id: `pay_${id}`, customer_id: `cus_${id}` },
        features: features(x),
        scores: { fraud: score, legitimate: 1 - score },
        model: { name: model, version, alias: 'champion' },
        decision: score > 0.5 ? 'high' : 'low',
      }),
    );
    if (positive) chargebacks.push({ paymentId: `pay_${id}`, at: at + 3 * DAY });
  };
  for (let week = 0; week < MONITORED_WEEKS; week += 1) {
    const end = now - week * WEEK;
    const goodShare = 0.4 + (0.55 * week) / (MONITORED_WEEKS - 1);
    // The week's traffic, away from its last hour (where the estimate of each window reads).
    const spreadRows = 240;
    for (let i = 0; i < spreadRows; i += 1) {
      const at = end - WEEK + 2 * HOUR + Math.floor(spread(i, spreadRows) * (WEEK - 4 * HOUR));
      const positive = i % 10 === 0;
      serve(
        `w${week}-${i}`,
        at,
        inputs(i, spreadRows, false),
        fraudScore(i, spreadRows, positive, goodShare),
        positive,
      );
    }
    // The week's last hour; this week's is the drift window, where four inputs moved.
    const lastHourRows = week === 0 ? 200 : 60;
    for (let i = 0; i < lastHourRows; i += 1) {
      const at = end - 50 * 60_000 + Math.floor(spread(i, lastHourRows) * 48 * 60_000);
      const positive = i % 10 === 0;
      serve(
        `h${week}-${i}`,
        at,
        inputs(i, lastHourRows, week === 0),
        fraudScore(i, lastHourRows, positive, goodShare),
        positive,
      );
    }
  }

  await migrateWarehouse(pool);
  await pool.query(
    `INSERT INTO fraud_labels (event_id, payment_id, source, reason_code, occurred_at)
     SELECT id, payment_id, 'chargeback', '10.4', occurred_at
     FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS t(id, payment_id, occurred_at)`,
    [
      chargebacks.map(() => randomUUID()),
      chargebacks.map((c) => c.paymentId),
      chargebacks.map((c) => new Date(c.at)),
    ],
  );
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: records
          .slice(i, i + 500)
          .map((record) => ({ key: record.request_id, value: JSON.stringify(record) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  return {
    model,
    version,
    now,
    predictions: records.length,
    driftedFeatures: ['amount_cents', 'amount_zscore', 'device_age_days', 'channel'],
    stableFeatures: ['txn_count_1h', 'customer_tenure_days', 'card_country'],
    testMetrics,
  };
}

export interface LiveMonitorOptions {
  registryUrl: string;
  /** The test's Postgres schema: the prediction log is created in it, labels are read from it. */
  schema: string;
  topic: string;
  /** A fixed port, e.g. the one registry-server was told with MODEL_MONITOR_URL. */
  port?: number;
}

/**
 * model-monitor as its own process (services/model-monitor/src/main.ts, as `make monitor` runs it)
 * on the test's schema and topic, with its schedule off: reports are computed when asked.
 */
export async function startLiveMonitor({
  registryUrl,
  schema,
  topic,
  port,
}: LiveMonitorOptions): Promise<ServiceProcess> {
  const infra = infraSettings();
  return startServiceProcess(
    'model-monitor',
    {
      WAREHOUSE_DATABASE_URL: infra.warehouseDatabaseUrl,
      MONITOR_SCHEMA: schema,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      PREDICTION_LOG_TOPIC: topic,
      PREDICTION_SINK_GROUP_ID: `${topic}-sink`,
      MONITOR_INTERVAL_SECONDS: '0',
      MLFLOW_TRACKING_URI: registryUrl,
    },
    port === undefined ? {} : { port },
  );
}

/** Resolves once the monitor's sink has written `count` predictions to the log. */
export async function untilLogged(pool: pg.Pool, count: number): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pool
        .query<{ n: string }>('SELECT count(*) AS n FROM prediction_log')
        .catch(() => ({ rows: [{ n: '0' }] }));
      return Number(rows[0]!.n) >= count;
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `${count} predictions in the log` },
  );
}
