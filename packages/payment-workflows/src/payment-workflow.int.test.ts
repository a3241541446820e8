import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, type ApplicationFailure } from '@temporalio/common';
import { INFERENCE_EXAMPLES, type FraudScoreRequest } from '@payments-mlops/contracts';
import { send, startContractInferenceServer, type ContractInferenceServer } from '@payments-mlops/inference-client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentOutcome, PaymentWorkflowInput } from './payment-types.js';
import { startScriptedGatewayServer, startWorkflowTestWorker, type ScriptedGatewayServer, type WorkflowTestWorker } from './testing/index.js';
import { paymentWorkflow, progressQuery, reviewDecisionSignal } from './workflows/index.js';

/*
 * The real Temporal dev server (make infra-up / make temporal-up), a real worker with the real
 * activities, and ml-serving's four endpoints served over HTTP by the contract-checked stand-in
 * of @payments-mlops/inference-client/testing, beside a scripted payment gateway.
 */
const RETRY_DELAY_SECONDS = 2;

let inferenceServer: ContractInferenceServer;
let gatewayServer: ScriptedGatewayServer;
let worker: WorkflowTestWorker;

beforeAll(async () => {
  inferenceServer = await startContractInferenceServer({
    retryDelaySeconds: RETRY_DELAY_SECONDS,
    fraudScore: (request) => (request.customer_id === 'cus_fraudster' ? 0.93 : request.customer_id === 'cus_unsure' ? 0.5 : 0.04),
    // Workflow ids starting with "unscorable-" find the fraud model down.
    intercept: (operation, request, response) => {
      if (operation !== 'fraudScore' || !String(request.headers['x-request-id']).startsWith('unscorable-')) return false;
      send(response, 503, { code: 'MODEL_NOT_READY', message: 'fraud model loading', request_id: 'req_down' });
      return true;
    },
  });
  gatewayServer = await startScriptedGatewayServer();
  worker = await startWorkflowTestWorker({ inferenceUrl: inferenceServer.url, gatewayUrl: gatewayServer.url });
  console.log(`workflow bundle built in ${Math.round(worker.bundleMs)} ms`);
}, 180_000);

afterAll(async () => {
  await worker?.close();
  await inferenceServer?.close();
  await gatewayServer?.close();
});

let sequence = 0;
function payment(overrides: Partial<FraudScoreRequest> = {}): FraudScoreRequest {
  sequence += 1;
  return { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: `pay_wf_${Date.now()}_${sequence}`, ...overrides };
}

function start(input: PaymentWorkflowInput, idPrefix = 'payment') {
  return worker.client.workflow.start(paymentWorkflow, { taskQueue: worker.taskQueue, workflowId: `${idPrefix}-${input.payment.payment_id}`, args: [input] });
}

async function waitForStage(handle: Awaited<ReturnType<typeof start>>, stage: string) {
  for (let i = 0; i < 200; i += 1) {
    if ((await handle.query(progressQuery)).stage === stage) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`workflow never reached stage ${stage}`);
}

const chargesOf = (paymentId: string) => gatewayServer.charges.filter((c) => c.request.original_payment_id === paymentId);
const fraudCallsFor = (paymentId: string) => inferenceServer.received.fraudScore.filter((body) => (body as { payment_id: string }).payment_id === paymentId);

describe('paymentWorkflow on a real Temporal server', () => {
  it('scores, approves and charges a payment once', async () => {
    const input = { payment: payment(), payment_type: 'one_off' as const };
    const outcome: PaymentOutcome = await (await start(input)).result();
    expect(outcome.status).toBe('succeeded');
    expect(outcome).toMatchObject({ fraud: { decision: 'approve', payment_id: input.payment.payment_id }, attempts: [{ attempt_number: 1, result: { status: 'succeeded' } }] });
    expect(fraudCallsFor(input.payment.payment_id)).toHaveLength(1);
    expect(chargesOf(input.payment.payment_id)).toHaveLength(1);
  });

  it('after a soft decline asks for the retry strategy, waits on a durable timer until retry_at, and charges the retry', async () => {
    const input = { payment: payment(), payment_type: 'one_off' as const };
    gatewayServer.script(input.payment.payment_id, [{ status: 'declined', decline_code: 'insufficient_funds', decline_type: 'soft' }]);
    const handle = await start(input);
    await waitForStage(handle, 'waiting_to_retry');
    const waiting = await handle.query(progressQuery);
    expect(waiting).toMatchObject({ stage: 'waiting_to_retry', attempt_number: 1 });
    const outcome = await handle.result();
    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    expect(outcome.attempts.map((a) => [a.attempt_number, a.payment_id, a.result.status])).toEqual([
      [1, input.payment.payment_id, 'declined'],
      [2, `${input.payment.payment_id}_r2`, 'succeeded'],
    ]);
    expect(outcome.attempts[0]!.retry).toMatchObject({ strategy: 'backoff_hours', retry_allowed: true, retry_at: waiting.retry_at });
    const [first, second] = chargesOf(input.payment.payment_id);
    expect(second!.request).toMatchObject({ attempt_number: 2, original_payment_id: input.payment.payment_id });
    // The retry went out no earlier than retry_at (the gateway's failed_at + the strategy's delay).
    expect(second!.receivedAt).toBeGreaterThanOrEqual(Date.parse(waiting.retry_at!) - 50);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(RETRY_DELAY_SECONDS * 1000 - 100);
    const history = await handle.fetchHistory();
    const timers = (history.events ?? []).filter((event) => event.timerStartedEventAttributes);
    expect(timers).toHaveLength(1);
    const retryRequest = inferenceServer.received.retryStrategy.find((body) => (body as { payment_id: string }).payment_id === input.payment.payment_id);
    expect(retryRequest).toMatchObject({ attempt_number: 1, decline_code: 'insufficient_funds', payment_type: 'one_off' });
  });

  it('on a hard-declined renewal does not retry, and asks for the churn risk and the recovery action', async () => {
    const input: PaymentWorkflowInput = {
      payment: payment({ subscription_id: 'sub_q81mz', device_id: null }),
      payment_type: 'subscription_renewal',
      subscription: INFERENCE_EXAMPLES.churnPredict.request.subscription,
      card_expiry: '2026-04',
      candidate_actions: ['card_update_request', 'reminder_email'],
    };
    gatewayServer.script(input.payment.payment_id, [{ status: 'declined', decline_code: 'expired_card', decline_type: 'hard' }]);
    const outcome = await (await start(input)).result();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.attempts[0]!.retry).toMatchObject({ strategy: 'do_not_retry', retry_allowed: false, guardrail: 'hard_decline' });
    expect(outcome.churn).toMatchObject({ subscription_id: 'sub_q81mz', customer_id: input.payment.customer_id });
    expect(outcome.recovery).toMatchObject({ payment_id: input.payment.payment_id, action: 'card_update_request' });
    expect(outcome.recovery!.ranked_actions.map((a) => a.action)).toEqual(['card_update_request', 'reminder_email']);
    expect(chargesOf(input.payment.payment_id)).toHaveLength(1);
  });

  it('resumes a workflow waiting on its retry timer in a new worker after the first worker is gone', async () => {
    const slowRetries = await startContractInferenceServer({ retryDelaySeconds: 4 });
    const first = await startWorkflowTestWorker({ inferenceUrl: slowRetries.url, gatewayUrl: gatewayServer.url });
    let second: WorkflowTestWorker | undefined;
    try {
      const input = { payment: payment(), payment_type: 'one_off' as const };
      gatewayServer.script(input.payment.payment_id, [{ status: 'declined', decline_code: 'insufficient_funds', decline_type: 'soft' }]);
      const handle = await worker.client.workflow.start(paymentWorkflow, { taskQueue: first.taskQueue, workflowId: `handover-${input.payment.payment_id}`, args: [input] });
      await waitForStage(handle, 'waiting_to_retry');
      await first.close();
      expect(chargesOf(input.payment.payment_id)).toHaveLength(1);
      second = await startWorkflowTestWorker({ inferenceUrl: slowRetries.url, gatewayUrl: gatewayServer.url, taskQueue: first.taskQueue });
      const outcome = await handle.result();
      expect(outcome).toMatchObject({ status: 'succeeded', attempts: [{ attempt_number: 1 }, { attempt_number: 2 }] });
      // One charge per attempt: the replayed history did not charge attempt 1 again.
      expect(chargesOf(input.payment.payment_id).map((c) => c.request.attempt_number)).toEqual([1, 2]);
    } finally {
      await second?.close();
      await slowRetries.close();
    }
  });

  it('stops after max_attempts soft declines and reports every attempt', async () => {
    const input = { payment: payment(), payment_type: 'one_off' as const, max_attempts: 2 };
    const decline = { status: 'declined' as const, decline_code: 'insufficient_funds', decline_type: 'soft' as const };
    gatewayServer.script(input.payment.payment_id, [decline, decline, decline]);
    const outcome = await (await start(input)).result();
    expect(outcome).toMatchObject({ status: 'failed', attempts: [{ attempt_number: 1 }, { attempt_number: 2 }] });
    expect(outcome).not.toHaveProperty('churn');
    expect(chargesOf(input.payment.payment_id)).toHaveLength(2);
  });

  it('blocks a payment scored as fraud without charging it', async () => {
    const input = { payment: payment({ customer_id: 'cus_fraudster' }), payment_type: 'one_off' as const };
    const outcome = await (await start(input)).result();
    expect(outcome).toMatchObject({ status: 'blocked_as_fraud', fraud: { decision: 'decline', fraud_score: 0.93 } });
    expect(chargesOf(input.payment.payment_id)).toHaveLength(0);
  });

  it("holds a payment in review until the reviewer's signal, then charges it", async () => {
    const input = { payment: payment({ customer_id: 'cus_unsure' }), payment_type: 'one_off' as const };
    const handle = await start(input);
    await waitForStage(handle, 'in_review');
    expect(chargesOf(input.payment.payment_id)).toHaveLength(0);
    await handle.signal(reviewDecisionSignal, { approve: true, reviewer: 'analyst_7' });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'succeeded', fraud: { decision: 'review' } });
    expect(chargesOf(input.payment.payment_id)).toHaveLength(1);
  });

  it('holds a payment for review when fraud scoring stays unavailable through its retries, and a reviewer can reject it', async () => {
    const input = { payment: payment(), payment_type: 'one_off' as const };
    const handle = await start(input, 'unscorable');
    await waitForStage(handle, 'in_review');
    await handle.signal(reviewDecisionSignal, { approve: false, reviewer: 'analyst_7' });
    const outcome = await handle.result();
    expect(outcome).toEqual({ status: 'rejected_in_review', fraud: null, reason: 'declined by analyst_7' });
    expect(chargesOf(input.payment.payment_id)).toHaveLength(0);
  });

  it('fails the workflow, without retrying, when ml-serving rejects the request as invalid', async () => {
    const input = { payment: payment({ amount_cents: -1 }), payment_type: 'one_off' as const };
    const error = await (await start(input)).result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('InferenceRequestRejected');
    expect(cause.message).toContain('amount_cents');
    expect(fraudCallsFor(input.payment.payment_id)).toHaveLength(1);
  });
});
