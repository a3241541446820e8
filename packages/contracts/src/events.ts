import { z } from 'zod';
import {
  AmountCents,
  CardBrand,
  Channel,
  CountryCode,
  Currency,
  DeclineCode,
  DeclineType,
  EntityId,
  MerchantCategoryCode,
  PaymentMethodType,
  Timestamp,
  declineTypeOf,
} from './common.js';

/** Kafka topics this platform consumes and produces. */
export const TOPICS = {
  paymentsNormalized: 'payments.normalized',
  paymentLabels: 'payments.labels',
  predictions: 'ml.predictions',
} as const;

/** Why the payment was attempted. */
export const PaymentType = z.enum(['one_off', 'subscription_renewal', 'retry']);
export type PaymentType = z.infer<typeof PaymentType>;

export const PaymentStatus = z.enum(['succeeded', 'failed']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/**
 * One payment attempt and its outcome, as published on `payments.normalized` and stored as one
 * row of `payment_events`. A retry is a new attempt with its own `payment_id`, the same
 * `original_payment_id` and a higher `attempt_number`.
 */
export const PaymentEvent = z
  .object({
    event_id: z.uuid().describe('Unique per event; consumers deduplicate on it.'),
    schema_version: z.literal(1),
    payment_id: EntityId.describe('This attempt.'),
    original_payment_id: EntityId.describe('The first attempt of the chain; equals payment_id on attempt 1.'),
    attempt_number: z.number().int().min(1).max(50),
    payment_type: PaymentType,
    customer_id: EntityId,
    merchant_id: EntityId,
    card_id: EntityId.nullable().describe('Card fingerprint; null for non-card methods.'),
    device_id: EntityId.nullable().describe('Device fingerprint; null for server-initiated payments.'),
    subscription_id: EntityId.nullable(),
    amount_cents: AmountCents,
    currency: Currency,
    payment_method_type: PaymentMethodType,
    card_brand: CardBrand.nullable(),
    card_bin: z.string().regex(/^[0-9]{6}$/, 'must be six digits').nullable(),
    card_country: CountryCode.nullable(),
    ip_country: CountryCode.nullable(),
    billing_country: CountryCode.nullable(),
    merchant_category_code: MerchantCategoryCode,
    channel: Channel,
    is_guest_checkout: z.boolean(),
    status: PaymentStatus,
    decline_code: DeclineCode.nullable().describe('Set when status is failed.'),
    decline_type: DeclineType.nullable(),
    occurred_at: Timestamp.describe('When the processor answered (event time).'),
  })
  .superRefine((e, ctx) => {
    if (e.status === 'failed' && e.decline_code === null) {
      ctx.addIssue({ code: 'custom', path: ['decline_code'], message: 'is required when status is failed' });
    }
    if (e.status === 'succeeded' && e.decline_code !== null) {
      ctx.addIssue({ code: 'custom', path: ['decline_code'], message: 'must be null when status is succeeded' });
    }
    if ((e.decline_code === null) !== (e.decline_type === null)) {
      ctx.addIssue({ code: 'custom', path: ['decline_type'], message: 'must be set exactly when decline_code is' });
    } else if (e.decline_code !== null && e.decline_type !== declineTypeOf(e.decline_code)) {
      const expected = declineTypeOf(e.decline_code);
      ctx.addIssue({ code: 'custom', path: ['decline_type'], message: `must be ${expected} for ${e.decline_code}` });
    }
    if (e.payment_method_type === 'card') {
      // Each missing field is named on its own, so that a 400 points at exactly what is absent.
      for (const field of ['card_id', 'card_brand'] as const) {
        if (e[field] === null) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'is required for card payments' });
        }
      }
    }
    if (e.attempt_number === 1 && e.original_payment_id !== e.payment_id) {
      ctx.addIssue({ code: 'custom', path: ['original_payment_id'], message: 'must equal payment_id on the first attempt' });
    }
  })
  .meta({ id: 'PaymentEvent' });
export type PaymentEvent = z.infer<typeof PaymentEvent>;

/** Retry strategies the retry model chooses between. */
export const RETRY_STRATEGIES = ['immediate', 'backoff_hours', 'next_day', 'payday_aligned', 'do_not_retry'] as const;
export const RetryStrategy = z.enum(RETRY_STRATEGIES);
export type RetryStrategy = z.infer<typeof RetryStrategy>;

/** Actions that can recover a failed payment or renewal. */
export const RECOVERY_ACTIONS = ['retry', 'card_update_request', 'reminder_email', 'alternative_payment_method', 'none'] as const;
export const RecoveryAction = z.enum(RECOVERY_ACTIONS);
export type RecoveryAction = z.infer<typeof RecoveryAction>;

const LabelBase = {
  event_id: z.uuid(),
  schema_version: z.literal(1),
  occurred_at: Timestamp.describe('When the outcome became known (label time, after the payment).'),
};

/** A chargeback or a confirmed fraud report, days to weeks after the payment. */
export const FraudLabelEvent = z.object({
  ...LabelBase,
  label_type: z.literal('fraud'),
  payment_id: EntityId,
  source: z.enum(['chargeback', 'fraud_report', 'manual_review']),
  reason_code: z.string().max(32).nullable().describe('Network chargeback reason code, e.g. 10.4.'),
});
export type FraudLabelEvent = z.infer<typeof FraudLabelEvent>;

/** The outcome of a retry of a failed payment. */
export const RetryOutcomeEvent = z.object({
  ...LabelBase,
  label_type: z.literal('retry_outcome'),
  payment_id: EntityId.describe('The failed attempt that was retried.'),
  retry_payment_id: EntityId,
  strategy: RetryStrategy,
  delay_hours: z.number().min(0).max(24 * 60),
  succeeded: z.boolean(),
});
export type RetryOutcomeEvent = z.infer<typeof RetryOutcomeEvent>;

/** A customer's subscription ended; involuntary churn follows failed renewals. */
export const ChurnEvent = z.object({
  ...LabelBase,
  label_type: z.literal('churn'),
  customer_id: EntityId,
  subscription_id: EntityId,
  churn_type: z.enum(['involuntary', 'voluntary']),
});
export type ChurnEvent = z.infer<typeof ChurnEvent>;

/** The outcome of a recovery action on a failed payment or renewal. */
export const RecoveryOutcomeEvent = z.object({
  ...LabelBase,
  label_type: z.literal('recovery_outcome'),
  payment_id: EntityId,
  action: RecoveryAction,
  recovered: z.boolean(),
  recovered_amount_cents: z.number().int().min(0).nullable(),
});
export type RecoveryOutcomeEvent = z.infer<typeof RecoveryOutcomeEvent>;

/** Late outcomes, published on `payments.labels` and stored in the warehouse's label tables. */
export const LabelEvent = z
  .discriminatedUnion('label_type', [FraudLabelEvent, RetryOutcomeEvent, ChurnEvent, RecoveryOutcomeEvent])
  .meta({ id: 'LabelEvent' });
export type LabelEvent = z.infer<typeof LabelEvent>;
