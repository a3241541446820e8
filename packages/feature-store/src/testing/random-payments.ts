import { DECLINE_CODES, declineTypeOf, type PaymentEvent } from '@payments-mlops/contracts';
import { paymentEvent } from './payment-events.js';

/** A deterministic pseudo-random generator (mulberry32), so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomPaymentsOptions {
  count: number;
  /** Events fall in [nowMs − spanMs, nowMs). */
  nowMs: number;
  spanMs: number;
  customers: number;
  cards: number;
  seed?: number;
}

/** Payments spread over a few customers and cards, with declines, devices and countries varying. */
export function randomPayments({ count, nowMs, spanMs, customers, cards, seed = 1 }: RandomPaymentsOptions): PaymentEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, () => {
    const failed = random() < 0.3;
    const declineCode = pick(DECLINE_CODES);
    const card = random() < 0.15 ? null : `card_${Math.floor(random() * cards)}`;
    return paymentEvent({
      customer_id: `cus_${Math.floor(random() * customers)}`,
      merchant_id: `mer_${Math.floor(random() * 4)}`,
      card_id: card,
      payment_method_type: card === null ? pick(['paypal', 'ach_debit', 'apple_pay'] as const) : 'card',
      card_brand: card === null ? null : pick(['visa', 'mastercard'] as const),
      device_id: random() < 0.2 ? null : `dev_${Math.floor(random() * 6)}`,
      ip_country: pick(['US', 'GB', 'DE', 'FR']),
      amount_cents: 100 + Math.floor(random() * 50_000),
      status: failed ? 'failed' : 'succeeded',
      decline_code: failed ? declineCode : null,
      decline_type: failed ? declineTypeOf(declineCode) : null,
      occurred_at: new Date(nowMs - 1 - Math.floor(random() * spanMs)).toISOString(),
    });
  });
}
