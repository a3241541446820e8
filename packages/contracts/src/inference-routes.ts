import { z } from 'zod';
import { INFERENCE_EXAMPLES } from './inference-examples.js';
import {
  ChurnPredictRequest,
  ChurnPredictResponse,
  FraudScoreRequest,
  FraudScoreResponse,
  RecoveryRecommendRequest,
  RecoveryRecommendResponse,
  RetryStrategyRequest,
  RetryStrategyResponse,
} from './inference.js';
import { defineRoute, errorResponses } from './route-table.js';

/**
 * Optional on every call; answers and logs carry it, so a workflow can trace its own requests.
 * Loose: Fastify validates the whole header set, and the other headers must pass through.
 */
export const RequestIdHeaders = z.looseObject({
  'x-request-id': z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe(
      "The caller's request id, echoed as `request_id`; the service assigns one when absent.",
    ),
});

const INFERENCE_ERRORS = errorResponses({
  INVALID_ARGUMENT: 'the body is malformed; `details.fields` names every failing field.',
  PAYLOAD_TOO_LARGE: 'the body is larger than the service accepts.',
  INTERNAL: 'an unexpected failure; retry with backoff, and quote `request_id` if it persists.',
  MODEL_NOT_READY: "this endpoint's model is not loaded yet (the other endpoints keep answering).",
  SERVICE_UNAVAILABLE: 'the service is shutting down or overloaded; retry with backoff.',
});

interface InferenceEndpoint<Req extends z.ZodType, Res extends z.ZodType> {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  body: Req;
  answer: { description: string; schema: Res };
}

/** Every inference endpoint is a POST with the request-id header, the shared errors and examples. */
function inferenceRoute<Req extends z.ZodType, Res extends z.ZodType>(
  examples: { request: z.input<Req>; response: z.output<Res> },
  { tag, answer, ...endpoint }: InferenceEndpoint<Req, Res>,
) {
  return defineRoute({
    method: 'POST',
    ...endpoint,
    tags: [tag],
    headers: RequestIdHeaders,
    bodyExample: examples.request,
    responses: { 200: answer, ...INFERENCE_ERRORS },
    responseExamples: { 200: examples.response },
  });
}

/** The four endpoints of ml-serving (port 8002), which the payment workflows call. */
export const INFERENCE_ROUTES = {
  fraudScore: inferenceRoute(INFERENCE_EXAMPLES.fraudScore, {
    path: '/fraud/score',
    operationId: 'scoreFraud',
    summary: 'Score a payment for fraud before authorization',
    description:
      'Returns the fraud probability, a risk level, the approve/review/decline decision from ' +
      'the configured thresholds, and the top reasons (TreeSHAP).',
    tag: 'fraud',
    body: FraudScoreRequest,
    answer: { description: 'The score and decision.', schema: FraudScoreResponse },
  }),
  retryStrategy: inferenceRoute(INFERENCE_EXAMPLES.retryStrategy, {
    path: '/retry/strategy',
    operationId: 'chooseRetryStrategy',
    summary: 'Choose when, and whether, to retry a declined payment',
    description:
      "Returns the strategy and the time to retry at. Guardrails apply over the model's choice: " +
      'hard declines are never retried and card-network retry limits are respected; ' +
      '`guardrail` names the rule when one changed the answer.',
    tag: 'retry',
    body: RetryStrategyRequest,
    answer: { description: 'The retry strategy.', schema: RetryStrategyResponse },
  }),
  churnPredict: inferenceRoute(INFERENCE_EXAMPLES.churnPredict, {
    path: '/churn/predict',
    operationId: 'predictChurn',
    summary: 'Predict whether a subscription will churn',
    description:
      'Returns the churn probability over the model horizon, a risk level and the top factors.',
    tag: 'churn',
    body: ChurnPredictRequest,
    answer: { description: 'The churn risk.', schema: ChurnPredictResponse },
  }),
  recoveryRecommend: inferenceRoute(INFERENCE_EXAMPLES.recoveryRecommend, {
    path: '/recovery/recommend',
    operationId: 'recommendRecovery',
    summary: 'Recommend the action that best recovers a failed payment',
    description:
      'Ranks the candidate actions by expected recovered value and returns the best one with ' +
      'the probabilities behind the ranking.',
    tag: 'recovery',
    body: RecoveryRecommendRequest,
    answer: { description: 'The recommended action.', schema: RecoveryRecommendResponse },
  }),
} as const;

export type InferenceRouteName = keyof typeof INFERENCE_ROUTES;

export const INFERENCE_API_INFO = {
  title: 'payments-mlops inference API',
  version: '1.0.0',
  description:
    'Fraud scoring, retry strategy, churn prediction and recovery recommendation for the ' +
    'payment workflows, served by ml-serving. Every call is safe to retry (a Temporal activity ' +
    'may): answering has no effect besides the prediction log, and the A/B split routes an ' +
    'entity to the same model each time. Fields are added, never changed; a breaking change ' +
    'gets a new path.',
} as const;
