import { LabelEvent, PaymentEvent } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import type { SimulatedRecord } from './context.js';
import { PaymentSimulation } from './simulation.js';

const START = Date.UTC(2026, 0, 1);
const run = (seed: number, events: number, days = 20): SimulatedRecord[] => [
  ...new PaymentSimulation({ seed, startMs: START, days, events }),
];

describe('PaymentSimulation', () => {
  const records = run(42, 20_000);
  const payments = records.flatMap((r) => (r.kind === 'payment' ? [r.event] : []));
  const labels = records.flatMap((r) => (r.kind === 'label' ? [r.event] : []));

  it('produces exactly the requested number of payment events, spread over about the requested days', () => {
    expect(payments).toHaveLength(20_000);
    const lastDay = (records.at(-1)!.at - START) / 86_400_000;
    expect(lastDay).toBeGreaterThan(18);
    expect(lastDay).toBeLessThan(22);
  });

  it('gives identical records for the same seed', () => {
    expect(JSON.stringify(run(42, 20_000))).toBe(JSON.stringify(records));
  });

  it('gives different records for a different seed', () => {
    const other = run(43, 2_000).map((r) => JSON.stringify(r.event));
    const ours = records.slice(0, other.length).map((r) => JSON.stringify(r.event));
    expect(other.filter((event, i) => event === ours[i])).toEqual([]);
  });

  it('emits every payment valid against the PaymentEvent contract and every label against LabelEvent', () => {
    const invalidPayments = payments.filter((e) => !PaymentEvent.safeParse(e).success);
    const invalidLabels = labels.filter((e) => !LabelEvent.safeParse(e).success);
    expect(invalidPayments).toEqual([]);
    expect(invalidLabels).toEqual([]);
  });

  it('emits records in event-time order with unique payment and event ids', () => {
    expect(records.filter((r, i) => i > 0 && r.at < records[i - 1]!.at)).toEqual([]);
    expect(records.filter((r) => r.at !== Date.parse(r.event.occurred_at))).toEqual([]);
    expect(new Set(payments.map((e) => e.payment_id)).size).toBe(payments.length);
    expect(new Set(records.map((r) => r.event.event_id)).size).toBe(records.length);
  });

  it('labels only payments that happened before the label, and fraud only successful ones', () => {
    const byId = new Map(payments.map((e) => [e.payment_id, e]));
    const wrong = labels.flatMap((label) => {
      if (label.label_type === 'churn') return [];
      const payment = byId.get(label.payment_id);
      const problem =
        !payment ? 'unknown payment'
        : Date.parse(label.occurred_at) < Date.parse(payment.occurred_at) ? 'label before payment'
        : label.label_type === 'fraud' && payment.status !== 'succeeded' ? 'fraud label on a failed payment'
        : label.label_type !== 'fraud' && payment.status !== 'failed' ? 'outcome of a payment that did not fail'
        : null;
      return problem ? [`${label.label_type} ${label.payment_id}: ${problem}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('chains retries: same original payment, the next attempt number, and a retry outcome that matches', () => {
    const byId = new Map(payments.map((e) => [e.payment_id, e]));
    const retryOutcomes = labels.filter((l) => l.label_type === 'retry_outcome');
    expect(retryOutcomes.length).toBeGreaterThan(100);
    const wrong = retryOutcomes.flatMap((outcome) => {
      const failed = byId.get(outcome.payment_id)!;
      const retry = byId.get(outcome.retry_payment_id)!;
      const delayMs = Date.parse(retry.occurred_at) - Date.parse(failed.occurred_at);
      const consistent =
        retry.original_payment_id === failed.original_payment_id &&
        retry.attempt_number === failed.attempt_number + 1 &&
        retry.payment_type === 'retry' &&
        retry.amount_cents === failed.amount_cents &&
        outcome.succeeded === (retry.status === 'succeeded') &&
        outcome.occurred_at === retry.occurred_at &&
        Math.abs(outcome.delay_hours * 3_600_000 - delayMs) <= 181;
      return consistent ? [] : [outcome];
    });
    expect(wrong).toEqual([]);
  });

  it('never lets a retry of a hard decline succeed', () => {
    const byId = new Map(payments.map((e) => [e.payment_id, e]));
    const hardRetries = labels.filter((l) => l.label_type === 'retry_outcome' && byId.get(l.payment_id)!.decline_type === 'hard');
    expect(hardRetries.length).toBeGreaterThan(0);
    expect(hardRetries.every((l) => l.label_type === 'retry_outcome' && !l.succeeded)).toBe(true);
  });

  it('keeps stream-independent entity ids and tags what a run creates with the run', () => {
    const a = new PaymentSimulation({ seed: 42, startMs: START, days: 20, customers: 500 });
    const b = new PaymentSimulation({ seed: 42, startMs: START + 86_400_000, days: 20, customers: 500 });
    expect(a.population.customers.slice(0, 50).map((c) => c.id)).toEqual(b.population.customers.slice(0, 50).map((c) => c.id));
    expect(a.ids.tag).not.toBe(b.ids.tag);
    expect(a.next()?.event.event_id).not.toBe(b.next()?.event.event_id);
  });

  it('refuses impossible options, naming the option', () => {
    expect(() => new PaymentSimulation({ seed: 1.5, startMs: START, days: 10 })).toThrow(/seed/);
    expect(() => new PaymentSimulation({ seed: 1, startMs: START, days: 0 })).toThrow(/days/);
    expect(() => new PaymentSimulation({ seed: 1, startMs: START, days: 10, events: -5 })).toThrow(/events/);
    expect(() =>
      new PaymentSimulation({ seed: 1, startMs: START, days: 10, drifts: [{ kind: 'amount-shift', fromDay: 12, magnitude: 2 }] }),
    ).toThrow(/fromDay/);
  });
});
