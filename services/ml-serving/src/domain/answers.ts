import {
  MODEL_CLASSES,
  RECOVERY_ACTIONS,
  RETRY_STRATEGIES,
  fraudDecisionFor,
  type ChurnPredictRequest,
  type ChurnPredictResponse,
  type FraudScoreRequest,
  type FraudScoreResponse,
  type ModelRef,
  type RecoveryAction,
  type RecoveryRecommendRequest,
  type RecoveryRecommendResponse,
  type RetryStrategyRequest,
  type RetryStrategyResponse,
} from '@payments-mlops/contracts';
import { argmax } from '../models/serving-model.js';
import { rankRecoveryActions, clampProbability } from './recovery-ranking.js';
import { applyRetryGuardrails, type RetryPolicy } from './retry-guardrails.js';
import { riskLevelOf, type RiskBands } from './risk-level.js';
import { reasonsFor, type ReasonMethod, type Scored } from './scorer.js';

/*
 * The four answers, each built from one scored request and the configured decision rules. The
 * common fields (request id, model, degraded, unknown categories, latency) are the route's.
 */

export interface DecisionPolicy {
  fraud: { review: number; decline: number };
  churn: RiskBands & { horizonDays: number };
  retry: RetryPolicy;
  recoveryCosts: Readonly<Record<RecoveryAction, number>>;
  reasons: ReasonMethod;
}

export interface CommonFields {
  request_id: string;
  model: ModelRef;
  degraded: boolean;
  unknown_categories: string[];
  latency_ms: number;
}

/** Each answer's decision in one word, for the prediction log. */
export interface Answer<T> {
  body: Omit<T, keyof CommonFields>;
  decision: string;
}

export function fraudAnswer(request: FraudScoreRequest, scored: Scored, policy: DecisionPolicy): Answer<FraudScoreResponse> {
  const score = clampProbability(scored.probabilities[1]!);
  const thresholds = policy.fraud;
  const decision = fraudDecisionFor(score, thresholds);
  return {
    body: {
      payment_id: request.payment_id,
      fraud_score: score,
      risk_level: riskLevelOf(score, { medium: thresholds.review, high: thresholds.decline }),
      decision,
      thresholds,
      reasons: reasonsFor(scored, 0, policy.reasons),
    },
    decision,
  };
}

export function retryAnswer(request: RetryStrategyRequest, scored: Scored, policy: DecisionPolicy): Answer<RetryStrategyResponse> {
  const modelIndex = argmax(scored.probabilities);
  const modelStrategy = RETRY_STRATEGIES[modelIndex]!;
  const decided = applyRetryGuardrails(modelStrategy, request, policy.retry);
  const probabilities = Object.fromEntries(
    RETRY_STRATEGIES.map((strategy, i) => [strategy, clampProbability(scored.probabilities[i]!)]),
  ) as RetryStrategyResponse['probabilities'];
  return {
    body: {
      payment_id: request.payment_id,
      strategy: decided.strategy,
      retry_allowed: decided.strategy !== 'do_not_retry',
      retry_at: decided.retry_at,
      delay_seconds: decided.delay_seconds,
      model_strategy: modelStrategy,
      guardrail: decided.guardrail,
      probabilities,
      reasons: reasonsFor(scored, modelIndex, policy.reasons),
    },
    decision: decided.strategy,
  };
}

export function churnAnswer(request: ChurnPredictRequest, scored: Scored, policy: DecisionPolicy): Answer<ChurnPredictResponse> {
  const score = clampProbability(scored.probabilities[1]!);
  const riskLevel = riskLevelOf(score, policy.churn);
  return {
    body: {
      customer_id: request.customer_id,
      subscription_id: request.subscription.subscription_id,
      churn_score: score,
      risk_level: riskLevel,
      horizon_days: policy.churn.horizonDays,
      reasons: reasonsFor(scored, 0, policy.reasons),
    },
    decision: riskLevel,
  };
}

export function recoveryAnswer(request: RecoveryRecommendRequest, scored: Scored, policy: DecisionPolicy): Answer<RecoveryRecommendResponse> {
  const ranked = rankRecoveryActions(scored.probabilities, request.amount_cents, request.candidate_actions, policy.recoveryCosts);
  const best = ranked[0]!;
  return {
    body: {
      payment_id: request.payment_id,
      action: best.action,
      expected_value_cents: best.expected_value_cents,
      currency: request.currency,
      ranked_actions: ranked,
      reasons: reasonsFor(scored, RECOVERY_ACTIONS.indexOf(best.action), policy.reasons),
    },
    decision: best.action,
  };
}

/** Probability per class name, for the prediction log. */
export function scoresByClass(scored: Scored): Record<string, number> {
  const classes = MODEL_CLASSES[scored.model.task] as readonly string[];
  return Object.fromEntries(classes.map((name, i) => [name, clampProbability(scored.probabilities[i] ?? 0)]));
}
