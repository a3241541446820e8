import type {
  ChurnPredictResponse,
  DeclineType,
  FraudScoreRequest,
  FraudScoreResponse,
  PaymentType,
  RecoveryAction,
  RecoveryRecommendResponse,
  RetryStrategyResponse,
  SubscriptionContext,
} from '@payments-mlops/contracts';

/*
 * What the payment workflow and its activities exchange. Type-only imports: the workflow bundle
 * must stay free of I/O and heavy libraries, so nothing here has a runtime value.
 */

/** A payment the workflow takes from fraud scoring to a charged, retried or failed end. */
export interface PaymentWorkflowInput {
  /** The first attempt, as the fraud endpoint takes it; retries reuse its fields. */
  payment: FraudScoreRequest;
  payment_type: Exclude<PaymentType, 'retry'>;
  /** Set for renewals: a failed renewal asks for churn risk and a recovery action. */
  subscription?: SubscriptionContext;
  /** Expiry month of the card on file (YYYY-MM), for the churn model. */
  card_expiry?: string;
  /** Attempts in all, the first included, before the payment counts as failed. Default 4. */
  max_attempts?: number;
  /** How long a payment sent to manual review waits for a reviewDecision signal. Default 24 h. */
  review_timeout_ms?: number;
  /** The recovery actions the merchant allows; all of them when absent. */
  candidate_actions?: RecoveryAction[];
}

/** One charge attempt sent to the payments platform's gateway; the idempotency key makes a resent attempt a no-op. */
export interface ChargeRequest {
  payment_id: string;
  original_payment_id: string;
  attempt_number: number;
  idempotency_key: string;
  customer_id: string;
  merchant_id: string;
  card_id?: string | null;
  amount_cents: number;
  currency: string;
}

export type ChargeResult =
  | { status: 'succeeded'; payment_id: string; processor_reference: string }
  | { status: 'declined'; payment_id: string; decline_code: string; decline_type?: DeclineType | null; failed_at: string };

export type Decline = Extract<ChargeResult, { status: 'declined' }>;

export interface AttemptRecord {
  attempt_number: number;
  payment_id: string;
  result: ChargeResult;
  /** The strategy asked for after a decline. */
  retry?: Pick<RetryStrategyResponse, 'strategy' | 'retry_allowed' | 'retry_at' | 'guardrail' | 'model'>;
}

export type PaymentOutcome =
  | { status: 'succeeded'; attempts: AttemptRecord[]; fraud: FraudScoreResponse | null }
  | { status: 'blocked_as_fraud'; fraud: FraudScoreResponse }
  | { status: 'rejected_in_review'; fraud: FraudScoreResponse | null; reason: string }
  | {
      status: 'failed';
      attempts: AttemptRecord[];
      fraud: FraudScoreResponse | null;
      churn?: ChurnPredictResponse;
      recovery?: RecoveryRecommendResponse;
    };

/** What the `progress` query answers while the workflow runs. */
export interface PaymentProgress {
  stage: 'scoring' | 'in_review' | 'charging' | 'choosing_retry' | 'waiting_to_retry' | 'assessing_churn' | 'done';
  attempt_number: number;
  /** Set while waiting for a scheduled retry. */
  retry_at?: string;
}

export interface ReviewDecision {
  approve: boolean;
  reviewer: string;
}
