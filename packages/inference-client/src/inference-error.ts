import type { ErrorBody, ErrorCode } from '@payments-mlops/contracts';

/**
 * Why a call failed: `http` (the service answered with an error status), `timeout` (no answer in
 * time), `network` (no connection), `circuit_open` (not sent: the service failed too often
 * recently), `invalid_response` (a 2xx body that breaks the contract).
 */
export type InferenceFailureKind = 'http' | 'timeout' | 'network' | 'circuit_open' | 'invalid_response';

export interface InferenceErrorInit {
  kind: InferenceFailureKind;
  operation: string;
  message: string;
  status?: number;
  body?: ErrorBody;
  attempts: number;
  /** For circuit_open: when the circuit lets a probe through. */
  retryInMs?: number;
  cause?: unknown;
}

/** A failed inference call, after the client's own retries. */
export class InferenceError extends Error {
  readonly kind: InferenceFailureKind;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: ErrorCode | undefined;
  readonly body: ErrorBody | undefined;
  readonly attempts: number;
  readonly retryInMs: number | undefined;

  constructor(init: InferenceErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'InferenceError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.body = init.body;
    this.code = init.body?.code;
    this.attempts = init.attempts;
    this.retryInMs = init.retryInMs;
  }

  /**
   * Whether trying again later can succeed: server errors, timeouts, lost connections and an open
   * circuit can; a 4xx (the request itself is wrong) and a contract breach cannot.
   */
  get retryable(): boolean {
    return isRetryableFailure(this.kind, this.status);
  }
}

export function isRetryableFailure(kind: InferenceFailureKind, status: number | undefined): boolean {
  switch (kind) {
    case 'http':
      return status !== undefined && status >= 500;
    case 'timeout':
    case 'network':
    case 'circuit_open':
      return true;
    case 'invalid_response':
      return false;
  }
}
