import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PaymentEvent } from '@payments-mlops/contracts';
import {
  PostgresRegistryStore,
  RedisOnlineStore,
  RegistryCache,
  applyFeatureRepo,
  materialize,
} from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { createMetrics } from '@payments-mlops/service-kit';
import { PaymentSimulation, seedWarehouse } from '@payments-mlops/simulator';
import { FAST_CONSUMER_CONFIG, infraSettings, startRegistryServer, startServiceProcess, test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { describe, expect } from 'vitest';
import { ModelMonitor } from './domain/model-monitor.js';
import { RegistryModelCatalog } from './domain/model-version-catalog.js';
import { PredictionSinkConsumer } from './domain/prediction-sink-consumer.js';
import { MonitorMetrics } from './monitor-metrics.js';
import { PredictionLogStore } from './stores/prediction-log-store.js';

const REGISTRY_TOKEN = 'model-monitor-test-token';

const FEATURE_REPO = fileURLToPath(new URL('../../../feature-repo/', import.meta.url));
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 120;
const DRIFT_DAY = 60;
/** Days that end today, so that online features are fresh when ml-serving reads them. */
const START_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS - (HISTORY_DAYS - 1) * DAY_MS;
const DRIFTS = [
  { kind: 'amount-shift' as const, fromDay: DRIFT_DAY, magnitude: 2 },
  { kind: 'new-fraud-pattern' as const, fromDay: DRIFT_DAY, magnitude: 10 },
];
const simulation = (): PaymentSimulation =>
  new PaymentSimulation({
    seed: 21,
    startMs: START_MS,
    days: HISTORY_DAYS,
    events: 48_000,
    drifts: DRIFTS,
  });

interface Job {
  job_id: string;
  status: string;
  error: string | null;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok)
    throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

describe('the drift proof', () => {
  test(
    'drifted traffic served by ml-serving shows as drift against the pre-drift champion, and the degradation alert through the webhook trains a new version on data that includes the drift',
    { timeout: 900_000 },
    async ({ pg, s3, kafka, redis }) => {
      const infra = infraSettings();
      await migrateWarehouse(pg.pool);
      await seedWarehouse({ pool: pg.pool, simulation: simulation() });
      await applyFeatureRepo({
        directory: FEATURE_REPO,
        pool: pg.pool,
        appliedBy: 'model-monitor-e2e',
        registrySchema: pg.schema,
      });
      const registryStore = new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema });
      const definitions = new RegistryCache({
        store: registryStore,
        project: 'payments_mlops',
        refreshIntervalMs: 60_000,
      });
      const catalog = (await definitions.start())!;
      definitions.stop();
      await materialize({
        pool: pg.pool,
        store: new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix }),
        registry: registryStore,
        catalog,
        startMs: START_MS,
        endMs: Date.now(),
      });

      const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
      const stops: Array<() => Promise<void>> = [() => registry.stop()];
      try {
        const trainer = await startServiceProcess(
          'trainer',
          {
            WAREHOUSE_DATABASE_URL: pg.connectionString,
            TRAINER_DB_SCHEMA: `${pg.schema}_jobs`,
            FEATURE_REGISTRY_SCHEMA: pg.schema,
            MLFLOW_TRACKING_URI: registry.url,
            MLFLOW_TRACKING_TOKEN: registry.token,
            S3_ENDPOINT_URL: infra.s3.endpoint,
            AWS_ACCESS_KEY_ID: infra.s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: infra.s3.secretAccessKey,
            TRAINER_DATASET_BUCKET: s3.bucket,
            TRAINER_MATERIALIZE_FIRST: 'false',
            TRAINER_WORK_DIR: mkdtempSync(path.join(tmpdir(), 'e2e-trainer-')),
            REDIS_URL: redis.url,
          },
          { readyPath: '/healthz' },
        );
        stops.unshift(() => trainer.stop());
        // The champion: trained on what was known before the drift began.
        const submitted = await json<Job>(
          await fetch(`${trainer.url}/jobs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              task: 'fraud',
              as_of: new Date(START_MS + DRIFT_DAY * DAY_MS).toISOString(),
              reason: 'e2e: before the drift',
            }),
          }),
        );
        const job = await waitFor(
          async () => {
            const current = await json<Job>(await fetch(`${trainer.url}/jobs/${submitted.job_id}`));
            if (current.status === 'failed') throw new Error(`training failed: ${current.error}`);
            return current.status === 'succeeded' ? current : undefined;
          },
          { timeoutMs: 600_000, intervalMs: 1_000, description: 'the fraud training job' },
        );
        expect(job.status).toBe('succeeded');
        const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
        const champion = (await client.findVersionByAlias('fraud-detector', 'champion'))!;
        expect(champion).toBeDefined();

        const serving = await startServiceProcess(
          'ml-serving',
          {
            WAREHOUSE_DATABASE_URL: pg.connectionString,
            FEATURE_REGISTRY_SCHEMA: pg.schema,
            REDIS_URL: redis.url,
            SERVING_ONLINE_KEY_PREFIX: redis.prefix,
            MLFLOW_TRACKING_URI: registry.url,
            MLFLOW_TRACKING_TOKEN: registry.token,
            SERVING_MODEL_POLL_MS: '500',
            KAFKA_BROKERS: kafka.brokers.join(','),
            PREDICTION_LOG_TOPIC: kafka.topic,
          },
          { readyPath: '/healthz' },
        );
        stops.unshift(() => serving.stop());

        const store = new PredictionLogStore(pg.pool, { retentionDays: 30 });
        await store.migrate();
        const metrics = new MonitorMetrics(
          createMetrics('model-monitor', { defaultMetrics: false }).registry,
        );
        const sink = new PredictionSinkConsumer({
          kafka: kafka.kafka,
          topic: kafka.topic,
          groupId: uniqueName('sink', '-'),
          store,
          metrics,
          consumerConfig: FAST_CONSUMER_CONFIG,
        });
        await sink.start();
        stops.unshift(() => sink.stop());

        // The drifted days' payments, scored as the payment workflows score them.
        const drifted: PaymentEvent[] = [];
        for (const record of simulation()) {
          if (
            record.kind === 'payment' &&
            record.at >= START_MS + DRIFT_DAY * DAY_MS &&
            record.event.attempt_number === 1
          )
            drifted.push(record.event);
        }
        // The most recent ones: the online features were materialized at the end of the history.
        const requests = drifted.slice(-3_000);
        const started = Date.now();
        let answered = 0;
        for (let i = 0; i < requests.length; i += 20) {
          const answers = await Promise.all(
            requests.slice(i, i + 20).map(async (event) => {
              const {
                event_id: _id,
                schema_version: _v,
                payment_type: _t,
                status: _s,
                decline_code: _c,
                decline_type: _d,
                occurred_at,
                ...fields
              } = event;
              const response = await fetch(`${serving.url}/fraud/score`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({
                  ...fields,
                  customer_id: fields.customer_id ?? `guest_${event.payment_id}`,
                  initiated_at: occurred_at,
                }),
              });
              return response.status;
            }),
          );
          answered += answers.filter((s) => s === 200).length;
        }
        expect(answered).toBe(requests.length);
        const logged = async (): Promise<number> =>
          Number(
            (await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log'))
              .rows[0]!.n,
          );
        await waitFor(async () => (await logged()) >= requests.length, {
          timeoutMs: 60_000,
          intervalMs: 250,
          description: 'every prediction in the log',
        });

        const monitor = new ModelMonitor({
          store,
          pool: pg.pool,
          catalog: new RegistryModelCatalog(client),
          metrics,
          settings: {
            windowMinutes: 60,
            maxWindowRows: 100_000,
            thresholds: { distance: 0.1, pValue: 0.05, smallReferenceRows: 1_000 },
            driftShare: 0.5,
            performanceWindowDays: 30,
            fraudMaturityDays: 0,
            churnHorizonDays: 30,
          },
        });
        const report = await monitor.drift('fraud-detector', champion.version, {
          fromMs: started - 60_000,
          toMs: Date.now() + 60_000,
        });
        console.log(
          JSON.stringify(
            report.features.map((f) => [
              f.column,
              f.method,
              Number(f.statistic.toFixed(3)),
              f.drifted,
            ]),
          ),
        );
        expect(report.window.rows).toBe(requests.length);
        const driftedColumns = report.features.filter((f) => f.drifted).map((f) => f.column);
        // The amount doubled: the request field and the features built on it move.
        expect(driftedColumns).toEqual(
          expect.arrayContaining(['amount_cents', 'amount_zscore', 'amount_to_merchant_avg_ratio']),
        );
        expect(report.features.map((f) => f.column)).toEqual(
          Object.keys(
            (await new RegistryModelCatalog(client).get('fraud-detector', champion.version)).profile
              .features,
          ),
        );

        // Labels of the drifted days are in the warehouse (the simulator's chargebacks): realized performance.
        const performance = await monitor.performance('fraud-detector', champion.version, {
          fromMs: started - 60_000,
          toMs: Date.now() + 60_000,
        });
        console.log(
          JSON.stringify({
            realized: performance.realized,
            test: performance.test_metrics.pr_auc,
            degradation: performance.degradation,
            estimated: performance.estimated,
          }),
        );
        expect(performance.primary_metric).toBe('pr_auc');

        // The degradation alert, as Alertmanager delivers it (routing: alert-routing.int.test.ts).
        const retrain = await json<{ accepted: Array<{ task: string; job_id: string }> }>(
          await fetch(`${trainer.url}/webhooks/retrain`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              version: '4',
              status: 'firing',
              receiver: 'trainer-retrain',
              commonLabels: { model: 'fraud-detector' },
              alerts: [
                {
                  status: 'firing',
                  labels: {
                    alertname: 'ModelPrimaryMetricDegraded',
                    retrain: 'true',
                    model: 'fraud-detector',
                    version: champion.version,
                    metric: 'pr_auc',
                  },
                },
              ],
            }),
          }),
        );
        expect(retrain.accepted.map((a) => a.task)).toEqual(['fraud']);
        await waitFor(
          async () => {
            const current = await json<Job>(
              await fetch(`${trainer.url}/jobs/${retrain.accepted[0]!.job_id}`),
            );
            if (current.status === 'failed') throw new Error(`retraining failed: ${current.error}`);
            return current.status === 'succeeded';
          },
          { timeoutMs: 600_000, intervalMs: 1_000, description: 'the retraining job' },
        );
        const challenger = (await client.findVersionByAlias('fraud-detector', 'challenger'))!;
        const latest = (await client.findVersionByAlias('fraud-detector', 'champion'))!;
        const retrained =
          Number(challenger?.version ?? 0) > Number(champion.version) ? challenger : latest;
        expect(Number(retrained.version)).toBeGreaterThan(Number(champion.version));
        // Its training rows reach past the start of the drift (fraud labels wait 30 days, hence the
        // 120-day history): it learned from the new pattern's days.
        const { run } = await client.api.getRun({ run_id: retrained.run_id! });
        const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
        console.log(
          JSON.stringify({
            champion: champion.version,
            retrained: retrained.version,
            challenger: challenger?.version,
            window_end: params.window_end,
            labels_as_of: params.labels_as_of,
          }),
        );
        expect(Date.parse(params.window_end!)).toBeGreaterThan(START_MS + (DRIFT_DAY + 7) * DAY_MS);
      } finally {
        for (const stop of stops) await stop().catch(() => undefined);
        await pg.pool.query(`DROP SCHEMA IF EXISTS ${pg.schema}_jobs CASCADE`);
      }
    },
  );
});
