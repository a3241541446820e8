import { z } from 'zod';

/**
 * Identifiers issued by the payments platform: opaque, URL-safe, at most 64 characters.
 * Prefixes (`pay_`, `cus_`, …) are conventional but not enforced.
 */
export const EntityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must contain only letters, digits and _ . : -');
export type EntityId = z.infer<typeof EntityId>;

/** Amounts are integers in the currency's minor unit, as the payments platform stores them. */
export const MAX_AMOUNT_CENTS = 100_000_000_00;
export const AmountCents = z
  .number()
  .int('must be an integer number of minor units')
  .positive('must be greater than zero')
  .max(MAX_AMOUNT_CENTS, 'must be at most 10,000,000,000 minor units');
export type AmountCents = z.infer<typeof AmountCents>;

/** ISO 4217 currencies the platform settles in. */
export const CURRENCIES = [
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK',
  'PLN', 'BRL', 'MXN', 'INR', 'SGD', 'HKD', 'NZD', 'ZAR',
] as const;
export const Currency = z.enum(CURRENCIES);
export type Currency = z.infer<typeof Currency>;

/** ISO 3166-1 alpha-2 country code. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code');
export type CountryCode = z.infer<typeof CountryCode>;

export const PAYMENT_METHOD_TYPES = [
  'card', 'apple_pay', 'google_pay', 'paypal', 'ach_debit', 'sepa_debit', 'bank_transfer',
] as const;
export const PaymentMethodType = z.enum(PAYMENT_METHOD_TYPES);
export type PaymentMethodType = z.infer<typeof PaymentMethodType>;

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'diners'] as const;
export const CardBrand = z.enum(CARD_BRANDS);
export type CardBrand = z.infer<typeof CardBrand>;

/** Decline codes the issuer may return; soft ones may succeed on retry, hard ones never will. */
export const SOFT_DECLINE_CODES = [
  'insufficient_funds', 'processing_error', 'try_again_later', 'issuer_not_available', 'do_not_honor',
] as const;
export const HARD_DECLINE_CODES = [
  'stolen_card', 'lost_card', 'pickup_card', 'expired_card', 'incorrect_number', 'do_not_try_again',
] as const;
export const DECLINE_CODES = [...SOFT_DECLINE_CODES, ...HARD_DECLINE_CODES] as const;
export const DeclineCode = z.enum(DECLINE_CODES);
export type DeclineCode = z.infer<typeof DeclineCode>;
export const DeclineType = z.enum(['soft', 'hard']);
export type DeclineType = z.infer<typeof DeclineType>;

const HARD = new Set<DeclineCode>(HARD_DECLINE_CODES);
export function declineTypeOf(code: DeclineCode): DeclineType {
  return HARD.has(code) ? 'hard' : 'soft';
}

/** Where the payment was initiated. */
export const Channel = z.enum(['web', 'mobile_app', 'in_store', 'recurring']);
export type Channel = z.infer<typeof Channel>;

/** ISO 8601 timestamp with an offset, e.g. `2026-11-26T10:15:00.000Z`. */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/** Merchant category code (ISO 18245), four digits. */
export const MerchantCategoryCode = z.string().regex(/^[0-9]{4}$/, 'must be a four-digit MCC');
export type MerchantCategoryCode = z.infer<typeof MerchantCategoryCode>;
