/** closed: calls flow; open: calls fail at once; half_open: a few probes test whether the service is back. */
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before it lets probes through. */
  resetTimeoutMs: number;
  /** Probes allowed at once while half open; the first success closes, any failure reopens. */
  halfOpenMaxCalls: number;
  now?: () => number;
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

export const DEFAULT_CIRCUIT_BREAKER = { failureThreshold: 5, resetTimeoutMs: 10_000, halfOpenMaxCalls: 1 } as const;

/** A permit to make one call; report its outcome exactly once. */
export interface CircuitPermit {
  success(): void;
  failure(): void;
}

/**
 * Counts consecutive failures of one dependency and, past a threshold, fails calls at once for a
 * while instead of letting every caller wait out its own timeout against a service that is down.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) throw new RangeError('failureThreshold must be an integer ≥ 1');
    if (!(options.resetTimeoutMs >= 0)) throw new RangeError('resetTimeoutMs must be ≥ 0');
    if (!Number.isInteger(options.halfOpenMaxCalls) || options.halfOpenMaxCalls < 1) throw new RangeError('halfOpenMaxCalls must be an integer ≥ 1');
    this.now = options.now ?? Date.now;
  }

  /** The state as of now: an open circuit whose timeout has passed reads as half open. */
  current(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.resetTimeoutMs) this.transition('half_open');
    return this.state;
  }

  /** Milliseconds until an open circuit lets a probe through; 0 when calls may go now. */
  retryInMs(): number {
    if (this.current() !== 'open') return 0;
    return Math.max(0, this.openedAt + this.options.resetTimeoutMs - this.now());
  }

  /** A permit for one call, or undefined when the circuit refuses it. */
  tryAcquire(): CircuitPermit | undefined {
    const state = this.current();
    if (state === 'open') return undefined;
    if (state === 'half_open') {
      if (this.probesInFlight >= this.options.halfOpenMaxCalls) return undefined;
      this.probesInFlight += 1;
    }
    const probe = state === 'half_open';
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (probe) this.probesInFlight -= 1;
      if (ok) this.recordSuccess();
      else this.recordFailure(probe);
    };
    return { success: () => settle(true), failure: () => settle(false) };
  }

  private recordSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.state !== 'closed') this.transition('closed');
  }

  private recordFailure(probe: boolean): void {
    this.consecutiveFailures += 1;
    // A failed probe reopens at once; a failure reported late by a call that started while the
    // circuit was closed counts toward the threshold like any other.
    if ((probe && this.state === 'half_open') || (this.state === 'closed' && this.consecutiveFailures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(next: CircuitState): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    if (next === 'half_open') this.probesInFlight = 0;
    this.options.onStateChange?.(next, previous);
  }
}
