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

/** The four endpoints of ml-serving (port 8002), which the payment workflows call. */
export const INFERENCE_ROUTES = {
  fraudScore: defineRoute({
    method: 'POST',
    path: '/fraud/score',
    operationId: 'scoreFraud',
    summary: 'Score a payment for fraud before authorization',
    description:
      'Returns the fraud probability, a risk level, the approve/review/decline decision from ' +
      'the configured thresholds, and the top reasons (TreeSHAP).',
    tags: ['fraud'],
    headers: RequestIdHeaders,
    body: FraudScoreRequest,
    bodyExample: INFERENCE_EXAMPLES.fraudScore.request,
    responses: {
      200: { description: 'The score and decision.', schema: FraudScoreResponse },
      ...INFERENCE_ERRORS,
    },
    responseExamples: { 200: INFERENCE_EXAMPLES.fraudScore.response },
  }),
  retryStrategy: defineRoute({
    method: 'POST',
    path: '/retry/strategy',
    operationId: 'chooseRetryStrategy',
    summary: 'Choose when, and whether, to retry a declined payment',
    description:
      "Returns the strategy and the time to retry at. Guardrails apply over the model's choice: " +
      'hard declines are never retried and card-network retry limits are respected; ' +
      '`guardrail` names the rule when one changed the answer.',
    tags: ['retry'],
    headers: RequestIdHeaders,
    body: RetryStrategyRequest,
    bodyExample: INFERENCE_EXAMPLES.retryStrategy.request,
    responses: {
      200: { description: 'The retry strategy.', schema: RetryStrategyResponse },
      ...INFERENCE_ERRORS,
    },
    responseExamples: { 200: INFERENCE_EXAMPLES.retryStrategy.response },
  }),
  churnPredict: defineRoute({
    method: 'POST',
    path: '/churn/predict',
    operationId: 'predictChurn',
    summary: 'Predict whether a subscription will churn',
    description:
      'Returns the churn probability over the model horizon, a risk level and the top factors.',
    tags: ['churn'],
    headers: RequestIdHeaders,
    body: ChurnPredictRequest,
    bodyExample: INFERENCE_EXAMPLES.churnPredict.request,
    responses: {
      200: { description: 'The churn risk.', schema: ChurnPredictResponse },
      ...INFERENCE_ERRORS,
    },
    responseExamples: { 200: INFERENCE_EXAMPLES.churnPredict.response },
  }),
  recoveryRecommend: defineRoute({
    method: 'POST',
    path: '/recovery/recommend',
    operationId: 'recommendRecovery',
    summary: 'Recommend the action that best recovers a failed payment',
    description:
      'Ranks the candidate actions by expected recovered value and returns the best one with ' +
      'the probabilities behind the ranking.',
    tags: ['recovery'],
    headers: RequestIdHeaders,
    body: RecoveryRecommendRequest,
    bodyExample: INFERENCE_EXAMPLES.recoveryRecommend.request,
    responses: {
      200: { description: 'The recommended action.', schema: RecoveryRecommendResponse },
      ...INFERENCE_ERRORS,
    },
    responseExamples: { 200: INFERENCE_EXAMPLES.recoveryRecommend.response },
  }),
} as const;

export type InferenceRouteName = keyof typeof INFERENCE_ROUTES;

export const INFERENCE_API_INFO = {
  title: 'payments-mlops inference API',
  version: '1.0.0',
  description:
    'Fraud scoring, retry strategy, churn prediction and recovery recommendation for the ' +
    'payment workflows, served by ml-serving.',
} as const;
