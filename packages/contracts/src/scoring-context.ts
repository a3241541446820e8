import { z } from 'zod';
import {
  AmountCents,
  CARD_BRANDS,
  Channel,
  CountryCode,
  Currency,
  DECLINE_CODES,
  DeclineType,
  EntityId,
  MerchantCategoryCode,
  PAYMENT_METHOD_TYPES,
  Timestamp,
  declineTypeOf,
  type DeclineCode,
} from './common.js';
import { PaymentType } from './events.js';

/*
 * The request side of the inference API: the payment, failure and subscription context the
 * payment workflows send, shared by the four endpoints so that one PaymentEvent maps onto all.
 *
 * Which categories are closed: `currency` and `channel` are the payments platform's own settings
 * (it settles in a fixed list of currencies; it names its channels), and `amount_cents` cannot be
 * read without a known currency, so unknown values are rejected with 400. Payment method types,
 * card brands and decline codes come from wallets, card networks and issuers and grow without a
 * release of ours; the models score an unseen value as an unknown category, so the contract
 * accepts any well-formed token there and the response lists the field in `unknown_categories`.
 */

const CATEGORY_TOKEN = /^[a-z0-9][a-z0-9_]*$/;

/** A category the models know a list of, but that accepts values they have not seen yet. */
function openCategory<const T extends readonly [string, ...string[]]>(known: T) {
  return z.union([
    z.enum(known),
    z
      .string()
      .max(48, 'must be at most 48 characters')
      .regex(CATEGORY_TOKEN, 'must be a lowercase token of letters, digits and _'),
  ]);
}

export const PaymentMethodCategory = openCategory(PAYMENT_METHOD_TYPES);
export type PaymentMethodCategory = z.infer<typeof PaymentMethodCategory>;
export const CardBrandCategory = openCategory(CARD_BRANDS);
export type CardBrandCategory = z.infer<typeof CardBrandCategory>;
export const DeclineCodeCategory = openCategory(DECLINE_CODES);
export type DeclineCodeCategory = z.infer<typeof DeclineCodeCategory>;

/** Appended to the description of every open category field. */
export const OPEN_CATEGORY_NOTE =
  'Open list: a value outside the known ones is accepted, scored as an unknown category and ' +
  "listed in the response's `unknown_categories`.";

/** The first six or eight digits of the card number (eight-digit BINs since 2022). */
export const CardBin = z.string().regex(/^(?:[0-9]{6}|[0-9]{8})$/, 'must be six or eight digits');
export type CardBin = z.infer<typeof CardBin>;

/** Who pays whom, how much and how: shared by the fraud, retry and recovery requests. */
export const PaymentFields = {
  payment_id: EntityId.describe('The payment attempt this request is about.'),
  customer_id: EntityId.describe('The paying customer; for guest checkouts, the guest id.'),
  merchant_id: EntityId.describe('The merchant being paid.'),
  card_id: EntityId.nullish().describe(
    'Card fingerprint (stable across tokens of the same card). Absent or null for non-card ' +
      'methods; card-level features are then missing, as in training.',
  ),
  device_id: EntityId.nullish().describe(
    'Device fingerprint; absent or null for server-initiated payments such as renewals.',
  ),
  amount_cents: AmountCents.describe('Amount in the minor unit of `currency` (cents, yen, …).'),
  currency: Currency.describe(
    'ISO 4217 code. Closed list: a currency the platform does not settle in is rejected.',
  ),
  payment_method_type: PaymentMethodCategory.describe(
    `How the customer pays. ${OPEN_CATEGORY_NOTE}`,
  ),
  card_brand: CardBrandCategory.nullish().describe(
    `Card network; absent or null for non-card methods. ${OPEN_CATEGORY_NOTE}`,
  ),
  card_bin: CardBin.nullish().describe(
    'Issuer identification number; absent for non-card methods.',
  ),
  card_country: CountryCode.nullish().describe('Country of the card issuer (ISO 3166-1 alpha-2).'),
  ip_country: CountryCode.nullish().describe("Country of the customer's IP address at checkout."),
  billing_country: CountryCode.nullish().describe('Country of the billing address.'),
  merchant_category_code: MerchantCategoryCode.describe("The merchant's MCC (ISO 18245)."),
  channel: Channel.describe('Where the payment was initiated. Closed list.'),
  is_guest_checkout: z.boolean().describe('True when the customer paid without an account.'),
  subscription_id: EntityId.nullish().describe('The subscription this payment renews, if any.'),
};

/** The failed attempt that a retry or recovery decision is about. */
export const FailureFields = {
  original_payment_id: EntityId.nullish().describe(
    'First attempt of the retry chain. Required when `attempt_number` > 1; absent or equal to ' +
      '`payment_id` on the first attempt.',
  ),
  attempt_number: z
    .number()
    .int()
    .min(1)
    .max(50)
    .describe(
      'Number of the attempt that failed: 1 for the original payment, 2 for its first retry.',
    ),
  payment_type: PaymentType.describe('Why the failed payment was attempted.'),
  decline_code: DeclineCodeCategory.describe(
    "The issuer's decline code as normalized by the payments platform. An unknown code is " +
      'treated as a soft decline unless `decline_type` says `hard`. ' +
      OPEN_CATEGORY_NOTE,
  ),
  decline_type: DeclineType.nullish().describe(
    'Soft or hard, as reported by the processor. When absent it follows from a known ' +
      '`decline_code`; it must agree with it when both are known.',
  ),
  failed_at: Timestamp.describe('When the processor declined the attempt.'),
};

interface FailureFieldValues {
  payment_id: string;
  original_payment_id?: string | null | undefined;
  attempt_number: number;
  decline_code: string;
  decline_type?: DeclineType | null | undefined;
}

const KNOWN_DECLINE_CODES = new Set<string>(DECLINE_CODES);

/** The cross-field rules of FailureFields; JSON Schema cannot state them, so they are described. */
export function checkFailureFields(value: FailureFieldValues, ctx: z.RefinementCtx): void {
  if (value.attempt_number === 1) {
    if (value.original_payment_id != null && value.original_payment_id !== value.payment_id) {
      ctx.addIssue({
        code: 'custom',
        path: ['original_payment_id'],
        message: 'must equal payment_id on the first attempt',
      });
    }
  } else if (value.original_payment_id == null) {
    ctx.addIssue({
      code: 'custom',
      path: ['original_payment_id'],
      message: 'is required when attempt_number is greater than 1',
    });
  }
  if (value.decline_type != null && KNOWN_DECLINE_CODES.has(value.decline_code)) {
    const expected = declineTypeOf(value.decline_code as DeclineCode);
    if (value.decline_type !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['decline_type'],
        message: `must be ${expected} for decline_code ${value.decline_code}`,
      });
    }
  }
}

export const BillingInterval = z.enum(['week', 'month', 'quarter', 'year']);
export type BillingInterval = z.infer<typeof BillingInterval>;

/** The subscription behind a renewal: churn and recovery depend on its age, price and period. */
export const SubscriptionContext = z
  .object({
    subscription_id: EntityId.describe('The subscription.'),
    plan_id: EntityId.nullish().describe("The merchant's plan identifier."),
    billing_interval: BillingInterval.describe('How often the subscription renews. Closed list.'),
    plan_amount_cents: AmountCents.describe('Price of one period in the minor unit of `currency`.'),
    currency: Currency.describe('Currency of plan_amount_cents. Closed list.'),
    started_at: Timestamp.describe('When the subscription began.'),
    current_period_end: Timestamp.describe(
      'When the paid period ends; access lapses after it unless a renewal succeeds.',
    ),
    renewal_count: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .describe('Successful renewals so far (0 during the first period).'),
    cancel_at_period_end: z
      .boolean()
      .nullish()
      .describe('True when the customer has asked to cancel: a voluntary churn signal.'),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.current_period_end) <= Date.parse(s.started_at)) {
      ctx.addIssue({
        code: 'custom',
        path: ['current_period_end'],
        message: 'must be after started_at',
      });
    }
  })
  .meta({ id: 'SubscriptionContext', description: 'The subscription a payment renews.' });
export type SubscriptionContext = z.infer<typeof SubscriptionContext>;
