import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breaker(options: { failureThreshold?: number; resetTimeoutMs?: number; halfOpenMaxCalls?: number } = {}) {
  const clock = { now: 1_000 };
  const changes: string[] = [];
  const cb = new CircuitBreaker({
    failureThreshold: options.failureThreshold ?? 3,
    resetTimeoutMs: options.resetTimeoutMs ?? 5_000,
    halfOpenMaxCalls: options.halfOpenMaxCalls ?? 1,
    now: () => clock.now,
    onStateChange: (state: CircuitState, previous: CircuitState) => changes.push(`${previous}->${state}`),
  });
  const fail = (times: number) => {
    for (let i = 0; i < times; i += 1) cb.tryAcquire()!.failure();
  };
  return { cb, clock, changes, fail };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold of consecutive failures', () => {
    const { cb, fail } = breaker();
    fail(2);
    expect(cb.current()).toBe('closed');
    expect(cb.tryAcquire()).toBeDefined();
  });

  it('opens at the threshold and refuses calls until the reset timeout passes', () => {
    const { cb, clock, fail } = breaker();
    fail(3);
    expect(cb.current()).toBe('open');
    expect(cb.tryAcquire()).toBeUndefined();
    clock.now += 4_000;
    expect(cb.retryInMs()).toBe(1_000);
    expect(cb.tryAcquire()).toBeUndefined();
  });

  it('a success resets the count, so only consecutive failures open it', () => {
    const { cb, fail } = breaker();
    fail(2);
    cb.tryAcquire()!.success();
    fail(2);
    expect(cb.current()).toBe('closed');
  });

  it('after the timeout lets exactly halfOpenMaxCalls probes through, and a successful probe closes it', () => {
    const { cb, clock, changes, fail } = breaker({ halfOpenMaxCalls: 2 });
    fail(3);
    clock.now += 5_000;
    expect(cb.current()).toBe('half_open');
    const first = cb.tryAcquire();
    const second = cb.tryAcquire();
    expect(first && second).toBeDefined();
    expect(cb.tryAcquire()).toBeUndefined();
    first!.success();
    expect(cb.current()).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half_open', 'half_open->closed']);
  });

  it('a failed probe reopens it for a whole new timeout', () => {
    const { cb, clock, fail } = breaker();
    fail(3);
    clock.now += 5_000;
    cb.tryAcquire()!.failure();
    expect(cb.current()).toBe('open');
    expect(cb.retryInMs()).toBe(5_000);
  });

  it('counts an outcome once, however often a permit is settled', () => {
    const { cb } = breaker({ failureThreshold: 2 });
    const permit = cb.tryAcquire()!;
    permit.failure();
    permit.failure();
    expect(cb.current()).toBe('closed');
  });

  it('rejects options that cannot work', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, resetTimeoutMs: 1, halfOpenMaxCalls: 1 })).toThrow(/failureThreshold/);
  });
});
