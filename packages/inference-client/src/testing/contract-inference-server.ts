import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ErrorBody} from '@payments-mlops/contracts';
import {
  INFERENCE_EXAMPLES,
  INFERENCE_ROUTES,
  RECOVERY_ACTIONS,
  fraudDecisionFor,
  type ChurnPredictRequest,
  type ChurnPredictResponse,
  type FraudScoreRequest,
  type FraudScoreResponse,
  type InferenceRouteName,
  type RecoveryRecommendRequest,
  type RecoveryRecommendResponse,
  type RetryStrategyRequest,
  type RetryStrategyResponse,
} from '@payments-mlops/contracts';

/**
 * A real HTTP server that speaks the four endpoints' contracts: it validates every request with the
 * contract schemas (400 naming the failing fields) and answers contract-valid bodies derived from
 * the published examples, so clients and workflows can be exercised over the wire before, or
 * without, trained models. Every answer is parsed with its response schema before it is sent.
 */
export interface ContractInferenceServerOptions {
  /** The fraud probability of a request; default 0.05 (approve). */
  fraudScore?: (request: FraudScoreRequest) => number;
  /** Seconds from failed_at to retry_at for a soft decline; default 2. */
  retryDelaySeconds?: number;
  /** Answers a request before the contract logic when it returns something (faults, delays). */
  intercept?: (operation: InferenceRouteName, request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

export interface ContractInferenceServer {
  url: string;
  /** Requests received per endpoint, in order, as parsed bodies (valid or not). */
  received: Record<InferenceRouteName, unknown[]>;
  close(): Promise<void>;
}

const OPERATION_BY_PATH = new Map(Object.entries(INFERENCE_ROUTES).map(([name, route]) => [route.path, name as InferenceRouteName]));
const THRESHOLDS = INFERENCE_EXAMPLES.fraudScore.response.thresholds;

export async function startContractInferenceServer(options: ContractInferenceServerOptions = {}): Promise<ContractInferenceServer> {
  const received: ContractInferenceServer['received'] = { fraudScore: [], retryStrategy: [], churnPredict: [], recoveryRecommend: [] };
  let sequence = 0;
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, errorBody('INTERNAL', (error as Error).message, 'req_contract_error'));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = request.method === 'POST' ? OPERATION_BY_PATH.get(request.url ?? '') : undefined;
    const requestId = headerValue(request, 'x-request-id') ?? `req_contract_${(sequence += 1)}`;
    if (!operation) return send(response, 404, errorBody('NOT_FOUND', `no route ${request.method} ${request.url}`, requestId));
    if (options.intercept && (await options.intercept(operation, request, response))) return;
    const body = await readJson(request);
    received[operation].push(body);
    const parsed = INFERENCE_ROUTES[operation].body.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
      const names = fields.map((f) => f.field || '(body)').join(', ');
      return send(response, 400, errorBody('INVALID_ARGUMENT', `invalid request: ${names}`, requestId, { fields }));
    }
    const answer = answerFor(operation, parsed.data, requestId);
    // The stand-in must never teach a client something the contract forbids.
    const checked = INFERENCE_ROUTES[operation].responses[200].schema.parse(answer);
    send(response, 200, checked);
  }

  function answerFor(operation: InferenceRouteName, request: unknown, requestId: string): unknown {
    switch (operation) {
      case 'fraudScore':
        return fraudAnswer(request as FraudScoreRequest, requestId, options.fraudScore?.(request as FraudScoreRequest) ?? 0.05);
      case 'retryStrategy':
        return retryAnswer(request as RetryStrategyRequest, requestId, options.retryDelaySeconds ?? 2);
      case 'churnPredict':
        return churnAnswer(request as ChurnPredictRequest, requestId);
      case 'recoveryRecommend':
        return recoveryAnswer(request as RecoveryRecommendRequest, requestId);
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function fraudAnswer(request: FraudScoreRequest, requestId: string, score: number): FraudScoreResponse {
  const decision = fraudDecisionFor(score, THRESHOLDS);
  return {
    ...INFERENCE_EXAMPLES.fraudScore.response,
    payment_id: request.payment_id,
    fraud_score: score,
    decision,
    risk_level: decision === 'decline' ? 'high' : decision === 'review' ? 'medium' : 'low',
    request_id: requestId,
  };
}

function retryAnswer(request: RetryStrategyRequest, requestId: string, delaySeconds: number): RetryStrategyResponse {
  const example = INFERENCE_EXAMPLES.retryStrategy.response;
  if (request.decline_type === 'hard') {
    return {
      ...example,
      payment_id: request.payment_id,
      strategy: 'do_not_retry',
      retry_allowed: false,
      retry_at: null,
      delay_seconds: null,
      model_strategy: 'backoff_hours',
      guardrail: 'hard_decline',
      request_id: requestId,
    };
  }
  return {
    ...example,
    payment_id: request.payment_id,
    strategy: 'backoff_hours',
    model_strategy: 'backoff_hours',
    guardrail: null,
    retry_allowed: true,
    retry_at: new Date(Date.parse(request.failed_at) + delaySeconds * 1000).toISOString(),
    delay_seconds: delaySeconds,
    request_id: requestId,
  };
}

function churnAnswer(request: ChurnPredictRequest, requestId: string): ChurnPredictResponse {
  return {
    ...INFERENCE_EXAMPLES.churnPredict.response,
    customer_id: request.customer_id,
    subscription_id: request.subscription.subscription_id,
    request_id: requestId,
  };
}

function recoveryAnswer(request: RecoveryRecommendRequest, requestId: string): RecoveryRecommendResponse {
  const candidates = request.candidate_actions ?? [...RECOVERY_ACTIONS];
  // Falling probabilities in candidate order keep the ranking monotone, as the contract requires.
  const ranked = candidates.map((action, i) => {
    const recovery_probability = Math.round((0.7 / (i + 1)) * 1000) / 1000;
    return { action, recovery_probability, expected_value_cents: Math.round(recovery_probability * request.amount_cents) };
  });
  const best = ranked[0]!;
  return {
    ...INFERENCE_EXAMPLES.recoveryRecommend.response,
    payment_id: request.payment_id,
    currency: request.currency,
    action: best.action,
    expected_value_cents: best.expected_value_cents,
    ranked_actions: ranked,
    degraded: false,
    request_id: requestId,
  };
}

function errorBody(code: ErrorBody['code'], message: string, requestId: string, details?: ErrorBody['details']): ErrorBody {
  return { code, message, request_id: requestId, ...(details ? { details } : {}) };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
