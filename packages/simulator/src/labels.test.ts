import type { FraudLabelEvent, LabelEvent, PaymentEvent } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import type { SimulationContext } from './context.js';
import { IdFactory } from './ids.js';
import { scheduleFraudLabels } from './labels.js';
import { Random } from './random.js';

const DAY = 86_400_000;
const PAID_AT = Date.UTC(2026, 0, 1);

/** Labels of `count` successful payments of one pattern, with nothing cut off by the end of a run. */
function labelsOf(pattern: 'stolen_card' | 'account_takeover' | null, count: number, amountCents = 60_000): FraudLabelEvent[] {
  const scheduled: (() => void)[] = [];
  const labels: LabelEvent[] = [];
  const context = {
    random: new Random(21),
    ids: new IdFactory(21, PAID_AT),
    schedule: (_at: number, run: () => void) => scheduled.push(run),
    emitLabel: (event: LabelEvent) => labels.push(event),
  } as unknown as SimulationContext;
  const payment = (i: number) => ({
    payment_id: `pay_${i}`,
    customer_id: 'cus_1',
    card_brand: 'visa',
    amount_cents: amountCents,
    occurred_at: new Date(PAID_AT).toISOString(),
  }) as PaymentEvent;
  for (let i = 0; i < count; i++) scheduleFraudLabels(context, payment(i), pattern, null, false);
  scheduled.forEach((run) => run());
  return labels.filter((l): l is FraudLabelEvent => l.label_type === 'fraud');
}

const delays = (labels: FraudLabelEvent[], source: string): number[] =>
  labels.filter((l) => l.source === source).map((l) => (Date.parse(l.occurred_at) - PAID_AT) / DAY).sort((a, b) => a - b);

describe('fraud labels', () => {
  const labels = labelsOf('stolen_card', 20_000);

  it('labels about 85 % of successful stolen-card payments', () => {
    const labeled = new Set(labels.map((l) => l.payment_id)).size;
    expect(labeled / 20_000).toBeGreaterThan(0.82);
    expect(labeled / 20_000).toBeLessThan(0.88);
  });

  it('delivers chargebacks 4–90 days after the payment, median about 18 days, with the network reason code', () => {
    const chargebacks = delays(labels, 'chargeback');
    expect(chargebacks[0]).toBeGreaterThanOrEqual(4);
    expect(chargebacks.at(-1)).toBeLessThanOrEqual(90);
    const median = chargebacks[Math.floor(chargebacks.length / 2)]!;
    expect(median).toBeGreaterThan(16);
    expect(median).toBeLessThan(20);
    expect(labels.filter((l) => l.source === 'chargeback').every((l) => l.reason_code === '10.4')).toBe(true);
  });

  it('delivers fraud reports within days (0.25–20, median about 3) and reviews within 2 days', () => {
    const reports = delays(labels, 'fraud_report');
    expect(reports[0]).toBeGreaterThanOrEqual(0.25);
    expect(reports.at(-1)).toBeLessThanOrEqual(20);
    expect(reports[Math.floor(reports.length / 2)]).toBeGreaterThan(2.5);
    expect(reports[Math.floor(reports.length / 2)]).toBeLessThan(3.5);
    expect(delays(labels, 'manual_review').every((d) => d <= 2)).toBe(true);
  });

  it('has victims of account takeover report it themselves far more often than stolen-card victims', () => {
    const reported = (ls: FraudLabelEvent[]): number => ls.filter((l) => l.source === 'fraud_report').length / ls.length;
    expect(reported(labelsOf('account_takeover', 5_000, 5_000))).toBeGreaterThan(0.45);
    expect(reported(labelsOf('stolen_card', 5_000, 5_000))).toBeLessThan(0.25);
  });

  it('charges back about 0.025 % of legitimate payments as fraud (friendly fraud)', () => {
    const friendly = labelsOf(null, 200_000);
    expect(friendly.length).toBeGreaterThan(20);
    expect(friendly.length).toBeLessThan(90);
    expect(friendly.every((l) => l.source === 'chargeback')).toBe(true);
  });
});
