import { MODEL_TASKS } from '@payments-mlops/contracts';
import type { MlServingDeps } from './app.js';
import type { MlServingConfig } from './config.js';
import { DEFAULT_ACTION_COSTS_CENTS } from './domain/recovery-ranking.js';

/** The decision rules and traffic split as configured. */
export function policiesFromConfig(config: MlServingConfig): MlServingDeps['policies'] {
  return {
    fraud: { review: config.FRAUD_REVIEW_THRESHOLD, decline: config.FRAUD_DECLINE_THRESHOLD },
    churn: { medium: config.CHURN_MEDIUM_THRESHOLD, high: config.CHURN_HIGH_THRESHOLD, horizonDays: config.CHURN_HORIZON_DAYS },
    retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, minDelaySeconds: config.RETRY_MIN_DELAY_SECONDS },
    recoveryCosts: { ...DEFAULT_ACTION_COSTS_CENTS, ...config.RECOVERY_ACTION_COSTS_CENTS },
    reasons: config.SERVING_REASONS,
    split: Object.fromEntries(
      MODEL_TASKS.map((task) => [task, { challengerWeight: config.SERVING_CHALLENGER_WEIGHTS[task], shadow: config.SERVING_SHADOW_TASKS.has(task) }]),
    ) as MlServingDeps['policies']['split'],
  };
}
