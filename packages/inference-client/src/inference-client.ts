import { ErrorBody, INFERENCE_ROUTES, type InferenceRouteName, type RequestBody, type ResponseBody } from '@payments-mlops/contracts';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, checkRetryPolicy, retryAfterMs, type RetryPolicy } from './backoff.js';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
import { InferenceError, isRetryableFailure, type InferenceFailureKind } from './inference-error.js';

type Route<N extends InferenceRouteName> = (typeof INFERENCE_ROUTES)[N];
export type InferenceRequest<N extends InferenceRouteName> = RequestBody<Route<N>>;
export type InferenceResponse<N extends InferenceRouteName> = ResponseBody<Route<N>>;

export interface InferenceClientOptions {
  /** ml-serving's base URL, e.g. http://127.0.0.1:8002 (ORCHESTRATOR_INFERENCE_SERVICE_URL). */
  baseUrl: string;
  /** Time allowed to one attempt, answer body included. Default 2 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** One breaker per endpoint, so a model that is not loaded does not stop the other three; false turns it off. */
  circuitBreaker?: Partial<Pick<CircuitBreakerOptions, 'failureThreshold' | 'resetTimeoutMs' | 'halfOpenMaxCalls'>> | false;
  onCircuitStateChange?: (operation: InferenceRouteName, state: CircuitState, previous: CircuitState) => void;
  /** Sent with every request (an authorization header, for instance). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
}

export interface CallOptions {
  /** Sent as x-request-id and echoed in the answer; the same on every retry of one call. */
  requestId?: string;
  /** Abandons the call, retries included; the signal's reason is thrown as is. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface AttemptFailure {
  kind: InferenceFailureKind;
  message: string;
  status?: number;
  body?: ErrorBody;
  retryAfterMs?: number;
  cause?: unknown;
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Typed calls to ml-serving's four endpoints, with timeouts, retries with backoff and jitter, and a circuit breaker. */
export class InferenceClient {
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly breakers = new Map<InferenceRouteName, CircuitBreaker>();

  constructor(private readonly options: InferenceClientOptions) {
    this.baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, '');
    this.policy = checkRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...options.retry });
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    if (options.circuitBreaker !== false) {
      for (const name of Object.keys(INFERENCE_ROUTES) as InferenceRouteName[]) {
        this.breakers.set(
          name,
          new CircuitBreaker({
            ...DEFAULT_CIRCUIT_BREAKER,
            ...options.circuitBreaker,
            now: this.now,
            onStateChange: (state, previous) => options.onCircuitStateChange?.(name, state, previous),
          }),
        );
      }
    }
  }

  scoreFraud(request: InferenceRequest<'fraudScore'>, options?: CallOptions) {
    return this.call('fraudScore', request, options);
  }

  chooseRetryStrategy(request: InferenceRequest<'retryStrategy'>, options?: CallOptions) {
    return this.call('retryStrategy', request, options);
  }

  predictChurn(request: InferenceRequest<'churnPredict'>, options?: CallOptions) {
    return this.call('churnPredict', request, options);
  }

  recommendRecovery(request: InferenceRequest<'recoveryRecommend'>, options?: CallOptions) {
    return this.call('recoveryRecommend', request, options);
  }

  /** The breaker state of one endpoint ('closed' when breakers are off). */
  circuitState(operation: InferenceRouteName): CircuitState {
    return this.breakers.get(operation)?.current() ?? 'closed';
  }

  async call<N extends InferenceRouteName>(operation: N, request: InferenceRequest<N>, options: CallOptions = {}): Promise<InferenceResponse<N>> {
    const breaker = this.breakers.get(operation);
    for (let attempt = 1; ; attempt += 1) {
      options.signal?.throwIfAborted();
      const permit = breaker?.tryAcquire();
      if (breaker && !permit) {
        throw new InferenceError({
          kind: 'circuit_open',
          operation,
          attempts: attempt - 1,
          retryInMs: breaker.retryInMs(),
          message: `${operation}: circuit open after repeated failures; not sent (next probe in ${breaker.retryInMs()} ms)`,
        });
      }
      const outcome = await this.attempt(operation, request, options);
      if (outcome.ok) {
        permit?.success();
        return outcome.value;
      }
      const failure = outcome.failure;
      const retryable = isRetryableFailure(failure.kind, failure.status);
      // A 4xx means the service is up and judged the request: that is health, not failure.
      if (failure.kind === 'http' && !retryable) permit?.success();
      else permit?.failure();
      if (!retryable || attempt >= this.policy.maxAttempts) {
        throw new InferenceError({ ...failure, operation, attempts: attempt });
      }
      const backoff = backoffDelayMs(attempt, this.policy, this.random);
      await abortableDelay(Math.min(this.policy.maxDelayMs, Math.max(backoff, failure.retryAfterMs ?? 0)), options.signal);
    }
  }

  private async attempt<N extends InferenceRouteName>(
    operation: N,
    request: InferenceRequest<N>,
    options: CallOptions,
  ): Promise<{ ok: true; value: InferenceResponse<N> } | { ok: false; failure: AttemptFailure }> {
    const route = INFERENCE_ROUTES[operation];
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { ...this.options.headers, 'content-type': 'application/json', accept: 'application/json' };
    if (options.requestId) headers['x-request-id'] = options.requestId;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(`${this.baseUrl}${route.path}`, { method: 'POST', headers, body: JSON.stringify(request), signal });
      text = await response.text();
    } catch (error) {
      // The caller's own abort is not a failure of the service: it propagates untouched.
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) return { ok: false, failure: { kind: 'timeout', message: `${operation}: no answer within ${options.timeoutMs ?? this.timeoutMs} ms`, cause: error } };
      return { ok: false, failure: { kind: 'network', message: `${operation}: ${(error as Error).message}`, cause: error } };
    }
    const json = parseJson(text);
    if (!response.ok) {
      const body = ErrorBody.safeParse(json);
      const failure: AttemptFailure = {
        kind: 'http',
        status: response.status,
        message: `${operation}: ${response.status} ${body.success ? `${body.data.code}: ${body.data.message}` : text.slice(0, 300)}`,
      };
      if (body.success) failure.body = body.data;
      const retryAfter = retryAfterMs(response.headers.get('retry-after'), this.now());
      if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
      return { ok: false, failure };
    }
    const parsed = route.responses[200].schema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
      return { ok: false, failure: { kind: 'invalid_response', status: response.status, message: `${operation}: the answer breaks the contract at ${fields}` } };
    }
    return { ok: true, value: parsed.data as InferenceResponse<N> };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
