import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { infraSettings, startServiceProcess, test, waitFor } from '@payments-mlops/test-infra';
import { beforeAll, describe, expect } from 'vitest';
import { alertmanagerConfigFor, installPrometheus, startAlertmanager } from './testing/alerting-processes.js';

interface Job {
  task: string;
  trigger: string;
  reason: string | null;
}

/** An alert as Prometheus posts it to Alertmanager when a rule of infra/prometheus/rules fires. */
const alert = (labels: Record<string, string>) => ({
  labels,
  annotations: { summary: `${labels.alertname} for ${labels.model}` },
  startsAt: new Date().toISOString(),
});

describe('alert routing to the trainer', () => {
  beforeAll(() => installPrometheus(), 600_000);

  test('Alertmanager sends the degradation alert to the trainer webhook, which starts one retraining job; drift alerts start none', async ({
    pg,
    s3,
  }) => {
    const { s3: s3Settings, warehouseDatabaseUrl } = infraSettings();
    const trainerSchema = `${pg.schema}_trainer`;
    const trainer = await startServiceProcess(
      'trainer',
      {
        WAREHOUSE_DATABASE_URL: warehouseDatabaseUrl,
        TRAINER_DB_SCHEMA: trainerSchema,
        FEATURE_REGISTRY_SCHEMA: pg.schema,
        TRAINER_DATASET_BUCKET: s3.bucket,
        S3_ENDPOINT_URL: s3Settings.endpoint,
        AWS_ACCESS_KEY_ID: s3Settings.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3Settings.secretAccessKey,
        // The job itself is not under test: no registry, so it fails once started.
        MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
        TRAINER_MATERIALIZE_FIRST: 'false',
        TRAINER_WORK_DIR: mkdtempSync(path.join(tmpdir(), 'monitor-trainer-')),
        // Without feature definitions the trainer is alive but not ready; the webhook still answers.
      },
      { readyPath: '/healthz' },
    );
    // The project's routing as it is, pointed at this trainer and without the 30 s group wait.
    const config = alertmanagerConfigFor(trainer.url);
    expect(config).toContain(`${trainer.url}/webhooks/retrain`);
    const alertmanager = await startAlertmanager(config);
    const url = alertmanager.url;
    try {
      const posted = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert({
            alertname: 'ModelPrimaryMetricDegraded',
            severity: 'critical',
            retrain: 'true',
            model: 'fraud-detector',
            version: '3',
            metric: 'pr_auc',
          }),
          alert({
            alertname: 'ModelDatasetDrift',
            severity: 'critical',
            model: 'churn-predictor',
            version: '2',
          }),
          alert({
            alertname: 'ModelFeatureDrift',
            severity: 'warning',
            model: 'churn-predictor',
            version: '2',
            feature: 'amount_cents',
          }),
        ]),
      });
      expect(posted.status).toBe(200);
      const jobs = await waitFor(
        async () => {
          const { jobs: list } = (await (await fetch(`${trainer.url}/jobs`)).json()) as {
            jobs: Job[];
          };
          return list.length > 0 ? list : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: 'a job on the trainer' },
      );
      // Give a wrongly routed drift alert the time to arrive too.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const { jobs: all } = (await (await fetch(`${trainer.url}/jobs`)).json()) as { jobs: Job[] };
      expect(jobs[0]).toMatchObject({
        task: 'fraud',
        trigger: 'webhook',
        reason: 'alert ModelPrimaryMetricDegraded',
      });
      expect(all.map((j) => j.task)).toEqual(['fraud']);
    } finally {
      await alertmanager.stop();
      await trainer.stop();
      await pg.pool.query(`DROP SCHEMA IF EXISTS ${trainerSchema} CASCADE`);
    }
  });
});
