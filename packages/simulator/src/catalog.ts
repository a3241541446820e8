import type { CardBrand, Currency } from '@payments-mlops/contracts';

/**
 * Merchant categories with their ISO 18245 code and how payments there behave. `share` is the
 * category's share of legitimate consumer sessions, `fraudRisk` multiplies the rate of stolen-card
 * fraud, amounts are log-normal in US dollars (median, log-sd).
 */
export interface MerchantCategory {
  name: string;
  mcc: string;
  share: number;
  medianUsd: number;
  amountSigma: number;
  fraudRisk: number;
  /** Share of the category's payments made at a terminal (card present). */
  inStoreShare: number;
  /** Sells subscriptions, renewed monthly. */
  subscriptions: boolean;
  /** Where card testers probe cards with small amounts (digital, no shipping, weak checks). */
  cardTesting: boolean;
  /** Where fraudsters cash out: high value, resaleable. */
  cashOut: boolean;
}

const category = (
  name: string,
  mcc: string,
  share: number,
  medianUsd: number,
  amountSigma: number,
  fraudRisk: number,
  inStoreShare: number,
  flags: Partial<Pick<MerchantCategory, 'subscriptions' | 'cardTesting' | 'cashOut'>> = {},
): MerchantCategory => ({
  name,
  mcc,
  share,
  medianUsd,
  amountSigma,
  fraudRisk,
  inStoreShare,
  subscriptions: flags.subscriptions ?? false,
  cardTesting: flags.cardTesting ?? false,
  cashOut: flags.cashOut ?? false,
});

export const MERCHANT_CATEGORIES: readonly MerchantCategory[] = [
  category('grocery', '5411', 18, 45, 0.7, 0.2, 0.85),
  category('restaurants', '5812', 11, 35, 0.6, 0.3, 0.8),
  category('fast_food', '5814', 11, 12, 0.5, 0.3, 0.85),
  category('fuel', '5541', 6, 40, 0.4, 0.5, 0.95),
  category('clothing', '5651', 8, 70, 0.7, 0.8, 0.5),
  category('department_store', '5311', 6, 80, 0.8, 0.8, 0.6),
  category('pharmacy', '5912', 5, 30, 0.7, 0.3, 0.8),
  category('rideshare', '4121', 6, 22, 0.6, 1.0, 0),
  category('electronics', '5732', 4, 250, 0.9, 2.5, 0.4, { cashOut: true }),
  category('jewelry', '5944', 0.7, 400, 1.0, 3.0, 0.5, { cashOut: true }),
  category('digital_goods', '5816', 5, 15, 0.8, 3.0, 0, { cardTesting: true }),
  category('software', '5817', 3, 20, 0.7, 2.0, 0, { subscriptions: true, cardTesting: true }),
  category('streaming', '4899', 2, 14, 0.3, 0.5, 0, { subscriptions: true }),
  category('news_subscriptions', '5968', 1, 12, 0.4, 1.2, 0, { subscriptions: true }),
  category('fitness_clubs', '7997', 1.5, 45, 0.3, 0.4, 0.2, { subscriptions: true }),
  category('airlines', '4511', 1.5, 350, 0.7, 2.0, 0.05, { cashOut: true }),
  category('hotels', '7011', 2, 220, 0.7, 1.2, 0.3),
  category('stored_value', '6540', 1, 100, 0.6, 4.0, 0, { cashOut: true }),
  category('money_transfer', '4829', 1, 200, 1.0, 3.5, 0, { cashOut: true }),
  category('gambling', '7995', 1.5, 50, 1.0, 3.0, 0),
  category('charity', '8398', 1, 25, 0.8, 2.5, 0, { cardTesting: true }),
];

/** Minor units of each settlement currency per US cent, at fixed reference rates. */
export const MINOR_UNITS_PER_USD_CENT: Partial<Record<Currency, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
};

/** An amount in US cents in a settlement currency's minor units (at least one). */
export function toMinorUnits(usdCents: number, currency: Currency): number {
  return Math.max(1, Math.round(usdCents * (MINOR_UNITS_PER_USD_CENT[currency] ?? 1)));
}

/** Where merchants are registered, and in what they settle. */
export const MERCHANT_COUNTRIES: readonly { country: string; currency: Currency; weight: number }[] = [
  { country: 'US', currency: 'USD', weight: 62 },
  { country: 'GB', currency: 'GBP', weight: 10 },
  { country: 'DE', currency: 'EUR', weight: 7 },
  { country: 'FR', currency: 'EUR', weight: 5 },
  { country: 'NL', currency: 'EUR', weight: 3 },
  { country: 'CA', currency: 'CAD', weight: 8 },
  { country: 'AU', currency: 'AUD', weight: 5 },
];

/** Where customers live; cards are mostly issued in the customer's country. */
export const CUSTOMER_COUNTRIES: readonly { country: string; weight: number }[] = [
  { country: 'US', weight: 55 },
  { country: 'GB', weight: 10 },
  { country: 'DE', weight: 7 },
  { country: 'FR', weight: 5 },
  { country: 'NL', weight: 2 },
  { country: 'ES', weight: 3 },
  { country: 'IT', weight: 3 },
  { country: 'CA', weight: 6 },
  { country: 'AU', weight: 4 },
  { country: 'BR', weight: 2 },
  { country: 'MX', weight: 1.5 },
  { country: 'IN', weight: 1 },
  { country: 'JP', weight: 0.5 },
];

/** Countries fraud rings operate from (some of them also home to many legitimate customers). */
export const FRAUD_RING_COUNTRIES = ['RO', 'NG', 'VN', 'ID', 'UA', 'BR', 'US', 'GB', 'RU', 'PH'] as const;

/** Countries legitimate customers travel to. */
export const TRAVEL_COUNTRIES = ['US', 'GB', 'FR', 'ES', 'IT', 'DE', 'MX', 'TH', 'JP', 'PT', 'GR', 'CA'] as const;

/** Card brand shares by issuing country (others: visa 55, mastercard 40, amex 5). */
export function brandWeights(country: string): readonly [CardBrand, number][] {
  switch (country) {
    case 'US':
      return [['visa', 52], ['mastercard', 30], ['amex', 12], ['discover', 6]];
    case 'JP':
      return [['jcb', 45], ['visa', 35], ['mastercard', 20]];
    case 'BR':
    case 'MX':
      return [['mastercard', 50], ['visa', 45], ['amex', 5]];
    case 'IN':
      return [['visa', 45], ['mastercard', 35], ['unionpay', 5], ['diners', 15]];
    default:
      return [['visa', 55], ['mastercard', 40], ['amex', 5]];
  }
}

/** The leading digits of each brand's six-digit BINs. */
export const BIN_PREFIXES: Record<CardBrand, readonly string[]> = {
  visa: ['4'],
  mastercard: ['51', '52', '53', '54', '55', '2221', '2720'],
  amex: ['34', '37'],
  discover: ['6011', '65'],
  jcb: ['35'],
  unionpay: ['62'],
  diners: ['36', '38'],
};

/** Network reason code of a fraud chargeback, by brand; unknown networks file without one. */
export const FRAUD_REASON_CODES: Partial<Record<CardBrand, string>> = {
  visa: '10.4',
  mastercard: '4837',
  amex: 'F29',
  discover: 'UA02',
  diners: 'UA02',
};
