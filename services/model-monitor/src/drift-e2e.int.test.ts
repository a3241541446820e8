import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DriftReport, PaymentEvent, PerformanceReport } from '@payments-mlops/contracts';
import { PostgresRegistryStore, RedisOnlineStore, RegistryCache, applyFeatureRepo } from '@payments-mlops/feature-store';
import { RegistryClient } from '@payments-mlops/registry-client';
import { PaymentSimulation, seedWarehouse } from '@payments-mlops/simulator';
import { infraSettings, startRegistryServer, startServiceProcess, test, uniqueName, waitFor } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { beforeAll, describe, expect } from 'vitest';
import { RegistryModelCatalog } from './domain/model-version-catalog.js';
import {
  alertmanagerConfigFor,
  installPrometheus,
  modelQualityRulesWith,
  prometheusAlerts,
  startAlertmanager,
  startPrometheus,
} from './testing/alerting-processes.js';
import { ServedReplay } from './testing/served-replay.js';

const REGISTRY_TOKEN = 'model-monitor-test-token';
const FEATURE_REPO = fileURLToPath(new URL('../../../feature-repo/', import.meta.url));
const DAY_MS = 86_400_000;

/**
 * The timeline, in days of the simulation. The champion is trained at day 120: fraud labels wait
 * 30 days and the window is 60, so it learns from days 30 to 90, after the first month in which
 * the 30-day windows fill up. It is served from day 120; the drift begins at day 125; the history
 * goes on 40 days more so that the retraining job has labelled rows past the drift.
 */
const HISTORY_DAYS = 165;
const CHAMPION_DAY = 120;
const DRIFT_DAY = 125;
const DRIFTED_DAYS = 7;
/**
 * Days that end on a fixed date. The simulation follows the calendar (weekday intensity, paydays,
 * pay cycles), so the days it covers decide its traffic and the distances checked below: with
 * days that ended on the day the test ran, they moved from one day to the next, and on some days
 * pre-drift traffic crossed 0.1 on short-window counts with no drift at all. Nothing else here
 * reads today's date from the history: training takes `as_of` or the last payment, and the replay
 * moves the served days to today for Redis' clock.
 */
const HISTORY_END_MS = Date.parse('2026-12-07T00:00:00Z');
const START_MS = HISTORY_END_MS - (HISTORY_DAYS - 1) * DAY_MS;
const dayMs = (day: number): number => START_MS + day * DAY_MS;
const DRIFTS = [
  { kind: 'amount-shift' as const, fromDay: DRIFT_DAY, magnitude: 2 },
  { kind: 'new-fraud-pattern' as const, fromDay: DRIFT_DAY, magnitude: 10 },
];
const simulation = (): PaymentSimulation =>
  new PaymentSimulation({ seed: 21, startMs: START_MS, days: HISTORY_DAYS, events: 66_000, drifts: DRIFTS });

/**
 * What the injected drift moves past the 0.1 threshold. `amount-shift` doubles every amount: the
 * request's amount and its ratio to the merchant's 30-day average (a daily mart over 30 days,
 * barely moved a week in). `new-fraud-pattern` spends stolen cards at everyday merchants, whose
 * chargebacks now come in (merchant_fraud_label_rate_30d). Sums and averages of amounts over
 * customer and card history move too, by less than a tenth of their heavy-tailed spread.
 */
const AFFECTED = ['amount_cents', 'amount_to_merchant_avg_ratio', 'merchant_fraud_label_rate_30d'];
/**
 * What moves without the drift, between the training rows (days 30 to 90) and the served days
 * (120 to 132): lifetime aggregates of a feature store whose history begins with the simulation
 * (days since the first payment, a merchant's customers, a customer's payment methods grow with
 * every day), hard declines (cards expire and are not reissued: 0.4 % of attempts in the first
 * fortnight, 1.1 % to 1.8 % by day 120) and with them the failure rates and the time since the
 * last failure. The control window, pre-drift traffic against the same champion, shows them.
 */
const MOVED_BY_TIME = [
  'customer_days_since_first_payment',
  'merchant_customer_count',
  'customer_payment_method_count',
  'merchant_failure_rate_30d',
  'card_hard_declines_30d',
  'hours_since_last_customer_failure',
];

interface Job {
  job_id: string;
  task: string;
  trigger: string;
  status: string;
  error: string | null;
  created_at: string;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The fraud endpoint's request for a simulated payment, as the payment workflows send it. */
function fraudRequest(event: PaymentEvent): Record<string, unknown> {
  const { event_id: _id, schema_version: _v, payment_type: _t, status: _s, decline_code: _c, decline_type: _d, occurred_at, ...fields } = event;
  return { ...fields, initiated_at: occurred_at };
}

const summary = (report: DriftReport) => report.features.map((f) => [f.column, f.method, Number(f.statistic.toFixed(3)), f.drifted]);

describe('the drift proof', () => {
  beforeAll(() => installPrometheus(), 600_000);

  test(
    'drifted traffic drifts on the amount and fraud-label features and on nothing pre-drift traffic leaves alone; the degradation alert fires in Prometheus, Alertmanager calls the webhook, the trainer registers a challenger trained past the drift',
    { timeout: 900_000 },
    async ({ pg, s3, kafka, redis }) => {
      const infra = infraSettings();
      await migrateWarehouse(pg.pool);
      await seedWarehouse({ pool: pg.pool, simulation: simulation() });
      await applyFeatureRepo({ directory: FEATURE_REPO, pool: pg.pool, appliedBy: 'model-monitor-e2e', registrySchema: pg.schema });
      const registryStore = new PostgresRegistryStore({ pool: pg.pool, schema: pg.schema });
      const definitions = new RegistryCache({ store: registryStore, project: 'payments_mlops', refreshIntervalMs: 60_000 });
      const catalog = (await definitions.start())!;
      definitions.stop();
      // The online store lives in simulated time: what ml-serving reads is what was known then.
      let simulatedNow = START_MS;
      const onlineStore = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix, clock: () => simulatedNow });

      const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
      const stops: Array<() => Promise<void>> = [() => registry.stop()];
      const timeline: Array<[string, number]> = [];
      const mark = (what: string): void => void timeline.push([what, Date.now()]);
      const testStarted = Date.now();
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
        const jobDone = (id: string) =>
          waitFor(
            async () => {
              const current = await json<Job>(await fetch(`${trainer.url}/jobs/${id}`));
              if (current.status === 'failed') throw new Error(`training failed: ${current.error}`);
              return current.status === 'succeeded' ? current : undefined;
            },
            { timeoutMs: 600_000, intervalMs: 1_000, description: `training job ${id}` },
          );
        // The champion: what was known at day 120, five days before the drift.
        const submitted = await json<Job>(
          await fetch(`${trainer.url}/jobs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ task: 'fraud', as_of: new Date(dayMs(CHAMPION_DAY)).toISOString(), reason: 'e2e: before the drift' }),
          }),
        );
        await jobDone(submitted.job_id);
        mark('champion trained');
        const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
        const champion = (await client.findVersionByAlias('fraud-detector', 'champion'))!;
        expect(champion).toBeDefined();
        const { profile, testMetrics } = await new RegistryModelCatalog(client).get('fraud-detector', champion.version);
        // The whole training set, not its test period: large enough for the distances.
        expect(profile.row_count).toBeGreaterThan(5_000);

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
            // Two busy cores: a read past the 25 ms budget would answer without stored features.
            SERVING_FEATURE_DEADLINE_MS: '5000',
            KAFKA_BROKERS: kafka.brokers.join(','),
            PREDICTION_LOG_TOPIC: kafka.topic,
          },
          { readyPath: '/healthz' },
        );
        stops.unshift(() => serving.stop());
        // The monitor as deployed: the sink, the scheduled evaluation and /metrics, every 2 s.
        const monitor = await startServiceProcess(
          'model-monitor',
          {
            WAREHOUSE_DATABASE_URL: pg.connectionString,
            // The log beside the test's warehouse tables, whose labels it joins.
            MONITOR_SCHEMA: pg.schema,
            KAFKA_BROKERS: kafka.brokers.join(','),
            PREDICTION_LOG_TOPIC: kafka.topic,
            PREDICTION_SINK_GROUP_ID: uniqueName('sink', '-'),
            MONITOR_INTERVAL_SECONDS: '2',
            MONITOR_WINDOW_MINUTES: '60',
            PERFORMANCE_WINDOW_DAYS: '1',
            // Replayed payments' chargebacks are already in the warehouse.
            FRAUD_LABEL_MATURITY_DAYS: '0',
            MLFLOW_TRACKING_URI: registry.url,
            MLFLOW_TRACKING_TOKEN: registry.token,
          },
          { readyPath: '/healthz' },
        );
        stops.unshift(() => monitor.stop());
        // Served as it happened: the five pre-drift days after the cut-off, then seven drifted days.
        const history: PaymentEvent[] = [];
        const payments: PaymentEvent[] = [];
        for (const record of simulation()) {
          if (record.kind !== 'payment' || record.at >= dayMs(DRIFT_DAY + DRIFTED_DAYS)) continue;
          (record.at < dayMs(CHAMPION_DAY) ? history : payments).push(record.event);
        }
        const control = payments.filter((p) => Date.parse(p.occurred_at) < dayMs(DRIFT_DAY));
        const drifted = payments.filter((p) => Date.parse(p.occurred_at) >= dayMs(DRIFT_DAY));
        const replay = new ServedReplay({
          pool: pg.pool,
          catalog,
          store: onlineStore,
          setClock: (ms) => (simulatedNow = ms),
          // The served days start today, where Redis has not expired them yet.
          shiftMs: Math.ceil((Date.now() - dayMs(CHAMPION_DAY)) / DAY_MS) * DAY_MS,
          score: async (event) =>
            (
              await fetch(`${serving.url}/fraud/score`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(fraudRequest(event)),
              })
            ).status,
        });
        await replay.prime(history, dayMs(CHAMPION_DAY));
        const controlFrom = Date.now();
        mark('control traffic served from');
        expect((await replay.serve(control)).filter((s) => s === 200)).toHaveLength(control.length);
        // The pre-drift traffic as the monitor's gauges have it once every prediction of it is
        // labelled: nothing to alert on. Its few chargebacks are too few to judge PR AUC by
        // (MONITOR_MIN_LABELLED_PER_CLASS, 10 by default), so there is no degradation gauge at all
        // rather than a noisy one. (Prometheus starts after it all the same.)
        const gauge = async (name: string): Promise<number | undefined> => {
          const text = await (await fetch(`${monitor.url}/metrics`)).text();
          const line = text.split('\n').find((l) => l.startsWith(`model_monitor_${name}{`) && l.includes(`version="${champion.version}"`));
          return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
        };
        const controlGauge = await waitFor(
          async () => ((await gauge('labelled_predictions')) === control.length ? { degradation: await gauge('primary_metric_degradation_ratio') } : undefined),
          { timeoutMs: 60_000, intervalMs: 500, description: 'the control traffic labelled in the monitor' },
        );
        expect(controlGauge.degradation).toBeUndefined();
        mark('control traffic evaluated');
        const alertmanager = await startAlertmanager(alertmanagerConfigFor(trainer.url));
        stops.unshift(() => alertmanager.stop());
        const prometheus = await startPrometheus({
          targets: { 'model-monitor': new URL(monitor.url).host },
          alertmanager: alertmanager.url,
          rules: modelQualityRulesWith('10s'),
          interval: '1s',
        });
        stops.unshift(() => prometheus.stop());
        mark('Prometheus and Alertmanager started');
        const driftedFrom = Date.now();
        mark('drifted traffic served from');
        expect((await replay.serve(drifted)).filter((s) => s === 200)).toHaveLength(drifted.length);
        const driftedTo = Date.now();
        mark('drifted traffic served until');
        await waitFor(
          async () => Number((await pg.pool.query<{ n: string }>('SELECT count(DISTINCT payment_id) AS n FROM prediction_log')).rows[0]!.n) >= payments.length,
          { timeoutMs: 60_000, intervalMs: 250, description: 'every prediction in the log' },
        );
        mark('every prediction logged');
        const degraded = await pg.pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_log WHERE degraded');
        expect(Number(degraded.rows[0]!.n)).toBe(0);

        const report = async <T>(kind: 'drift' | 'performance', fromMs: number, toMs: number): Promise<T> =>
          json<T>(
            await fetch(
              `${monitor.url}/models/fraud-detector/versions/${champion.version}/${kind}?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs + 1_000).toISOString()}`,
            ),
          );
        const controlDrift = await report<DriftReport>('drift', controlFrom, driftedFrom - 1_000);
        const driftedDrift = await report<DriftReport>('drift', driftedFrom, driftedTo);
        console.log(JSON.stringify({ control: summary(controlDrift), drifted: summary(driftedDrift) }));
        expect(controlDrift.window.rows).toBe(control.length);
        expect(driftedDrift.window.rows).toBe(drifted.length);
        const driftedColumns = (r: DriftReport) => r.features.filter((f) => f.drifted).map((f) => f.column);
        // Above 1,000 reference rows: distances, not p-values.
        for (const feature of driftedDrift.features) expect(['wasserstein', 'jensen_shannon']).toContain(feature.method);
        expect(driftedDrift.features.map((f) => f.column)).toEqual(Object.keys(profile.features));
        const unaffected = Object.keys(profile.features).filter((f) => !AFFECTED.includes(f) && !MOVED_BY_TIME.includes(f));
        // Pre-drift traffic: nothing the drift moves, no dataset drift; what time moved, the lifetime aggregates first.
        expect.soft(controlDrift.dataset_drift).toBe(false);
        expect.soft(driftedColumns(controlDrift).filter((f) => !MOVED_BY_TIME.includes(f))).toEqual([]);
        expect.soft(driftedColumns(controlDrift)).toEqual(expect.arrayContaining(['customer_days_since_first_payment', 'merchant_customer_count']));
        // Drifted traffic: every affected feature, and of the others none but what time moved.
        expect.soft(driftedColumns(driftedDrift)).toEqual(expect.arrayContaining(AFFECTED));
        expect.soft(driftedColumns(driftedDrift).filter((f) => unaffected.includes(f))).toEqual([]);
        expect(unaffected.length).toBeGreaterThan(35);

        const performance = await report<PerformanceReport>('performance', driftedFrom, driftedTo);
        console.log(JSON.stringify({ realized: performance.realized, test: testMetrics, degradation: performance.degradation, estimated: performance.estimated }));
        expect(performance.primary_metric).toBe('pr_auc');
        expect.soft(performance.degradation!).toBeGreaterThan(0.1);

        // The rule that ships fires on the monitor's gauge, Alertmanager routes it to the webhook.
        const firing = await waitFor(
          async () => (await prometheusAlerts(prometheus)).find((a) => a.labels.alertname === 'ModelPrimaryMetricDegraded' && a.state === 'firing'),
          { timeoutMs: 120_000, intervalMs: 500, description: 'ModelPrimaryMetricDegraded firing in Prometheus' },
        );
        mark('alert firing in Prometheus');
        // Pending once the drifted traffic's chargebacks are in the monitor's window.
        expect(Date.parse(firing.activeAt)).toBeGreaterThanOrEqual(driftedFrom);
        expect(firing.labels).toMatchObject({ model: 'fraud-detector', version: champion.version, metric: 'pr_auc', retrain: 'true' });
        const retrainJob = await waitFor(
          async () => (await json<{ jobs: Job[] }>(await fetch(`${trainer.url}/jobs?task=fraud`))).jobs.find((j) => j.trigger === 'webhook'),
          { timeoutMs: 60_000, intervalMs: 250, description: 'a retraining job started by the webhook' },
        );
        mark('retraining job started by the webhook');
        await jobDone(retrainJob.job_id);
        mark('retraining job succeeded');
        const jobs = (await json<{ jobs: Job[] }>(await fetch(`${trainer.url}/jobs?task=fraud`))).jobs;
        expect(jobs.filter((j) => j.trigger === 'webhook')).toHaveLength(1);

        const challenger = (await client.findVersionByAlias('fraud-detector', 'challenger'))!;
        expect(Number(challenger.version)).toBeGreaterThan(Number(champion.version));
        // Its training rows reach past the start of the drift: it learned from the new pattern's days.
        const { run } = await client.api.getRun({ run_id: challenger.run_id! });
        const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
        expect(Date.parse(params.window_end!)).toBeGreaterThan(dayMs(DRIFT_DAY + 7));
        const controlPerformance = await report<PerformanceReport>('performance', controlFrom, driftedFrom - 1_000);
        expect(controlPerformance.realized.rows).toBe(control.length);
        expect(controlPerformance.realized.positives).toBeLessThan(10);
        expect(controlPerformance.degradation).toBeNull();
        console.log(
          JSON.stringify({
            control_degradation: controlPerformance.degradation,
            control_realized: controlPerformance.realized,
            challenger: challenger.version,
            window_end: params.window_end,
            timeline_s: timeline.map(([what, at]) => [what, Math.round((at - testStarted) / 100) / 10]),
            alert_active_at_s: Math.round((Date.parse(firing.activeAt) - testStarted) / 100) / 10,
            alert_value: firing.value,
          }),
        );
      } finally {
        for (const stop of stops) await stop().catch(() => undefined);
        await pg.pool.query(`DROP SCHEMA IF EXISTS ${pg.schema}_jobs CASCADE`);
      }
    },
  );
});
