import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INFERENCE_EXAMPLES, type InferenceRouteName } from '@payments-mlops/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { InferenceClient, type InferenceClientOptions } from './inference-client.js';
import { InferenceError } from './inference-error.js';
import { send, startContractInferenceServer, type ContractInferenceServer, type ContractInferenceServerOptions } from './testing/index.js';

const servers: ContractInferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: ContractInferenceServerOptions = {}) {
  const server = await startContractInferenceServer(options);
  servers.push(server);
  return server;
}

const fastRetries = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50, multiplier: 2, jitter: 0 };
const client = (url: string, options: Partial<InferenceClientOptions> = {}) => new InferenceClient({ baseUrl: url, retry: fastRetries, ...options });

async function failure(promise: Promise<unknown>): Promise<InferenceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InferenceError);
  return error as InferenceError;
}

/** Answers the first `times` requests of an endpoint with `status` (and headers), then lets the contract logic answer. */
function failFirst(times: number, status: number, headers: Record<string, string> = {}) {
  const seen: Record<string, number> = {};
  const requestIds: (string | undefined)[] = [];
  const intercept: ContractInferenceServerOptions['intercept'] = (operation, request, response) => {
    seen[operation] = (seen[operation] ?? 0) + 1;
    requestIds.push(request.headers['x-request-id'] as string | undefined);
    if (seen[operation] > times) return false;
    send(response, status, { code: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL', message: 'injected', request_id: 'req_injected' }, headers);
    return true;
  };
  return { intercept, seen, requestIds };
}

describe('InferenceClient against a real HTTP server', () => {
  it('answers all four endpoints with contract-parsed bodies and echoes the request id', async () => {
    const server = await serve();
    const inference = client(server.url);
    const fraud = await inference.scoreFraud(INFERENCE_EXAMPLES.fraudScore.request, { requestId: 'req_wf_1' });
    expect(fraud).toMatchObject({ payment_id: 'pay_8f3k2m9q', decision: 'approve', request_id: 'req_wf_1' });
    const retry = await inference.chooseRetryStrategy(INFERENCE_EXAMPLES.retryStrategy.request);
    expect(retry.retry_allowed).toBe(true);
    expect(Date.parse(retry.retry_at!) - Date.parse(INFERENCE_EXAMPLES.retryStrategy.request.failed_at)).toBe(2_000);
    const churn = await inference.predictChurn(INFERENCE_EXAMPLES.churnPredict.request);
    expect(churn.subscription_id).toBe('sub_q81mz');
    const recovery = await inference.recommendRecovery(INFERENCE_EXAMPLES.recoveryRecommend.request);
    expect(recovery.action).toBe('card_update_request');
    expect(recovery.ranked_actions.map((a) => a.action)).toEqual(INFERENCE_EXAMPLES.recoveryRecommend.request.candidate_actions);
  });

  it('retries a 503 with the same request id and returns the answer that follows', async () => {
    const faults = failFirst(2, 503);
    const server = await serve({ intercept: faults.intercept });
    const fraud = await client(server.url).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request, { requestId: 'req_same' });
    expect(fraud.request_id).toBe('req_same');
    expect(faults.seen.fraudScore).toBe(3);
    expect(faults.requestIds).toEqual(['req_same', 'req_same', 'req_same']);
  });

  it('gives up after maxAttempts of 500s with the last status and code', async () => {
    const faults = failFirst(10, 500);
    const server = await serve({ intercept: faults.intercept });
    const error = await failure(client(server.url).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    expect(error).toMatchObject({ kind: 'http', status: 500, code: 'INTERNAL', attempts: 3, retryable: true });
    expect(faults.seen.fraudScore).toBe(3);
  });

  it('never retries a 400, and names the failing field', async () => {
    const server = await serve();
    const bad = { ...INFERENCE_EXAMPLES.fraudScore.request, amount_cents: -5 };
    const error = await failure(client(server.url).scoreFraud(bad));
    expect(error).toMatchObject({ kind: 'http', status: 400, code: 'INVALID_ARGUMENT', attempts: 1, retryable: false });
    expect(error.body?.details?.fields?.map((f) => f.field)).toEqual(['amount_cents']);
    expect(server.received.fraudScore).toHaveLength(1);
  });

  it('abandons an attempt that outlives its timeout and retries it', async () => {
    let calls = 0;
    const server = await serve({
      intercept: async () => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 400));
        return false;
      },
    });
    const started = performance.now();
    const fraud = await client(server.url, { timeoutMs: 100 }).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request);
    expect(fraud.payment_id).toBe('pay_8f3k2m9q');
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('reports a timeout when every attempt is too slow', async () => {
    const server = await serve({ intercept: () => new Promise((resolve) => setTimeout(() => resolve(false), 300)) });
    const error = await failure(client(server.url, { timeoutMs: 50, retry: { ...fastRetries, maxAttempts: 2 } }).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2, retryable: true });
  });

  it('waits at least what Retry-After asks before retrying', async () => {
    const faults = failFirst(1, 503, { 'retry-after': '0.3' });
    const server = await serve({ intercept: faults.intercept });
    const started = performance.now();
    await client(server.url, { retry: { ...fastRetries, maxDelayMs: 1_000 } }).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('rejects a 200 whose body breaks the contract, without retrying', async () => {
    let calls = 0;
    const server = await serve({
      intercept: (_operation, _request, response) => {
        calls += 1;
        send(response, 200, { ...INFERENCE_EXAMPLES.fraudScore.response, fraud_score: 1.7 });
        return true;
      },
    });
    const error = await failure(client(server.url).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    expect(error).toMatchObject({ kind: 'invalid_response', retryable: false, attempts: 1 });
    expect(error.message).toContain('fraud_score');
    expect(calls).toBe(1);
  });

  it('reports a refused connection as a retryable network failure after every attempt', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client(`http://127.0.0.1:${port}`).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    expect(error).toMatchObject({ kind: 'network', attempts: 3, retryable: true });
  });

  it('opens the circuit of a failing endpoint, sends nothing while open, keeps the others working, and closes after a good probe', async () => {
    let fraudHealthy = false;
    let fraudRequests = 0;
    const server = await serve({
      intercept: (operation: InferenceRouteName, _request, response) => {
        if (operation !== 'fraudScore') return false;
        fraudRequests += 1;
        if (fraudHealthy) return false;
        send(response, 503, { code: 'MODEL_NOT_READY', message: 'fraud model loading', request_id: 'req_x' });
        return true;
      },
    });
    const changes: string[] = [];
    const inference = client(server.url, {
      retry: { ...fastRetries, maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 2, resetTimeoutMs: 200 },
      onCircuitStateChange: (operation, state) => changes.push(`${operation}:${state}`),
    });
    await failure(inference.scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    await failure(inference.scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    const refused = await failure(inference.scoreFraud(INFERENCE_EXAMPLES.fraudScore.request));
    expect(refused).toMatchObject({ kind: 'circuit_open', attempts: 0, retryable: true });
    expect(refused.retryInMs).toBeGreaterThan(0);
    expect(fraudRequests).toBe(2);
    // Another endpoint's breaker is its own.
    await expect(inference.predictChurn(INFERENCE_EXAMPLES.churnPredict.request)).resolves.toMatchObject({ customer_id: 'cus_2bq7rt' });
    fraudHealthy = true;
    await new Promise((resolve) => setTimeout(resolve, 220));
    await expect(inference.scoreFraud(INFERENCE_EXAMPLES.fraudScore.request)).resolves.toMatchObject({ decision: 'approve' });
    expect(inference.circuitState('fraudScore')).toBe('closed');
    expect(changes).toEqual(['fraudScore:open', 'fraudScore:half_open', 'fraudScore:closed']);
  });

  it('a 4xx does not count toward opening the circuit', async () => {
    const server = await serve();
    const inference = client(server.url, { circuitBreaker: { failureThreshold: 1 } });
    const bad = { ...INFERENCE_EXAMPLES.fraudScore.request, currency: 'XXX' };
    await failure(inference.scoreFraud(bad as never));
    await failure(inference.scoreFraud(bad as never));
    expect(inference.circuitState('fraudScore')).toBe('closed');
  });

  it("stops at once when the caller's signal aborts, without further attempts", async () => {
    const faults = failFirst(10, 503);
    const server = await serve({ intercept: faults.intercept });
    const controller = new AbortController();
    const pending = client(server.url, { retry: { ...fastRetries, initialDelayMs: 500, maxDelayMs: 500 } }).scoreFraud(INFERENCE_EXAMPLES.fraudScore.request, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('workflow cancelled')), 100);
    await expect(pending).rejects.toThrow('workflow cancelled');
    expect(faults.seen.fraudScore).toBe(1);
  });
});
