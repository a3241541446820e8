import { DAY_MS, HOUR_MS } from '../definitions/duration.js';
import { numberOrNull, stringOrNull, type OnDemandInputs, type OnDemandTransformation } from './transformation.js';

/**
 * Fraud signals of one payment against its customer's and merchant's history: how unusual the
 * amount is, whether the device and IP country are new, how the countries disagree, and how long
 * the customer has been paying and since their last failure.
 */
export const paymentRiskSignals: OnDemandTransformation = {
  name: 'payment_risk_signals',
  description: 'Amount z-score, new device or IP country, country mismatches, customer tenure and time since last failure.',
  requestInputs: ['amount_cents', 'device_id', 'ip_country', 'card_country', 'billing_country'],
  featureInputs: [
    'customer_avg_amount_cents',
    'customer_amount_stddev_cents',
    'customer_devices_90d',
    'customer_ip_countries_90d',
    'customer_first_payment_at',
    'customer_last_failure_at',
    'merchant_avg_transaction_amount',
  ],
  outputs: [
    { name: 'amount_zscore', dtype: 'Float64' },
    { name: 'amount_to_merchant_avg_ratio', dtype: 'Float64' },
    { name: 'is_new_device', dtype: 'Bool' },
    { name: 'is_new_ip_country', dtype: 'Bool' },
    { name: 'ip_card_country_mismatch', dtype: 'Bool' },
    { name: 'billing_card_country_mismatch', dtype: 'Bool' },
    { name: 'customer_days_since_first_payment', dtype: 'Float64' },
    { name: 'hours_since_last_customer_failure', dtype: 'Float64' },
    { name: 'hour_of_day', dtype: 'Int64' },
  ],
  compute(inputs: OnDemandInputs, asOfMs: number) {
    const amount = numberOrNull(inputs.amount_cents);
    const mean = numberOrNull(inputs.customer_avg_amount_cents);
    const stddev = numberOrNull(inputs.customer_amount_stddev_cents);
    const merchantAverage = numberOrNull(inputs.merchant_avg_transaction_amount);
    const firstPaymentAt = numberOrNull(inputs.customer_first_payment_at);
    const lastFailureAt = numberOrNull(inputs.customer_last_failure_at);
    const ipCountry = stringOrNull(inputs.ip_country);
    const cardCountry = stringOrNull(inputs.card_country);
    const billingCountry = stringOrNull(inputs.billing_country);
    return {
      // A customer with one payment, or always the same amount, has no spread to measure against.
      amount_zscore: amount !== null && mean !== null && stddev !== null && stddev > 0 ? (amount - mean) / stddev : null,
      amount_to_merchant_avg_ratio: amount !== null && merchantAverage !== null && merchantAverage > 0 ? amount / merchantAverage : null,
      is_new_device: isNewValue(stringOrNull(inputs.device_id), inputs.customer_devices_90d),
      is_new_ip_country: isNewValue(ipCountry, inputs.customer_ip_countries_90d),
      ip_card_country_mismatch: ipCountry !== null && cardCountry !== null ? ipCountry !== cardCountry : null,
      billing_card_country_mismatch: billingCountry !== null && cardCountry !== null ? billingCountry !== cardCountry : null,
      customer_days_since_first_payment: firstPaymentAt === null ? null : Math.max(0, asOfMs - firstPaymentAt) / DAY_MS,
      hours_since_last_customer_failure: lastFailureAt === null ? null : Math.max(0, asOfMs - lastFailureAt) / HOUR_MS,
      hour_of_day: new Date(asOfMs).getUTCHours(),
    };
  },
};

/** Unknown when the request lacks the value; new when the customer's history does not hold it. */
function isNewValue(value: string | null, history: unknown): boolean | null {
  if (value === null) return null;
  return !(Array.isArray(history) && history.includes(value));
}
