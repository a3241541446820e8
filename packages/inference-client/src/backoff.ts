/** How a failed call is retried: exponential delays with jitter, within an attempt cap. */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 turns retries off. */
  maxAttempts: number;
  /** Delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** Ceiling of every delay, before and after jitter. */
  maxDelayMs: number;
  /** Growth of the delay from one retry to the next. */
  multiplier: number;
  /**
   * Share of each delay that is drawn at random, from 0 (fixed delays) to 1 ("full jitter"):
   * callers that failed together spread out instead of retrying in lockstep.
   */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 50,
  maxDelayMs: 2_000,
  multiplier: 2,
  jitter: 0.5,
};

/** Throws naming the first field of a policy that cannot work. */
export function checkRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) problems.push('maxAttempts must be an integer ≥ 1');
  if (!(policy.initialDelayMs >= 0)) problems.push('initialDelayMs must be ≥ 0');
  if (!(policy.maxDelayMs >= policy.initialDelayMs)) problems.push('maxDelayMs must be ≥ initialDelayMs');
  if (!(policy.multiplier >= 1)) problems.push('multiplier must be ≥ 1');
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) problems.push('jitter must be between 0 and 1');
  if (problems.length > 0) throw new RangeError(`invalid retry policy: ${problems.join('; ')}`);
  return policy;
}

/**
 * The wait before retry number `retry` (1 for the first retry). The exponential part is capped
 * first, then the jittered share is drawn from [0, share), so every delay lies in
 * [capped × (1 − jitter), capped]. `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const jittered = capped * policy.jitter;
  return capped - jittered + jittered * random();
}

/**
 * The delay a server asked for in Retry-After (seconds or an HTTP date), in ms; undefined when the
 * header is absent or unreadable. A past date means "now".
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
