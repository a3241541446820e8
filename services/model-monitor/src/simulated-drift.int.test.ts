import {
  MODEL_ARTIFACTS,
  type DriftReport,
  type PaymentEvent,
  type PredictionLogRecord,
} from '@payments-mlops/contracts';
import { KafkaPredictionPublisher, buildReferenceProfile } from '@payments-mlops/monitoring';
import { RegistryClient, runArtifactPath } from '@payments-mlops/registry-client';
import { createLogger, createMetrics } from '@payments-mlops/service-kit';
import { PaymentSimulation } from '@payments-mlops/simulator';
import { FAST_CONSUMER_CONFIG, startRegistryServer, test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import { buildApp } from './app.js';
import { ModelMonitor } from './domain/model-monitor.js';
import { DEFAULT_MONITOR_SETTINGS } from './testing/monitor-settings.js';
import { RegistryModelCatalog } from './domain/model-version-catalog.js';
import { PredictionSinkConsumer } from './domain/prediction-sink-consumer.js';
import { MonitorMetrics } from './monitor-metrics.js';
import { PredictionLogStore } from './stores/prediction-log-store.js';

const REGISTRY_TOKEN = 'model-monitor-test-token';

/** The request fields of a payment the fraud endpoint receives, as the prediction log records them. */
const FIELDS = [
  'amount_cents',
  'currency',
  'payment_method_type',
  'card_brand',
  'card_country',
  'channel',
  'merchant_category_code',
  'is_guest_checkout',
] as const;
const START_MS = Date.UTC(2026, 0, 1);

function payments(
  drifts: ConstructorParameters<typeof PaymentSimulation>[0]['drifts'],
): PaymentEvent[] {
  const simulation = new PaymentSimulation({
    seed: 11,
    startMs: START_MS,
    days: 14,
    events: 4_000,
    ...(drifts ? { drifts } : {}),
  });
  const out: PaymentEvent[] = [];
  for (const record of simulation) if (record.kind === 'payment') out.push(record.event);
  return out;
}

const featuresOf = (event: PaymentEvent): PredictionLogRecord['features'] =>
  Object.fromEntries(
    FIELDS.map((f) => [
      f,
      (event[f] as PredictionLogRecord['features'][string] | undefined) ?? null,
    ]),
  );

describe('drift on simulated traffic', () => {
  test("the simulator's amount shift is reported on amount_cents and on no other request field", async ({
    pg,
    s3,
    kafka,
  }) => {
    const reference = payments(undefined);
    const shifted = payments([{ kind: 'amount-shift', fromDay: 0, magnitude: 1.5 }]);
    expect(reference.length).toBeGreaterThan(1_000);

    const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
    const publisher = new KafkaPredictionPublisher({
      kafka: kafka.kafka,
      topic: kafka.topic,
      registry: new Registry(),
    });
    const store = new PredictionLogStore(pg.pool, { retentionDays: 3650 });
    const metrics = createMetrics('model-monitor', { defaultMetrics: false });
    const monitorMetrics = new MonitorMetrics(metrics.registry, metrics.prefix);
    const sink = new PredictionSinkConsumer({
      kafka: kafka.kafka,
      topic: kafka.topic,
      groupId: uniqueName('sink', '-'),
      store,
      metrics: monitorMetrics,
      consumerConfig: FAST_CONSUMER_CONFIG,
    });
    try {
      await store.migrate();
      // The version's reference: the unshifted traffic's request fields.
      const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
      const { experiment_id } = await client.api.createExperiment({ name: 'fraud' });
      const { run } = await client.api.createRun({ experiment_id, start_time: START_MS });
      const columns = Object.fromEntries(
        FIELDS.map((f) => [f, reference.map((e) => featuresOf(e)[f] ?? null)]),
      );
      const profile = buildReferenceProfile({ task: 'fraud', features: columns, scores: {} });
      await client.artifacts.upload(
        runArtifactPath(run.info.artifact_uri ?? '', MODEL_ARTIFACTS.referenceProfile),
        JSON.stringify(profile),
        'application/json',
      );
      await client.api.createRegisteredModel({ name: 'fraud-detector' });
      const { model_version } = await client.api.createModelVersion({
        name: 'fraud-detector',
        source: 'mlflow-artifacts:/x/model',
        run_id: run.info.run_id,
      });

      // The shifted traffic goes the way served predictions go: publisher, Kafka, sink, Postgres.
      await publisher.start();
      await sink.start();
      shifted.forEach((event, i) =>
        publisher.record({
          request_id: `req-${i}`,
          task: 'fraud',
          endpoint: '/fraud/score',
          entity_ids: { payment_id: event.payment_id, customer_id: event.customer_id ?? 'guest' },
          features: featuresOf(event),
          scores: { fraud: 0.01, legitimate: 0.99 },
          model: { name: 'fraud-detector', version: model_version.version, alias: 'champion' },
          decision: 'low',
          degraded: false,
          latency_ms: 1,
          timestamp: event.occurred_at,
        }),
      );
      await publisher.drain();
      const logged = async (): Promise<number> =>
        Number(
          (await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log')).rows[0]!
            .n,
        );
      await waitFor(async () => (await logged()) === shifted.length, {
        timeoutMs: 30_000,
        intervalMs: 100,
        description: `${shifted.length} logged predictions`,
      });

      const monitor = new ModelMonitor({
        store,
        pool: pg.pool,
        catalog: new RegistryModelCatalog(client),
        metrics: monitorMetrics,
        settings: DEFAULT_MONITOR_SETTINGS,
      });
      const app = await buildApp({
        logger: createLogger({ service: 'model-monitor', level: 'silent' }),
        metrics,
        pool: pg.pool,
        monitor,
      });
      const from = new Date(START_MS).toISOString();
      const to = new Date(START_MS + 15 * 86_400_000).toISOString();
      const response = await app.inject({
        method: 'GET',
        url: `/models/fraud-detector/versions/${model_version.version}/drift?from=${from}&to=${to}`,
      });
      expect(response.statusCode).toBe(200);
      const report = response.json<DriftReport>();
      expect(report.window.rows).toBe(shifted.length);
      expect(report.features.filter((f) => f.drifted).map((f) => f.column)).toEqual([
        'amount_cents',
      ]);
      expect(report.features.find((f) => f.column === 'amount_cents')).toMatchObject({
        method: 'wasserstein',
        drifted: true,
      });
      expect(report.dataset_drift).toBe(false);
      await app.close();
    } finally {
      await publisher.close();
      await sink.stop();
      await registry.stop();
    }
  });
});
