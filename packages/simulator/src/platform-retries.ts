import { declineTypeOf, type RetryStrategy } from '@payments-mlops/contracts';
import { HOUR_MS, MINUTE_MS, nextPaydayAt } from './calendar.js';
import { retryOf, type AttemptResult, type AttemptSpec, type SimulationContext } from './context.js';
import { retryOutcomeEvent } from './outcome-events.js';

export type RetryingStrategy = Exclude<RetryStrategy, 'do_not_retry'>;
export const RETRYING_STRATEGIES: readonly RetryingStrategy[] = ['immediate', 'backoff_hours', 'next_day', 'payday_aligned'];

/** How long a strategy waits: the platform's reading of each name. */
export function strategyDelayMs(context: SimulationContext, strategy: RetryingStrategy, at: number): number {
  const { random } = context;
  switch (strategy) {
    case 'immediate':
      return random.range(2, 30) * MINUTE_MS;
    case 'backoff_hours':
      return random.range(2, 12) * HOUR_MS;
    case 'next_day':
      return (24 + random.range(-2, 2)) * HOUR_MS;
    case 'payday_aligned':
      return nextPaydayAt(at + 12 * HOUR_MS, 'platform', 10) - at;
  }
}

export interface PlatformRetryPlan {
  maxRetries: number;
  /** Retries must land within this long after the first failure. */
  windowMs: number;
  /** Still worth charging (a canceled subscription is not). */
  isOpen(): boolean;
  onPaid(): void;
  /** Out of retries: the last failed attempt goes on to recovery, or nowhere. */
  onGaveUp(spec: AttemptSpec, failed: AttemptResult): void;
}

/**
 * Merchant-initiated retries of a failed charge (renewals, orders on a card on file). The platform
 * draws each retry's strategy at random (its logging policy, so the retry model can learn which
 * one works when). Hard declines are mostly not retried; the legacy rules still retry one in ten,
 * and those always fail: nothing about the card changed.
 */
export function retryAsPlatform(
  context: SimulationContext,
  spec: AttemptSpec,
  failed: AttemptResult,
  plan: PlatformRetryPlan,
  firstFailedAt = spec.at,
  retries = 0,
): void {
  const { random } = context;
  const code = failed.decline;
  if (code === null) return;
  const hard = declineTypeOf(code) === 'hard';
  if (retries >= plan.maxRetries || (hard && !random.chance(0.1))) {
    plan.onGaveUp(spec, failed);
    return;
  }
  const strategy = random.pick(RETRYING_STRATEGIES);
  const delayMs = strategyDelayMs(context, strategy, spec.at);
  const at = spec.at + delayMs;
  if (at > firstFailedAt + plan.windowMs) {
    plan.onGaveUp(spec, failed);
    return;
  }
  context.schedule(at, () => {
    if (!plan.isOpen()) return;
    const retry: AttemptSpec = { ...retryOf(spec, failed, at), outcome: hard ? code : undefined };
    const result = context.attempt(retry);
    context.emitLabel(retryOutcomeEvent(context, failed, result, strategy, delayMs, at), spec.customerId, at);
    if (result.decline === null) plan.onPaid();
    else retryAsPlatform(context, retry, result, plan, firstFailedAt, retries + 1);
  });
}
