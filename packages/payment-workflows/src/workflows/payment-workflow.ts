import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { FraudScoreResponse, RetryStrategyRequest } from '@payments-mlops/contracts';
import type { GatewayActivities } from '../activities/payment-gateway.js';
import type { InferenceActivities } from '../activities/inference-activities.js';
import type { AttemptRecord, Decline, PaymentOutcome, PaymentProgress, PaymentWorkflowInput, ReviewDecision } from '../payment-types.js';

export const reviewDecisionSignal = defineSignal<[ReviewDecision]>('reviewDecision');
export const progressQuery = defineQuery<PaymentProgress>('progress');

const NON_RETRYABLE_INFERENCE = ['InferenceRequestRejected', 'InferenceContractBreach'];

// Inference answers in milliseconds: short timeouts, a few quick retries, then the workflow decides.
const inference = proxyActivities<InferenceActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_INFERENCE },
});

// A charge is idempotent at the gateway, so it is safe to retry for as long as the gateway is down.
const gateway = proxyActivities<GatewayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['ChargeRejected', 'ChargeAnswerMalformed'] },
});

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_REVIEW_TIMEOUT_MS = 24 * 3600 * 1000;

/**
 * A payment from fraud scoring to its end: score it and decide (decline blocks, review waits for a
 * reviewer's signal); charge it; after a decline ask ml-serving for the retry strategy and wait on a
 * durable timer until its retry_at; when a renewal finally fails, ask for the churn risk and the
 * recovery action. The timers and every answer live in the workflow history, so a worker restart
 * resumes where it was.
 */
export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentOutcome> {
  const maxAttempts = input.max_attempts ?? DEFAULT_MAX_ATTEMPTS;
  const progress: PaymentProgress = { stage: 'scoring', attempt_number: 1 };
  setHandler(progressQuery, () => progress);
  let review: ReviewDecision | undefined;
  setHandler(reviewDecisionSignal, (decision) => {
    review ??= decision;
  });

  const fraud = await scoreFraudOrReview(input);
  if (fraud?.decision === 'decline') {
    progress.stage = 'done';
    return { status: 'blocked_as_fraud', fraud };
  }
  if (fraud === null || fraud.decision === 'review') {
    progress.stage = 'in_review';
    const decided = await condition(() => review !== undefined, input.review_timeout_ms ?? DEFAULT_REVIEW_TIMEOUT_MS);
    if (!decided || !review?.approve) {
      progress.stage = 'done';
      return { status: 'rejected_in_review', fraud, reason: decided ? `declined by ${review?.reviewer}` : 'no review decision in time' };
    }
  }

  const original = input.payment.payment_id;
  const attempts: AttemptRecord[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const paymentId = attempt === 1 ? original : `${original}_r${attempt}`.slice(0, 64);
    progress.stage = 'charging';
    progress.attempt_number = attempt;
    delete progress.retry_at;
    const result = await gateway.chargePayment({
      payment_id: paymentId,
      original_payment_id: original,
      attempt_number: attempt,
      idempotency_key: `${workflowInfo().workflowId}:${attempt}`,
      customer_id: input.payment.customer_id,
      merchant_id: input.payment.merchant_id,
      card_id: input.payment.card_id ?? null,
      amount_cents: input.payment.amount_cents,
      currency: input.payment.currency,
    });
    const record: AttemptRecord = { attempt_number: attempt, payment_id: paymentId, result };
    attempts.push(record);
    if (result.status === 'succeeded') {
      progress.stage = 'done';
      return { status: 'succeeded', attempts, fraud };
    }

    progress.stage = 'choosing_retry';
    const strategy = await inference.chooseRetryStrategy(retryRequest(input, result, attempt, paymentId));
    record.retry = { strategy: strategy.strategy, retry_allowed: strategy.retry_allowed, retry_at: strategy.retry_at, guardrail: strategy.guardrail, model: strategy.model };
    if (!strategy.retry_allowed || strategy.retry_at === null || attempt >= maxAttempts) break;
    progress.stage = 'waiting_to_retry';
    progress.retry_at = strategy.retry_at;
    // Workflow time, not the worker's clock: the timer is durable and replays identically.
    await sleep(Math.max(0, Date.parse(strategy.retry_at) - Date.now()));
  }

  const last = attempts[attempts.length - 1]!;
  const outcome: PaymentOutcome = { status: 'failed', attempts, fraud };
  if (input.payment_type === 'subscription_renewal' && input.subscription && last.result.status === 'declined') {
    progress.stage = 'assessing_churn';
    const decline = last.result;
    const [churn, recovery] = await Promise.all([
      inference.predictChurn({
        customer_id: input.payment.customer_id,
        merchant_id: input.payment.merchant_id,
        subscription: input.subscription,
        payment_method_type: input.payment.payment_method_type,
        card_brand: input.payment.card_brand ?? null,
        card_expiry: input.card_expiry ?? null,
        billing_country: input.payment.billing_country ?? null,
        last_failure: { payment_id: last.payment_id, decline_code: decline.decline_code, attempt_number: last.attempt_number, failed_at: decline.failed_at },
        as_of: new Date(Date.now()).toISOString(),
      }),
      inference.recommendRecovery({
        ...retryRequest(input, decline, last.attempt_number, last.payment_id),
        subscription: input.subscription,
        ...(input.candidate_actions ? { candidate_actions: input.candidate_actions } : {}),
      }),
    ]);
    outcome.churn = churn;
    outcome.recovery = recovery;
  }
  progress.stage = 'done';
  return outcome;
}

/**
 * The fraud answer, or null when scoring stayed unavailable through its retries: the payment is
 * then held for review rather than charged unscored. A rejected request fails the workflow, since
 * the input itself is wrong.
 */
async function scoreFraudOrReview(input: PaymentWorkflowInput): Promise<FraudScoreResponse | null> {
  try {
    return await inference.scoreFraud(input.payment);
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type !== null && cause.type !== undefined && NON_RETRYABLE_INFERENCE.includes(cause.type)) throw error;
    return null;
  }
}

function retryRequest(input: PaymentWorkflowInput, decline: Decline, attempt: number, paymentId: string): RetryStrategyRequest {
  return {
    ...input.payment,
    payment_id: paymentId,
    original_payment_id: input.payment.payment_id,
    attempt_number: attempt,
    payment_type: attempt === 1 ? input.payment_type : 'retry',
    decline_code: decline.decline_code,
    decline_type: decline.decline_type ?? null,
    failed_at: decline.failed_at,
  };
}
