import { INFERENCE_ROUTES, type ModelTask } from '@payments-mlops/contracts';

/** The endpoint path per task, as the metrics and the prediction log name it. */
export const MONITORED_ENDPOINTS_BY_TASK = {
  fraud: INFERENCE_ROUTES.fraudScore.path,
  retry: INFERENCE_ROUTES.retryStrategy.path,
  churn: INFERENCE_ROUTES.churnPredict.path,
  recovery: INFERENCE_ROUTES.recoveryRecommend.path,
} as const satisfies Record<ModelTask, string>;
