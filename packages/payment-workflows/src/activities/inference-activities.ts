import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { InferenceError, type InferenceClient, type InferenceRequest, type InferenceResponse } from '@payments-mlops/inference-client';
import type { InferenceRouteName } from '@payments-mlops/contracts';

/** Failure types the workflow's retry policies name: a rejected request is never retried. */
export const INFERENCE_FAILURE_TYPES = {
  rejected: 'InferenceRequestRejected',
  contractBreach: 'InferenceContractBreach',
  unavailable: 'InferenceUnavailable',
} as const;

/**
 * Turns a failed call into the ApplicationFailure Temporal retries by: a 4xx or a contract breach is
 * final (the same request fails the same way); anything else is retried on the workflow's policy,
 * and an open circuit asks to be retried no sooner than the circuit lets a probe through.
 */
export function toApplicationFailure(error: unknown): unknown {
  if (!(error instanceof InferenceError)) return error;
  const details = [{ kind: error.kind, status: error.status ?? null, code: error.code ?? null, attempts: error.attempts, fields: error.body?.details?.fields ?? [] }];
  if (!error.retryable) {
    const type = error.kind === 'invalid_response' ? INFERENCE_FAILURE_TYPES.contractBreach : INFERENCE_FAILURE_TYPES.rejected;
    return ApplicationFailure.create({ message: error.message, type, nonRetryable: true, details });
  }
  return ApplicationFailure.create({
    message: error.message,
    type: INFERENCE_FAILURE_TYPES.unavailable,
    details,
    ...(error.kind === 'circuit_open' && error.retryInMs ? { nextRetryDelay: error.retryInMs } : {}),
  });
}

async function callInference<N extends InferenceRouteName>(client: InferenceClient, operation: N, request: InferenceRequest<N>): Promise<InferenceResponse<N>> {
  const context = Context.current();
  // One request id per activity execution and attempt, so the service's logs tie back to the workflow.
  const { workflowExecution, activityId, attempt } = context.info;
  try {
    return await client.call(operation, request, {
      requestId: `${workflowExecution?.workflowId ?? "activity"}:${activityId}:${attempt}`.slice(0, 128),
      signal: context.cancellationSignal,
    });
  } catch (error) {
    throw toApplicationFailure(error);
  }
}

/** The four inference endpoints as Temporal activities, on a client shared by the whole worker (and its breakers). */
export function createInferenceActivities(client: InferenceClient) {
  return {
    scoreFraud: (request: InferenceRequest<'fraudScore'>) => callInference(client, 'fraudScore', request),
    chooseRetryStrategy: (request: InferenceRequest<'retryStrategy'>) => callInference(client, 'retryStrategy', request),
    predictChurn: (request: InferenceRequest<'churnPredict'>) => callInference(client, 'churnPredict', request),
    recommendRecovery: (request: InferenceRequest<'recoveryRecommend'>) => callInference(client, 'recoveryRecommend', request),
  };
}

export type InferenceActivities = ReturnType<typeof createInferenceActivities>;
