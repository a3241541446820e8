import { HARD_DECLINE_CODES, type DeclineCode, type LabelEvent, type PaymentEvent } from '@payments-mlops/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { PaymentSimulation } from './simulation.js';

/**
 * The rates the README promises ("Rates it targets"), checked on one 80,000-event, 45-day run.
 * Ranges are the README's, wide enough for a run of this size and any seed.
 */
const DAY = 86_400_000;
const payments: PaymentEvent[] = [];
const labels: LabelEvent[] = [];
let fraudTruth = 0;
let successfulFraud = 0;
let subscriptionMonths = 0;

beforeAll(() => {
  const simulation = new PaymentSimulation({ seed: 7, startMs: Date.UTC(2026, 0, 1), days: 45, events: 80_000 });
  for (const record of simulation) {
    if (record.kind === 'payment') {
      payments.push(record.event);
      if (record.fraud !== null) {
        fraudTruth++;
        if (record.event.status === 'succeeded') successfulFraud++;
      }
    } else {
      labels.push(record.event);
    }
  }
  const end = simulation.now;
  for (const s of simulation.population.subscriptions) {
    subscriptionMonths += (Math.min(end, s.endedAt ?? end) - Math.max(s.startedAt, Date.UTC(2026, 0, 1))) / (30.44 * DAY);
  }
});

const share = (part: number, whole: number): number => part / whole;

describe('simulated rates', () => {
  it('makes 0.3–1 % of payments fraudulent, 0.15–0.5 % successfully so, and labels 0.1–0.4 %', () => {
    const labeled = new Set(labels.flatMap((l) => (l.label_type === 'fraud' ? [l.payment_id] : []))).size;
    expect(share(fraudTruth, payments.length)).toBeGreaterThan(0.003);
    expect(share(fraudTruth, payments.length)).toBeLessThan(0.01);
    expect(share(successfulFraud, payments.length)).toBeGreaterThan(0.0015);
    expect(share(successfulFraud, payments.length)).toBeLessThan(0.005);
    expect(share(labeled, payments.length)).toBeGreaterThan(0.001);
    expect(share(labeled, payments.length)).toBeLessThan(0.004);
  });

  it('declines 8–15 % of payments with the documented mix of codes', () => {
    const declines = payments.filter((p) => p.status === 'failed');
    expect(share(declines.length, payments.length)).toBeGreaterThan(0.08);
    expect(share(declines.length, payments.length)).toBeLessThan(0.15);
    const mix = (codes: DeclineCode[]): number => share(declines.filter((d) => codes.includes(d.decline_code!)).length, declines.length);
    const expected: [DeclineCode[], number, number][] = [
      [['insufficient_funds'], 0.45, 0.7],
      [['do_not_honor'], 0.15, 0.3],
      [['processing_error', 'try_again_later', 'issuer_not_available'], 0.07, 0.18],
      [['incorrect_number'], 0.01, 0.05],
      [['expired_card'], 0.005, 0.04],
      [['stolen_card', 'lost_card', 'pickup_card'], 0.002, 0.02],
      [['do_not_try_again'], 0.003, 0.03],
      [[...HARD_DECLINE_CODES], 0.03, 0.12],
    ];
    for (const [codes, low, high] of expected) {
      expect.soft(mix(codes), codes.join('+')).toBeGreaterThan(low);
      expect.soft(mix(codes), codes.join('+')).toBeLessThan(high);
    }
    expect(declines.every((d) => d.decline_type === (HARD_DECLINE_CODES.includes(d.decline_code as never) ? 'hard' : 'soft'))).toBe(true);
  });

  it('delivers chargebacks days to weeks late (4–90 days) and fraud reports within days', () => {
    // The run ends before the late ones arrive, so only the bounds are checked here; the
    // distributions, uncut, are in labels.test.ts.
    const paidAt = new Map(payments.map((p) => [p.payment_id, Date.parse(p.occurred_at)]));
    const delays = (source: string): number[] =>
      labels
        .flatMap((l) => (l.label_type === 'fraud' && l.source === source ? [(Date.parse(l.occurred_at) - paidAt.get(l.payment_id)!) / DAY] : []))
        .sort((a, b) => a - b);
    const chargebacks = delays('chargeback');
    expect(chargebacks.length).toBeGreaterThan(50);
    expect(chargebacks[0]).toBeGreaterThanOrEqual(4);
    expect(chargebacks.at(-1)).toBeLessThanOrEqual(90);
    expect(chargebacks[Math.floor(chargebacks.length / 2)]).toBeGreaterThan(7);
    const reports = delays('fraud_report');
    expect(reports[Math.floor(reports.length / 2)]).toBeGreaterThan(1);
    expect(reports[Math.floor(reports.length / 2)]).toBeLessThan(6);
  });

  it('churns 0.5–3 % of subscriptions a month involuntarily and 1–3.5 % voluntarily', () => {
    const churn = (type: string): number => labels.filter((l) => l.label_type === 'churn' && l.churn_type === type).length / subscriptionMonths;
    expect(churn('involuntary')).toBeGreaterThan(0.005);
    expect(churn('involuntary')).toBeLessThan(0.03);
    expect(churn('voluntary')).toBeGreaterThan(0.01);
    expect(churn('voluntary')).toBeLessThan(0.035);
  });

  it('recovers 15–35 % of failed payments, retrying best and doing nothing worst', () => {
    const outcomes = labels.flatMap((l) => (l.label_type === 'recovery_outcome' ? [l] : []));
    const rate = (action?: string): number => {
      const chosen = outcomes.filter((o) => action === undefined || o.action === action);
      return share(chosen.filter((o) => o.recovered).length, chosen.length);
    };
    expect(rate()).toBeGreaterThan(0.15);
    expect(rate()).toBeLessThan(0.35);
    expect(rate('retry')).toBeGreaterThan(rate('reminder_email'));
    expect(rate('reminder_email')).toBeGreaterThan(rate('none'));
    expect(rate('card_update_request')).toBeGreaterThan(rate('none'));
    // Recovered money comes in as a successful payment of the same amount.
    const byId = new Map(payments.map((p) => [p.payment_id, p]));
    expect(outcomes.filter((o) => o.recovered && o.recovered_amount_cents !== byId.get(o.payment_id)!.amount_cents)).toEqual([]);
  });

  it('makes insufficient funds recover after payday: payday-aligned retries beat immediate ones', () => {
    const code = new Map(payments.map((p) => [p.payment_id, p.decline_code]));
    const success = (strategy: string): number => {
      const retries = labels.filter((l) => l.label_type === 'retry_outcome' && l.strategy === strategy && code.get(l.payment_id) === 'insufficient_funds');
      return share(retries.filter((l) => l.label_type === 'retry_outcome' && l.succeeded).length, retries.length);
    };
    expect(success('payday_aligned')).toBeGreaterThan(success('next_day') + 0.15);
    expect(success('next_day')).toBeGreaterThan(success('immediate'));
  });
});
