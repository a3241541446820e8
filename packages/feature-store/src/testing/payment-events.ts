import { randomUUID } from 'node:crypto';
import type { PaymentEvent } from '@payments-mlops/contracts';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import type pg from 'pg';
import { copyIn } from '../offline/copy-text.js';

let sequence = 0;

/** A valid PaymentEvent with sensible defaults; tests override what they are about. */
export function paymentEvent(overrides: Partial<PaymentEvent> & { occurred_at: string }): PaymentEvent {
  sequence += 1;
  const paymentId = overrides.payment_id ?? `pay_${sequence.toString().padStart(8, '0')}_${randomUUID().slice(0, 8)}`;
  const failed = overrides.status === 'failed';
  return {
    event_id: randomUUID(),
    schema_version: 1,
    payment_id: paymentId,
    original_payment_id: paymentId,
    attempt_number: 1,
    payment_type: 'one_off',
    customer_id: 'cus_1',
    merchant_id: 'mer_1',
    card_id: 'card_1',
    device_id: 'dev_1',
    subscription_id: null,
    amount_cents: 1000,
    currency: 'USD',
    payment_method_type: 'card',
    card_brand: 'visa',
    card_bin: '424242',
    card_country: 'US',
    ip_country: 'US',
    billing_country: 'US',
    merchant_category_code: '5411',
    channel: 'web',
    is_guest_checkout: false,
    status: 'succeeded',
    decline_code: failed ? 'insufficient_funds' : null,
    decline_type: failed ? 'soft' : null,
    ...overrides,
  };
}

/** The warehouse tables (payment_events and the marts) in the pool's schema. */
export async function createWarehouse(pool: pg.Pool): Promise<void> {
  await migrateWarehouse(pool);
}

const COLUMNS = [
  'event_id', 'payment_id', 'original_payment_id', 'attempt_number', 'payment_type', 'customer_id', 'merchant_id', 'card_id',
  'device_id', 'subscription_id', 'amount_cents', 'currency', 'payment_method_type', 'card_brand', 'card_bin', 'card_country',
  'ip_country', 'billing_country', 'merchant_category_code', 'channel', 'is_guest_checkout', 'status', 'decline_code',
  'decline_type', 'occurred_at',
] as const;

export async function insertPaymentEvents(pool: pg.Pool, events: readonly PaymentEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await copyIn(
      client,
      'payment_events',
      COLUMNS,
      events.map((event) => COLUMNS.map((column) => {
        const value = event[column];
        return value === null ? null : typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
      })),
    );
  } finally {
    client.release();
  }
}
