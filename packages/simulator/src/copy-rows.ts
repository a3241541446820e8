import type {
  ChurnEvent,
  FraudLabelEvent,
  LabelEvent,
  PaymentEvent,
  RecoveryOutcomeEvent,
  RetryOutcomeEvent,
} from '@payments-mlops/contracts';
import { toMinorUnits } from './catalog.js';
import type { Customer, Merchant, Subscription } from './entities.js';

/**
 * Rows in PostgreSQL's COPY text format: tab-separated, `\N` for null, one line per row. Ids,
 * codes and ISO timestamps never contain tabs, newlines or backslashes (the contracts' patterns
 * forbid them); free text goes through `escapeText`.
 */
const NULL = '\\N';

function text(value: string | null): string {
  return value ?? NULL;
}

function bool(value: boolean): string {
  return value ? 't' : 'f';
}

function iso(ms: number | null): string {
  return ms === null ? NULL : new Date(ms).toISOString();
}

export function escapeText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** A table and the columns its rows fill, in order; the rest take their defaults. */
export interface CopyTarget {
  table: string;
  columns: readonly string[];
}

export const PAYMENT_EVENTS_COPY: CopyTarget = {
  table: 'payment_events',
  columns: [
    'event_id', 'payment_id', 'original_payment_id', 'attempt_number', 'payment_type', 'customer_id',
    'merchant_id', 'card_id', 'device_id', 'subscription_id', 'amount_cents', 'currency',
    'payment_method_type', 'card_brand', 'card_bin', 'card_country', 'ip_country', 'billing_country',
    'merchant_category_code', 'channel', 'is_guest_checkout', 'status', 'decline_code', 'decline_type',
    'occurred_at',
  ],
};

export function paymentEventRow(e: PaymentEvent): string {
  return (
    `${e.event_id}\t${e.payment_id}\t${e.original_payment_id}\t${e.attempt_number}\t${e.payment_type}\t${e.customer_id}\t` +
    `${e.merchant_id}\t${text(e.card_id)}\t${text(e.device_id)}\t${text(e.subscription_id)}\t${e.amount_cents}\t${e.currency}\t` +
    `${e.payment_method_type}\t${text(e.card_brand)}\t${text(e.card_bin)}\t${text(e.card_country)}\t${text(e.ip_country)}\t` +
    `${text(e.billing_country)}\t${e.merchant_category_code}\t${e.channel}\t${bool(e.is_guest_checkout)}\t${e.status}\t` +
    `${text(e.decline_code)}\t${text(e.decline_type)}\t${e.occurred_at}\n`
  );
}

export const LABEL_COPY = {
  fraud: { table: 'fraud_labels', columns: ['event_id', 'payment_id', 'source', 'reason_code', 'occurred_at'] },
  retry_outcome: {
    table: 'retry_outcomes',
    columns: ['event_id', 'payment_id', 'retry_payment_id', 'strategy', 'delay_hours', 'succeeded', 'occurred_at'],
  },
  churn: { table: 'churn_events', columns: ['event_id', 'customer_id', 'subscription_id', 'churn_type', 'occurred_at'] },
  recovery_outcome: {
    table: 'recovery_outcomes',
    columns: ['event_id', 'payment_id', 'action', 'recovered', 'recovered_amount_cents', 'occurred_at'],
  },
} as const satisfies Record<LabelEvent['label_type'], CopyTarget>;

function fraudRow(e: FraudLabelEvent): string {
  return `${e.event_id}\t${e.payment_id}\t${e.source}\t${text(e.reason_code)}\t${e.occurred_at}\n`;
}

function retryRow(e: RetryOutcomeEvent): string {
  return `${e.event_id}\t${e.payment_id}\t${e.retry_payment_id}\t${e.strategy}\t${e.delay_hours}\t${bool(e.succeeded)}\t${e.occurred_at}\n`;
}

function churnRow(e: ChurnEvent): string {
  return `${e.event_id}\t${e.customer_id}\t${e.subscription_id}\t${e.churn_type}\t${e.occurred_at}\n`;
}

function recoveryRow(e: RecoveryOutcomeEvent): string {
  const amount = e.recovered_amount_cents === null ? NULL : String(e.recovered_amount_cents);
  return `${e.event_id}\t${e.payment_id}\t${e.action}\t${bool(e.recovered)}\t${amount}\t${e.occurred_at}\n`;
}

export function labelRow(e: LabelEvent): string {
  switch (e.label_type) {
    case 'fraud':
      return fraudRow(e);
    case 'retry_outcome':
      return retryRow(e);
    case 'churn':
      return churnRow(e);
    case 'recovery_outcome':
      return recoveryRow(e);
  }
}

export const CUSTOMERS_COPY: CopyTarget = { table: 'customers', columns: ['customer_id', 'country', 'created_at'] };

export function customerRow(c: Pick<Customer, 'id' | 'country' | 'createdAt'>): string {
  return `${c.id}\t${c.country}\t${iso(c.createdAt)}\n`;
}

export const MERCHANTS_COPY: CopyTarget = {
  table: 'merchants',
  columns: ['merchant_id', 'name', 'merchant_category_code', 'category', 'country', 'risk_tier', 'created_at'],
};

export function merchantRow(m: Merchant): string {
  return `${m.id}\t${escapeText(m.name)}\t${m.category.mcc}\t${m.category.name}\t${m.country}\t${m.riskTier}\t${iso(m.createdAt)}\n`;
}

export const SUBSCRIPTIONS_COPY: CopyTarget = {
  table: 'subscriptions',
  columns: [
    'subscription_id', 'customer_id', 'merchant_id', 'plan_amount_cents', 'currency', 'interval_months',
    'payment_method_type', 'started_at', 'status', 'ended_at',
  ],
};

export function subscriptionRow(s: Subscription): string {
  const amount = toMinorUnits(s.planUsdCents, s.merchant.currency);
  return (
    `${s.id}\t${s.customer.id}\t${s.merchant.id}\t${amount}\t${s.merchant.currency}\t1\t${s.method}\t` +
    `${iso(s.startedAt)}\t${s.status}\t${iso(s.endedAt)}\n`
  );
}
