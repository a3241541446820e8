import { INFERENCE_EXAMPLES } from '@payments-mlops/contracts';
import { loadConfig } from '@payments-mlops/service-kit';
import { PaymentWorkerConfig } from './config.js';
import type { PaymentOutcome, PaymentWorkflowInput } from './payment-types.js';
import { startScriptedGatewayServer, startWorkflowTestWorker } from './testing/index.js';
import { paymentWorkflow, progressQuery, reviewDecisionSignal } from './workflows/index.js';

// `make demo-workflow`: two payments through paymentWorkflow on the Temporal dev server against the
// ml-serving at ORCHESTRATOR_INFERENCE_SERVICE_URL. The payments platform's gateway is played by a
// scripted stand-in: the one-off payment is accepted, the renewal is hard-declined (expired card).
const config = loadConfig(PaymentWorkerConfig);
const gateway = await startScriptedGatewayServer();
const worker = await startWorkflowTestWorker({ address: config.TEMPORAL_ADDRESS, inferenceUrl: config.ORCHESTRATOR_INFERENCE_SERVICE_URL, gatewayUrl: gateway.url });
console.log(`worker on ${config.TEMPORAL_ADDRESS}, task queue ${worker.taskQueue} (workflow bundle ${Math.round(worker.bundleMs)} ms); inference at ${config.ORCHESTRATOR_INFERENCE_SERVICE_URL}`);

async function run(label: string, input: PaymentWorkflowInput): Promise<PaymentOutcome> {
  const started = performance.now();
  const handle = await worker.client.workflow.start(paymentWorkflow, { taskQueue: worker.taskQueue, workflowId: `demo-${input.payment.payment_id}`, args: [input] });
  // A payment sent to review is approved by the demo's reviewer, so the rest of the flow shows.
  const reviewer = setInterval(() => {
    void handle.query(progressQuery).then(
      (progress) => (progress.stage === 'in_review' ? handle.signal(reviewDecisionSignal, { approve: true, reviewer: 'demo' }) : undefined),
      () => undefined,
    );
  }, 200);
  try {
    const outcome = await handle.result();
    const fraud = 'fraud' in outcome && outcome.fraud ? `fraud ${outcome.fraud.fraud_score.toFixed(3)} → ${outcome.fraud.decision}` : 'fraud unscored';
    const attempts = 'attempts' in outcome ? outcome.attempts.map((a) => `#${a.attempt_number} ${a.result.status}${a.retry ? ` (retry: ${a.retry.strategy}${a.retry.guardrail ? `, ${a.retry.guardrail}` : ''})` : ''}`).join('; ') : '';
    const renewal = outcome.status === 'failed' && outcome.churn ? `; churn ${outcome.churn.churn_score.toFixed(3)} (${outcome.churn.risk_level}), recovery: ${outcome.recovery?.action}` : '';
    console.log(`${label}: ${outcome.status} — ${fraud}; ${attempts}${renewal}  [${Math.round(performance.now() - started)} ms, workflow ${handle.workflowId}]`);
    return outcome;
  } finally {
    clearInterval(reviewer);
  }
}

const stamp = Date.now();
let exitCode = 0;
try {
  await run('one-off payment', { payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: `pay_demo_${stamp}` }, payment_type: 'one_off' });
  const renewalId = `pay_demo_renewal_${stamp}`;
  gateway.script(renewalId, [{ status: 'declined', decline_code: 'expired_card', decline_type: 'hard' }]);
  await run('renewal', {
    payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: renewalId, subscription_id: 'sub_q81mz', device_id: null },
    payment_type: 'subscription_renewal',
    subscription: INFERENCE_EXAMPLES.churnPredict.request.subscription,
    card_expiry: '2026-04',
  });
} catch (error) {
  console.error(`demo workflow failed: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await worker.close();
  await gateway.close();
}
process.exitCode = exitCode;
