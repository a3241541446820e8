import { randomUUID } from 'node:crypto';
import { averagePrecision, rocAuc } from '@payments-mlops/boosting';
import {
  MODEL_ARTIFACTS,
  type DriftReport,
  type PerformanceReport,
  type PredictionLogRecord,
} from '@payments-mlops/contracts';
import {
  buildReferenceProfile,
  estimatedRocAuc,
  examplePrediction,
} from '@payments-mlops/monitoring';
import { RegistryClient, runArtifactPath } from '@payments-mlops/registry-client';
import { createLogger, createMetrics } from '@payments-mlops/service-kit';
import { startRegistryServer, test } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { describe, expect } from 'vitest';
import { buildApp } from './app.js';
import { ModelMonitor } from './domain/model-monitor.js';
import { DEFAULT_MONITOR_SETTINGS } from './testing/monitor-settings.js';
import { RegistryModelCatalog } from './domain/model-version-catalog.js';
import { MonitorMetrics } from './monitor-metrics.js';
import { PredictionLogStore } from './stores/prediction-log-store.js';

const REGISTRY_TOKEN = 'model-monitor-test-token';

const DAY_MS = 86_400_000;
const NOW = Math.floor(Date.now() / 1_000) * 1_000;
const CHANNELS = ['web', 'mobile_app', 'in_store'];
const spread = (i: number, n: number): number => (i + 0.5) / n;

/** A fraud-detector version in a real registry: run with test metrics and the reference profile. */
async function registerVersion(client: RegistryClient): Promise<string> {
  const { experiment_id } = await client.api.createExperiment({ name: 'fraud' });
  const { run } = await client.api.createRun({ experiment_id, start_time: NOW });
  await client.logMetrics(run.info.run_id, [
    { key: 'test_pr_auc', value: 0.8, timestamp: NOW, step: 0 },
    { key: 'test_roc_auc', value: 0.95, timestamp: NOW, step: 0 },
  ]);
  const rows = 2_000;
  const profile = buildReferenceProfile({
    task: 'fraud',
    features: {
      amount_cents: Array.from({ length: rows }, (_, i) => 1_000 + 9_000 * spread(i, rows)),
      txn_count_1h: Array.from({ length: rows }, (_, i) => Math.floor(10 * spread(i, rows))),
      channel: Array.from({ length: rows }, (_, i) => CHANNELS[i % 3]!),
    },
    scores: {
      fraud: Array.from({ length: rows }, (_, i) => 0.2 * spread(i, rows)),
      legitimate: Array.from({ length: rows }, (_, i) => 1 - 0.2 * spread(i, rows)),
    },
  });
  const uri = run.info.artifact_uri ?? '';
  await client.artifacts.upload(
    runArtifactPath(uri, MODEL_ARTIFACTS.referenceProfile),
    JSON.stringify(profile),
    'application/json',
  );
  await client.api.createRegisteredModel({ name: 'fraud-detector' });
  const { model_version } = await client.api.createModelVersion({
    name: 'fraud-detector',
    source: `${uri}/model`,
    run_id: run.info.run_id,
  });
  return model_version.version;
}

function prediction(
  i: number,
  at: number,
  amount: number,
  fraud: number,
  version: string,
): PredictionLogRecord {
  return examplePrediction({
    request_id: `req-${at}-${i}`,
    timestamp: new Date(at).toISOString(),
    entity_ids: { payment_id: `pay_${at}_${i}`, customer_id: `cus_${i % 50}` },
    features: { amount_cents: amount, txn_count_1h: i % 10, channel: CHANNELS[i % 3]! },
    scores: { fraud, legitimate: 1 - fraud },
    model: { name: 'fraud-detector', version, alias: 'champion' },
  });
}

describe('model-monitor API', () => {
  test('reports drift on the shifted feature only, realized performance from the label tables, its degradation, and the gauges', async ({
    pg,
    s3,
  }) => {
    const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
    try {
      await migrateWarehouse(pg.pool);
      const client = new RegistryClient({ baseUrl: registry.url, token: registry.token });
      const version = await registerVersion(client);
      const store = new PredictionLogStore(pg.pool, { retentionDays: 90, clock: () => NOW });
      await store.migrate();

      // The last hour: amounts moved up by a third of their range, the rest as in training.
      const recent = Array.from({ length: 1_000 }, (_, i) =>
        prediction(
          i,
          NOW - 3_000_000 + i * 1_000,
          4_000 + 9_000 * spread(i, 1_000),
          0.2 * spread(i, 1_000),
          version,
        ),
      );
      // Twenty days ago (labels final): every tenth payment was fraud; the model ranks only half of them high.
      const oldAt = NOW - 20 * DAY_MS;
      const labelled = Array.from({ length: 400 }, (_, i) => {
        const fraud = i % 10 === 0;
        const score = fraud ? (i % 20 === 0 ? 0.9 : 0.05 + i / 10_000) : 0.1 + i / 10_000;
        return { record: prediction(i, oldAt + i * 1_000, 5_000, score, version), fraud };
      });
      // Five days ago: too recent for final fraud labels, so left out even with a chargeback.
      const young = prediction(0, NOW - 5 * DAY_MS, 5_000, 0.01, version);
      await store.insert([...recent, ...labelled.map((l) => l.record), young]);
      const chargeback = (paymentId: string, at: number) =>
        pg.pool.query(
          `INSERT INTO fraud_labels (event_id, payment_id, source, reason_code, occurred_at) VALUES ($1, $2, 'chargeback', '10.4', $3)`,
          [randomUUID(), paymentId, new Date(at)],
        );
      for (const l of labelled)
        if (l.fraud) await chargeback(l.record.entity_ids.payment_id!, oldAt + 7 * DAY_MS);
      await chargeback(young.entity_ids.payment_id!, NOW - DAY_MS);

      const metrics = createMetrics('model-monitor', { defaultMetrics: false });
      const monitorMetrics = new MonitorMetrics(metrics.registry, metrics.prefix);
      const settings = DEFAULT_MONITOR_SETTINGS;
      const monitor = new ModelMonitor({
        store,
        pool: pg.pool,
        catalog: new RegistryModelCatalog(client),
        metrics: monitorMetrics,
        clock: () => NOW,
        settings,
      });
      const app = await buildApp({
        logger: createLogger({ service: 'model-monitor', level: 'silent' }),
        metrics,
        pool: pg.pool,
        monitor,
      });

      const drift = await app.inject({
        method: 'GET',
        url: `/models/fraud-detector/versions/${version}/drift`,
      });
      expect(drift.statusCode).toBe(200);
      const report = drift.json<DriftReport>();
      expect(report.window.rows).toBe(1_000);
      expect(report.features.filter((f) => f.drifted).map((f) => f.column)).toEqual([
        'amount_cents',
      ]);
      const amount = report.features.find((f) => f.column === 'amount_cents')!;
      // W1 = 3,000 (every quantile moved by it); reference std = 9,000/√12 = 2,598.1.
      expect(amount.method).toBe('wasserstein');
      expect(amount.statistic).toBeCloseTo(3_000 / (9_000 / Math.sqrt(12)), 2);
      expect(report.features.find((f) => f.column === 'channel')!.method).toBe('jensen_shannon');
      expect(report.drifted_share).toBeCloseTo(1 / 3, 12);
      expect(report.dataset_drift).toBe(false);

      const performance = await app.inject({
        method: 'GET',
        url: `/models/fraud-detector/versions/${version}/performance`,
      });
      expect(performance.statusCode).toBe(200);
      const perf = performance.json<PerformanceReport>();
      const labels = labelled.map((l) => (l.fraud ? 1 : 0));
      const scores = labelled.map((l) => l.record.scores.fraud!);
      expect(perf.realized).toMatchObject({ rows: 400, positives: 40 });
      expect(perf.realized.roc_auc).toBeCloseTo(rocAuc(labels, scores), 12);
      expect(perf.realized.pr_auc).toBeCloseTo(averagePrecision(labels, scores), 12);
      expect(perf.primary_metric).toBe('pr_auc');
      expect(perf.test_metrics).toEqual({ pr_auc: 0.8, roc_auc: 0.95 });
      expect(perf.degradation).toBeCloseTo((0.8 - averagePrecision(labels, scores)) / 0.8, 12);
      expect(perf.degradation!).toBeGreaterThan(0.1);
      expect(perf.estimated.rows).toBe(1_000);
      const estimated = estimatedRocAuc(recent.map((r) => r.scores.fraud!))!;
      expect(perf.estimated.roc_auc).toBeCloseTo(estimated, 12);
      expect(perf.estimated_degradation).toBeCloseTo((0.95 - estimated) / 0.95, 12);

      // Reports asked for over HTTP leave the alerting gauges alone; the scheduled pass sets them.
      const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(before).not.toContain(`model_monitor_feature_drifted{model="fraud-detector"`);
      expect(before).not.toContain(`model_monitor_primary_metric_degradation_ratio{model="fraud-detector"`);
      expect(await monitor.evaluateAll()).toEqual({ evaluated: 1, failed: 0 });
      const exposition = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(exposition).toContain(
        `model_monitor_feature_drifted{model="fraud-detector",version="${version}",feature="amount_cents"} 1`,
      );
      expect(exposition).toContain(
        `model_monitor_feature_drifted{model="fraud-detector",version="${version}",feature="channel"} 0`,
      );
      expect(exposition).toMatch(
        new RegExp(
          `model_monitor_primary_metric_degradation_ratio\\{model="fraud-detector",version="${version}",metric="pr_auc"\\} 0\\.[1-9]`,
        ),
      );

      // The same window read by a monitor that wants 41 chargebacks: 40 are too few to judge.
      const strict = new ModelMonitor({
        store,
        pool: pg.pool,
        catalog: new RegistryModelCatalog(client),
        metrics: monitorMetrics,
        clock: () => NOW,
        settings: { ...settings, minLabelledPerClass: 41 },
      });
      const unjudged = await strict.performance('fraud-detector', version);
      expect(unjudged.realized).toMatchObject({ rows: 400, positives: 40 });
      expect(unjudged.realized.pr_auc).toBeCloseTo(averagePrecision(labels, scores), 12);
      expect(unjudged.degradation).toBeNull();
      expect(await strict.evaluateAll()).toEqual({ evaluated: 1, failed: 0 });
      const afterStrict = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(afterStrict).not.toContain(`model_monitor_primary_metric_degradation_ratio{model="fraud-detector"`);

      const badVersion = await app.inject({
        method: 'GET',
        url: '/models/fraud-detector/versions/latest/drift',
      });
      expect(badVersion.statusCode).toBe(400);
      expect(badVersion.body).toContain('version');
      // No registry version is past 32 bits: bad input, not a registry outage.
      const hugeVersion = await app.inject({ method: 'GET', url: '/models/fraud-detector/versions/3694669989/drift' });
      expect(hugeVersion.statusCode).toBe(400);
      expect(hugeVersion.json()).toMatchObject({ details: { fields: [{ field: 'version', message: 'must be a version number of at most 2147483647' }] } });
      // A name past the router's default 100 characters meets the schema's bound, not a bare 414.
      for (const [name, message] of [['m'.repeat(257), 'Too big'], ['fraud%00detector', 'must not contain control characters']] as const) {
        const badName = await app.inject({ method: 'GET', url: `/models/${name}/versions/1/performance` });
        expect(badName.statusCode).toBe(400);
        expect(badName.json()).toMatchObject({ details: { fields: [{ field: 'name', message: expect.stringContaining(message) }] } });
      }
      const badWindow = await app.inject({
        method: 'GET',
        url: `/models/fraud-detector/versions/${version}/drift?from=yesterday`,
      });
      expect(badWindow.statusCode).toBe(400);
      expect(badWindow.body).toContain('from');
      const unknown = await app.inject({
        method: 'GET',
        url: '/models/fraud-detector/versions/99/drift',
      });
      expect(unknown.statusCode).toBe(404);
      await app.close();
    } finally {
      await registry.stop();
    }
  });

  test('answers 503 naming the registry when it cannot be reached', async ({ pg }) => {
    const store = new PredictionLogStore(pg.pool, { retentionDays: 90 });
    await store.migrate();
    const metrics = createMetrics('model-monitor', { defaultMetrics: false });
    const monitor = new ModelMonitor({
      store,
      pool: pg.pool,
      // Port 9 (discard) has no registry on this machine.
      catalog: new RegistryModelCatalog(
        new RegistryClient({ baseUrl: 'http://127.0.0.1:9', readRetries: 0 }),
      ),
      metrics: new MonitorMetrics(metrics.registry, metrics.prefix),
      settings: { ...DEFAULT_MONITOR_SETTINGS, maxWindowRows: 1_000 },
    });
    const app = await buildApp({
      logger: createLogger({ service: 'model-monitor', level: 'silent' }),
      metrics,
      pool: pg.pool,
      monitor,
    });
    const response = await app.inject({
      method: 'GET',
      url: '/models/fraud-detector/versions/1/drift',
    });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ code: string; message: string }>()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('registry'),
    });
    await app.close();
  });
});
