import { z } from 'zod';
import { CountryCode, Currency, EntityId, MAX_AMOUNT_CENTS, Timestamp } from './common.js';
import { RECOVERY_ACTIONS, RETRY_STRATEGIES, RecoveryAction, RetryStrategy } from './events.js';
import { PredictionFields, Probability, Reasons, RiskLevel } from './prediction.js';
import {
  CardBrandCategory,
  FailureFields,
  OPEN_CATEGORY_NOTE,
  PaymentFields,
  PaymentMethodCategory,
  SubscriptionContext,
  checkFailureFields,
} from './scoring-context.js';

/*
 * The four inference endpoints the payment workflows call. Requests are flat, so that a
 * PaymentEvent maps onto them field by field; unknown request fields are ignored (stripped), so
 * a client may send fields a newer version added. Rules that JSON Schema cannot state are
 * checked here and described on the schema.
 */

const MAX_RETRY_DELAY_SECONDS = 60 * 24 * 3600;
const PROBABILITY_SUM_TOLERANCE = 1e-3;

// --- POST /fraud/score ------------------------------------------------------------------------

export const FraudScoreRequest = z
  .object({
    ...PaymentFields,
    initiated_at: Timestamp.nullish().describe(
      'When the customer initiated the payment; time-of-day and velocity features are computed ' +
        'relative to it. Absent: the time the request is received.',
    ),
  })
  .meta({
    id: 'FraudScoreRequest',
    description: 'A payment about to be authorized, scored before it is sent to the processor.',
  });
export type FraudScoreRequest = z.infer<typeof FraudScoreRequest>;

export const FraudDecision = z
  .enum(['approve', 'review', 'decline'])
  .describe(
    '`decline` when fraud_score ≥ thresholds.decline, `review` when ≥ thresholds.review, ' +
      'otherwise `approve`.',
  );
export type FraudDecision = z.infer<typeof FraudDecision>;

export const FraudScoreResponse = z
  .object({
    payment_id: EntityId.describe("The request's payment_id."),
    fraud_score: Probability.describe('Calibrated probability that the payment is fraudulent.'),
    risk_level: RiskLevel,
    decision: FraudDecision,
    thresholds: z
      .object({ review: Probability, decline: Probability })
      .describe('The thresholds the decision was taken with (review ≤ decline).'),
    reasons: Reasons,
    ...PredictionFields,
  })
  .superRefine((r, ctx) => {
    if (r.thresholds.review > r.thresholds.decline) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds', 'review'],
        message: 'must be at most thresholds.decline',
      });
    }
    if (r.decision !== fraudDecisionFor(r.fraud_score, r.thresholds)) {
      ctx.addIssue({
        code: 'custom',
        path: ['decision'],
        message: 'must follow from fraud_score and thresholds',
      });
    }
  })
  .meta({ id: 'FraudScoreResponse', description: 'The fraud score of a payment and what to do.' });
export type FraudScoreResponse = z.infer<typeof FraudScoreResponse>;

/** The decision rule the response states, shared by ml-serving and the contract check. */
export function fraudDecisionFor(
  score: number,
  thresholds: { review: number; decline: number },
): FraudDecision {
  if (score >= thresholds.decline) return 'decline';
  if (score >= thresholds.review) return 'review';
  return 'approve';
}

// --- POST /retry/strategy ---------------------------------------------------------------------

export const RetryStrategyRequest = z
  .object({ ...PaymentFields, ...FailureFields })
  .superRefine(checkFailureFields)
  .meta({
    id: 'RetryStrategyRequest',
    description: 'A declined attempt: when, and whether, to retry it.',
  });
export type RetryStrategyRequest = z.infer<typeof RetryStrategyRequest>;

export const RetryGuardrail = z
  .enum(['hard_decline', 'network_retry_limit', 'max_attempts', 'minimum_delay'])
  .describe(
    'A rule that overrode the model: `hard_decline` (hard declines are never retried), ' +
      "`network_retry_limit` (the card network's retry limit for this card is reached), " +
      '`max_attempts` (the platform cap on attempts per payment), `minimum_delay` (the delay ' +
      'was raised to the shortest one allowed).',
  );
export type RetryGuardrail = z.infer<typeof RetryGuardrail>;

/** One probability per strategy, as named properties so that generated clients see each one. */
const StrategyProbabilities = z.object(
  Object.fromEntries(RETRY_STRATEGIES.map((strategy) => [strategy, Probability])) as Record<
    RetryStrategy,
    typeof Probability
  >,
);

export const RetryStrategyResponse = z
  .object({
    payment_id: EntityId.describe("The request's payment_id."),
    strategy: RetryStrategy.describe('What to do, after guardrails.'),
    retry_allowed: z.boolean().describe('False exactly when strategy is `do_not_retry`.'),
    retry_at: Timestamp.nullable().describe('When to submit the retry; null when not allowed.'),
    delay_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_RETRY_DELAY_SECONDS)
      .nullable()
      .describe("retry_at minus the request's failed_at, in seconds; null when not allowed."),
    model_strategy: RetryStrategy.describe("The model's own choice, before guardrails."),
    guardrail: RetryGuardrail.nullable().describe(
      "The rule that changed the model's choice, if any.",
    ),
    probabilities: StrategyProbabilities.describe(
      'Probability of each strategy being the best one; they sum to 1.',
    ),
    reasons: Reasons,
    ...PredictionFields,
  })
  .superRefine((r, ctx) => {
    if (r.retry_allowed !== (r.strategy !== 'do_not_retry')) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry_allowed'],
        message: 'must be false exactly when strategy is do_not_retry',
      });
    }
    if ((r.retry_at === null) === r.retry_allowed) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry_at'],
        message: 'must be set exactly when retry_allowed is true',
      });
    }
    if ((r.delay_seconds === null) === r.retry_allowed) {
      ctx.addIssue({
        code: 'custom',
        path: ['delay_seconds'],
        message: 'must be set exactly when retry_allowed is true',
      });
    }
    if (r.guardrail === null && r.strategy !== r.model_strategy) {
      ctx.addIssue({
        code: 'custom',
        path: ['guardrail'],
        message: 'must name the rule when strategy differs from model_strategy',
      });
    }
    checkSumsToOne(Object.values(r.probabilities), ['probabilities'], ctx);
  })
  .meta({ id: 'RetryStrategyResponse', description: 'The retry strategy for a declined attempt.' });
export type RetryStrategyResponse = z.infer<typeof RetryStrategyResponse>;

// --- POST /churn/predict ----------------------------------------------------------------------

export const RecentFailure = z
  .object({
    payment_id: EntityId.describe('The renewal attempt that failed.'),
    decline_code: FailureFields.decline_code,
    attempt_number: FailureFields.attempt_number,
    failed_at: FailureFields.failed_at,
  })
  .meta({ id: 'RecentFailure', description: 'The latest failed renewal of the subscription.' });
export type RecentFailure = z.infer<typeof RecentFailure>;

export const ChurnPredictRequest = z
  .object({
    customer_id: EntityId.describe('The subscriber.'),
    merchant_id: EntityId.describe('The merchant the subscription is with.'),
    subscription: SubscriptionContext,
    payment_method_type: PaymentMethodCategory.nullish().describe(
      `The payment method on file. ${OPEN_CATEGORY_NOTE}`,
    ),
    card_brand: CardBrandCategory.nullish().describe(
      `Network of the card on file; absent for non-card methods. ${OPEN_CATEGORY_NOTE}`,
    ),
    card_expiry: z
      .string()
      .regex(/^[0-9]{4}-(?:0[1-9]|1[0-2])$/, 'must be YYYY-MM')
      .nullish()
      .describe(
        'Expiry month of the card on file (YYYY-MM): expiring cards drive involuntary churn.',
      ),
    billing_country: CountryCode.nullish().describe('Country of the billing address.'),
    last_failure: RecentFailure.nullish().describe('Absent when the latest renewal succeeded.'),
    as_of: Timestamp.nullish().describe(
      'The time to predict at. Absent: the time the request is received.',
    ),
  })
  .meta({
    id: 'ChurnPredictRequest',
    description: 'A subscription whose churn risk is wanted, typically after a failed renewal.',
  });
export type ChurnPredictRequest = z.infer<typeof ChurnPredictRequest>;

export const ChurnPredictResponse = z
  .object({
    customer_id: EntityId.describe("The request's customer_id."),
    subscription_id: EntityId.describe("The request's subscription.subscription_id."),
    churn_score: Probability.describe(
      'Probability that the subscription ends within horizon_days.',
    ),
    risk_level: RiskLevel,
    horizon_days: z.number().int().min(1).max(366).describe('The window the model predicts over.'),
    reasons: Reasons,
    ...PredictionFields,
  })
  .meta({ id: 'ChurnPredictResponse', description: 'The churn risk of a subscription.' });
export type ChurnPredictResponse = z.infer<typeof ChurnPredictResponse>;

// --- POST /recovery/recommend -----------------------------------------------------------------

export const RecoveryRecommendRequest = z
  .object({
    ...PaymentFields,
    ...FailureFields,
    subscription: SubscriptionContext.nullish().describe(
      'Set when the failed payment is a renewal.',
    ),
    candidate_actions: z
      .array(RecoveryAction)
      .min(1)
      .max(RECOVERY_ACTIONS.length)
      .meta({ uniqueItems: true })
      .nullish()
      .describe('The actions the merchant allows, without repeats. Absent: all of them.'),
  })
  .superRefine((r, ctx) => {
    checkFailureFields(r, ctx);
    if (r.candidate_actions && new Set(r.candidate_actions).size !== r.candidate_actions.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['candidate_actions'],
        message: 'must not repeat an action',
      });
    }
  })
  .meta({
    id: 'RecoveryRecommendRequest',
    description: 'A failed payment or renewal: which action recovers the most.',
  });
export type RecoveryRecommendRequest = z.infer<typeof RecoveryRecommendRequest>;

export const RankedRecoveryAction = z
  .object({
    action: RecoveryAction.describe('A candidate action.'),
    recovery_probability: Probability.describe(
      'Probability that the payment is recovered after this action.',
    ),
    expected_value_cents: z
      .number()
      .int()
      .min(-MAX_AMOUNT_CENTS)
      .max(MAX_AMOUNT_CENTS)
      .describe(
        'recovery_probability × amount_cents minus the cost of the action, in minor units of the ' +
          'request currency; negative when the action costs more than it is expected to recover.',
      ),
  })
  .meta({ id: 'RankedRecoveryAction', description: 'One recovery action and its expected value.' });
export type RankedRecoveryAction = z.infer<typeof RankedRecoveryAction>;

export const RecoveryRecommendResponse = z
  .object({
    payment_id: EntityId.describe("The request's payment_id."),
    action: RecoveryAction.describe('The action with the highest expected value.'),
    expected_value_cents:
      RankedRecoveryAction.shape.expected_value_cents.describe('That of `action`.'),
    currency: Currency.describe('Currency of the expected values (the request currency).'),
    ranked_actions: z
      .array(RankedRecoveryAction)
      .min(1)
      .max(RECOVERY_ACTIONS.length)
      .describe('Every candidate action, highest expected value first; the first is `action`.'),
    reasons: Reasons,
    ...PredictionFields,
  })
  .superRefine((r, ctx) => {
    const best = r.ranked_actions[0];
    if (
      best &&
      (best.action !== r.action || best.expected_value_cents !== r.expected_value_cents)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: 'must be the first of ranked_actions, with its expected value',
      });
    }
    r.ranked_actions.forEach((ranked, i) => {
      const previous = r.ranked_actions[i - 1];
      if (previous && previous.expected_value_cents < ranked.expected_value_cents) {
        ctx.addIssue({
          code: 'custom',
          path: ['ranked_actions', i],
          message: 'must not exceed the expected value of the action before it',
        });
      }
    });
    if (new Set(r.ranked_actions.map((a) => a.action)).size !== r.ranked_actions.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ranked_actions'],
        message: 'must not repeat an action',
      });
    }
  })
  .meta({
    id: 'RecoveryRecommendResponse',
    description: 'The best recovery action and the ranking behind it.',
  });
export type RecoveryRecommendResponse = z.infer<typeof RecoveryRecommendResponse>;

function checkSumsToOne(values: number[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
    ctx.addIssue({ code: 'custom', path, message: `must sum to 1 (sum is ${sum})` });
  }
}
