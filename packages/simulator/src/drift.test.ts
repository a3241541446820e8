import { LabelEvent, PaymentEvent } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import type { SimulatedRecord } from './context.js';
import { parseDrift } from './params.js';
import { PaymentSimulation } from './simulation.js';

const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

function medianAmount(records: SimulatedRecord[], from: number, to: number): number {
  const amounts = records
    .flatMap((r) => (r.kind === 'payment' && r.fraud === null && r.event.payment_type === 'one_off' && r.at >= from && r.at < to ? [r.event.amount_cents] : []))
    .sort((a, b) => a - b);
  return amounts[Math.floor(amounts.length / 2)]!;
}

describe('drift', () => {
  it('shifts amounts by the given factor from the given day on', () => {
    const records = [...new PaymentSimulation({ seed: 3, startMs: START, days: 20, events: 16_000, drifts: [parseDrift('amount-shift:10:2')] })];
    const before = medianAmount(records, START, START + 10 * DAY);
    const after = medianAmount(records, START + 10 * DAY, START + 20 * DAY);
    expect(after / before).toBeGreaterThan(1.7);
    expect(after / before).toBeLessThan(2.3);
  });

  it('introduces the wallet-provisioning fraud pattern only from the given day', () => {
    const records = [...new PaymentSimulation({ seed: 3, startMs: START, days: 20, events: 16_000, drifts: [parseDrift('new-fraud-pattern:12:3')] })];
    const pattern = records.filter((r) => r.kind === 'payment' && r.fraud === 'wallet_provisioning');
    expect(pattern.length).toBeGreaterThan(20);
    expect(pattern.filter((r) => r.at < START + 12 * DAY)).toEqual([]);
    expect(records.filter((r) => !(r.kind === 'payment' ? PaymentEvent : LabelEvent).safeParse(r.event).success)).toEqual([]);
    // It evades what the other patterns share: wallets, no guest checkout, matching countries.
    expect(pattern.every((r) => r.kind === 'payment' && !r.event.is_guest_checkout && r.event.ip_country === r.event.card_country)).toBe(true);
  });

  it('leaves a run without drift identical to a run whose drift starts after its end', () => {
    const plain = [...new PaymentSimulation({ seed: 3, startMs: START, days: 20, events: 5_000 })];
    const late = [...new PaymentSimulation({ seed: 3, startMs: START, days: 20, events: 5_000, drifts: [parseDrift('amount-shift:19.9:3')] })];
    const cut = plain.findIndex((r) => r.at >= START + 19.9 * DAY);
    expect(JSON.stringify(late.slice(0, cut === -1 ? undefined : cut))).toBe(JSON.stringify(plain.slice(0, cut === -1 ? undefined : cut)));
  });

  it('parses kind:day[:magnitude] and refuses anything else', () => {
    expect(parseDrift('amount-shift:45:1.3')).toEqual({ kind: 'amount-shift', fromDay: 45, magnitude: 1.3 });
    expect(parseDrift('new-fraud-pattern:60')).toEqual({ kind: 'new-fraud-pattern', fromDay: 60, magnitude: 1 });
    expect(() => parseDrift('price-war:10')).toThrow(/kind:day/);
    expect(() => parseDrift('amount-shift')).toThrow(/kind:day/);
    expect(() => parseDrift('amount-shift:-1')).toThrow(/fromDay must be at least 0/);
    expect(() => parseDrift('amount-shift:5:0')).toThrow(/magnitude must be greater than zero/);
  });
});
