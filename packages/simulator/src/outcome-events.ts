import type {
  ChurnEvent,
  RecoveryAction,
  RecoveryOutcomeEvent,
  RetryOutcomeEvent,
  RetryStrategy,
} from '@payments-mlops/contracts';
import { HOUR_MS } from './calendar.js';
import type { AttemptResult, SimulationContext } from './context.js';

function base(context: SimulationContext, at: number) {
  return { event_id: context.ids.uuid(), schema_version: 1 as const, occurred_at: new Date(at).toISOString() };
}

/** Known as soon as the retry is answered. */
export function retryOutcomeEvent(
  context: SimulationContext,
  failed: AttemptResult,
  retry: AttemptResult,
  strategy: Exclude<RetryStrategy, 'do_not_retry'>,
  delayMs: number,
  at: number,
): RetryOutcomeEvent {
  return {
    ...base(context, at),
    label_type: 'retry_outcome',
    payment_id: failed.paymentId,
    retry_payment_id: retry.paymentId,
    strategy,
    delay_hours: Math.round((delayMs / HOUR_MS) * 10_000) / 10_000,
    succeeded: retry.decline === null,
  };
}

export function recoveryOutcomeEvent(
  context: SimulationContext,
  failed: AttemptResult,
  action: RecoveryAction,
  recoveredAmountCents: number | null,
  at: number,
): RecoveryOutcomeEvent {
  return {
    ...base(context, at),
    label_type: 'recovery_outcome',
    payment_id: failed.paymentId,
    action,
    recovered: recoveredAmountCents !== null,
    recovered_amount_cents: recoveredAmountCents,
  };
}

export function churnEvent(
  context: SimulationContext,
  customerId: string,
  subscriptionId: string,
  churnType: ChurnEvent['churn_type'],
  at: number,
): ChurnEvent {
  return {
    ...base(context, at),
    label_type: 'churn',
    customer_id: customerId,
    subscription_id: subscriptionId,
    churn_type: churnType,
  };
}
