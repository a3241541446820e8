import {
  DECLINE_CODES,
  RETRY_STRATEGIES,
  declineTypeOf,
  type DeclineCode,
  type DeclineType,
  type RetryGuardrail,
  type RetryStrategy,
} from '@payments-mlops/contracts';

const HOUR_S = 3_600;
const DAY_MS = 86_400_000;

/**
 * Attempts per payment the card networks allow before they fine the merchant for excessive
 * retries (Visa: 15 in 30 days; Mastercard: 10 in 24 hours; the others follow Visa's rule).
 */
export const NETWORK_ATTEMPT_LIMITS: Readonly<Record<string, number>> = { visa: 15, mastercard: 10, amex: 15, discover: 15, jcb: 15, unionpay: 15, diners: 15 };
const DEFAULT_NETWORK_LIMIT = 15;
/** Retries are submitted at this UTC hour on day-aligned strategies (issuers batch overnight). */
const RETRY_HOUR_UTC = 8;

export interface RetryPolicy {
  maxAttempts: number;
  minDelaySeconds: number;
}

export interface RetryFacts {
  decline_code: string;
  decline_type?: DeclineType | null | undefined;
  attempt_number: number;
  card_brand?: string | null | undefined;
  failed_at: string;
}

export interface RetryDecision {
  strategy: RetryStrategy;
  guardrail: RetryGuardrail | null;
  retry_at: string | null;
  delay_seconds: number | null;
}

const KNOWN_CODES = new Set<string>(DECLINE_CODES);

/** Hard when the processor says so, or when a known code is hard; an unknown code is soft. */
export function isHardDecline(facts: Pick<RetryFacts, 'decline_code' | 'decline_type'>): boolean {
  if (facts.decline_type != null) return facts.decline_type === 'hard';
  return KNOWN_CODES.has(facts.decline_code) && declineTypeOf(facts.decline_code as DeclineCode) === 'hard';
}

/** The model's strategy with the rules that override it: hard declines, network and platform limits, minimum delay. */
export function applyRetryGuardrails(modelStrategy: RetryStrategy, facts: RetryFacts, policy: RetryPolicy): RetryDecision {
  const stop = (guardrail: RetryGuardrail | null): RetryDecision => ({ strategy: 'do_not_retry', guardrail, retry_at: null, delay_seconds: null });
  if (isHardDecline(facts)) return stop(modelStrategy === 'do_not_retry' ? null : 'hard_decline');
  if (modelStrategy === 'do_not_retry') return stop(null);
  const networkLimit = (facts.card_brand ? NETWORK_ATTEMPT_LIMITS[facts.card_brand] : undefined) ?? DEFAULT_NETWORK_LIMIT;
  if (facts.attempt_number >= networkLimit) return stop('network_retry_limit');
  if (facts.attempt_number >= policy.maxAttempts) return stop('max_attempts');

  const failedMs = Date.parse(facts.failed_at);
  let delay = Math.round((retryTimeMs(modelStrategy, failedMs, facts.attempt_number) - failedMs) / 1000);
  let guardrail: RetryGuardrail | null = null;
  if (delay < policy.minDelaySeconds) {
    delay = policy.minDelaySeconds;
    guardrail = 'minimum_delay';
  }
  return { strategy: modelStrategy, guardrail, retry_at: new Date(failedMs + delay * 1000).toISOString(), delay_seconds: delay };
}

/** When a strategy would submit the retry, from the failure time. */
function retryTimeMs(strategy: Exclude<RetryStrategy, 'do_not_retry'>, failedMs: number, attempt: number): number {
  switch (strategy) {
    case 'immediate':
      return failedMs;
    case 'backoff_hours':
      // 1 h after the first failure, doubling per attempt, at most a day.
      return failedMs + Math.min(2 ** (attempt - 1), 24) * HOUR_S * 1000;
    case 'next_day':
      return atRetryHour(failedMs + DAY_MS);
    case 'payday_aligned':
      return nextPayday(failedMs);
  }
}

function atRetryHour(ms: number): number {
  const day = new Date(ms);
  return utcMs(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), RETRY_HOUR_UTC);
}

/** The next 1st or 15th of a month at the retry hour, strictly after the failure. */
function nextPayday(failedMs: number): number {
  const failed = new Date(failedMs);
  const year = failed.getUTCFullYear();
  const month = failed.getUTCMonth();
  const candidates = [utcMs(year, month, 15, RETRY_HOUR_UTC), utcMs(year, month + 1, 1, RETRY_HOUR_UTC), utcMs(year, month + 1, 15, RETRY_HOUR_UTC)];
  return candidates.find((ms) => ms > failedMs)!;
}

/** Date.UTC for every year: Date.UTC itself reads years 0–99 as 1900–1999. */
function utcMs(year: number, month: number, day: number, hour: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, 0, 0, 0);
  return date.getTime();
}

export const RETRY_CLASSES: readonly RetryStrategy[] = RETRY_STRATEGIES;
