import path from 'node:path';
import { INFERENCE_EXAMPLES } from '@payments-mlops/contracts';
import { applyFeatureRepo } from '@payments-mlops/feature-store';
import { REPO_ROOT, infraSettings, runScript, startRegistryServer, startServiceProcess, test, type ServiceProcess } from '@payments-mlops/test-infra';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { describe, expect } from 'vitest';
import type { PaymentWorkflowInput } from './payment-types.js';
import { startScriptedGatewayServer, startWorkflowTestWorker } from './testing/index.js';
import { paymentWorkflow } from './workflows/index.js';

/*
 * The workflow against a live ml-serving: registry-server and ml-serving run as their own
 * processes on this test's Postgres schema, S3 bucket and Redis prefix, with small models trained
 * and registered by ml-serving's synthetic-model CLI; the worker talks to the real Temporal dev server.
 */
const REGISTRY_TOKEN = 'payment-workflows-test-registry-token';

describe('paymentWorkflow against a live ml-serving', () => {
  test('scores, charges, and after a hard-declined renewal asks the real models for retry, churn and recovery', { timeout: 300_000 }, async ({ pg, redis, s3 }) => {
    const infra = infraSettings();
    await migrateWarehouse(pg.pool);
    await applyFeatureRepo({ directory: path.join(REPO_ROOT, 'feature-repo'), pool: pg.pool, appliedBy: 'payment-workflows-test', registrySchema: pg.schema });
    const processes: ServiceProcess[] = [];
    const gateway = await startScriptedGatewayServer();
    try {
      const registry = await startRegistryServer({ databaseUrl: pg.connectionString, bucket: s3.bucket, token: REGISTRY_TOKEN });
      processes.push(registry);
      const registryEnv = { MLFLOW_TRACKING_URI: registry.url, MLFLOW_TRACKING_TOKEN: REGISTRY_TOKEN, WAREHOUSE_DATABASE_URL: pg.connectionString, FEATURE_REGISTRY_SCHEMA: pg.schema };
      await runScript('services/ml-serving/src/testing/publish-synthetic-models.ts', ['--trees', '20', '--leaves', '7', '--rows', '2000'], registryEnv);
      const serving = await startServiceProcess(
        'ml-serving',
        {
          ...registryEnv,
          REDIS_URL: infra.redisUrl,
          SERVING_ONLINE_KEY_PREFIX: redis.prefix,
          // Synthetic models score at random: with the decline and review thresholds at 1 every
          // payment is approved, so the path the test follows does not depend on the draw.
          FRAUD_REVIEW_THRESHOLD: '1',
          FRAUD_DECLINE_THRESHOLD: '1',
          SERVING_MODEL_POLL_MS: '500',
        },
      );
      processes.push(serving);
      const worker = await startWorkflowTestWorker({ inferenceUrl: serving.url, gatewayUrl: gateway.url });
      try {
        const run = (input: PaymentWorkflowInput) =>
          worker.client.workflow.execute(paymentWorkflow, { taskQueue: worker.taskQueue, workflowId: `live-${input.payment.payment_id}`, args: [input] });
        const stamp = Date.now();

        const paid = await run({ payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: `pay_live_${stamp}_1` }, payment_type: 'one_off' });
        expect(paid).toMatchObject({ status: 'succeeded', fraud: { decision: 'approve', model: { name: 'fraud-detector' } } });

        const renewalId = `pay_live_${stamp}_2`;
        gateway.script(renewalId, [{ status: 'declined', decline_code: 'expired_card', decline_type: 'hard' }]);
        const failed = await run({
          payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: renewalId, subscription_id: 'sub_q81mz', device_id: null },
          payment_type: 'subscription_renewal',
          subscription: INFERENCE_EXAMPLES.churnPredict.request.subscription,
          card_expiry: '2026-04',
          candidate_actions: ['card_update_request', 'reminder_email', 'alternative_payment_method'],
        });
        expect(failed.status).toBe('failed');
        if (failed.status !== 'failed') return;
        // Hard declines are never retried: ml-serving's guardrail, whatever the model says.
        expect(failed.attempts[0]!.retry).toMatchObject({ strategy: 'do_not_retry', retry_allowed: false, guardrail: 'hard_decline', model: { name: 'retry-strategy' } });
        expect(failed.churn).toMatchObject({ subscription_id: 'sub_q81mz', model: { name: 'churn-predictor' } });
        expect(failed.recovery?.model.name).toBe('recovery-recommender');
        expect(['card_update_request', 'reminder_email', 'alternative_payment_method']).toContain(failed.recovery?.action);
        expect(gateway.charges.filter((c) => c.request.original_payment_id === renewalId)).toHaveLength(1);

        const rejected = await run({ payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: `pay_live_${stamp}_3`, currency: 'XXX' as 'USD' }, payment_type: 'one_off' }).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(rejected).toBeInstanceOf(WorkflowFailedError);
        const activityFailure = (rejected as WorkflowFailedError).cause;
        expect(activityFailure).toBeInstanceOf(ActivityFailure);
        const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect(cause).toMatchObject({ type: 'InferenceRequestRejected', nonRetryable: true });
        expect(cause.message).toContain('currency');
      } finally {
        await worker.close();
      }
    } finally {
      for (const process of processes.reverse()) await process.stop();
      await gateway.close();
    }
  });
});
