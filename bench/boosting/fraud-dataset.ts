import { PaymentSimulation, type SimulatedRecord } from '@payments-mlops/simulator';
import type { DatasetMeta, LoadedSplit } from './dataset-files.js';

type PaymentEvent = Extract<SimulatedRecord, { kind: 'payment' }>['event'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Recent events of one key (card, device, customer), oldest first, trimmed to a window. */
class RecentEvents {
  private readonly times: number[] = [];
  private readonly tags: string[] = [];
  private readonly failed: boolean[] = [];
  private head = 0;

  add(at: number, tag: string, failed: boolean): void {
    this.times.push(at);
    this.tags.push(tag);
    this.failed.push(failed);
  }

  /** Drops events older than `window` before `at`; compacts now and then. */
  trim(at: number, window: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= at - window) this.head++;
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.tags.splice(0, this.head);
      this.failed.splice(0, this.head);
      this.head = 0;
    }
  }

  countSince(since: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > since; i--) n++;
    return n;
  }

  distinctTagsSince(since: number): number {
    const seen = new Set<string>();
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > since; i--) seen.add(this.tags[i]!);
    return seen.size;
  }

  failuresSince(since: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > since; i--) if (this.failed[i]) n++;
    return n;
  }

  get last(): number | undefined {
    return this.times.length > this.head ? this.times[this.times.length - 1] : undefined;
  }
}

/** Category codes in first-seen order (deterministic for a seed). */
class Codes {
  private readonly codes = new Map<string, number>();
  code(value: string | null): number {
    if (value === null) return NaN;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.codes.size;
      this.codes.set(value, code);
    }
    return code;
  }
}

const FEATURES = [
  ['log_amount', false],
  ['amount_vs_customer_mean', false],
  ['hour_of_day', false],
  ['currency', true],
  ['payment_method', true],
  ['card_brand', true],
  ['channel', true],
  ['mcc', true],
  ['payment_type', true],
  ['is_guest', false],
  ['ip_billing_mismatch', false],
  ['card_billing_mismatch', false],
  ['attempt_number', false],
  ['card_payments_1h', false],
  ['card_payments_24h', false],
  ['card_merchants_24h', false],
  ['card_failures_24h', false],
  ['device_payments_1h', false],
  ['device_cards_24h', false],
  ['customer_payments_24h', false],
  ['customer_payments_total', false],
  ['seconds_since_card_last', false],
  ['ip_country', true],
] as const;

/**
 * Dataset (b): payments from the simulator with the fraud ground truth as label, and features a
 * fraud model would have at authorisation time — the payment itself plus velocities over the
 * card, device and customer, computed strictly from earlier events. Split by time: the first
 * 80 % of payments train, the last 20 % test.
 */
export function buildFraudDataset(events: number, seed: number): { meta: DatasetMeta; train: LoadedSplit; test: LoadedSplit } {
  const days = Math.max(7, Math.min(365, Math.round(events / 15_000)));
  const simulation = new PaymentSimulation({ seed, startMs: Date.UTC(2025, 0, 1), days, events });
  const columns = FEATURES.map(() => new Float64Array(events));
  const labels = new Float64Array(events);
  const codes = FEATURES.map(() => new Codes());
  const cards = new Map<string, RecentEvents>();
  const devices = new Map<string, RecentEvents>();
  const customers = new Map<string, RecentEvents>();
  const customerTotals = new Map<string, { count: number; amount: number }>();
  const recent = (map: Map<string, RecentEvents>, key: string): RecentEvents => {
    let r = map.get(key);
    if (r === undefined) {
      r = new RecentEvents();
      map.set(key, r);
    }
    return r;
  };

  let row = 0;
  for (const record of simulation) {
    if (record.kind !== 'payment') continue;
    if (row >= events) break;
    const e: PaymentEvent = record.event;
    const at = Date.parse(e.occurred_at);
    const card = e.card_id === null ? undefined : recent(cards, e.card_id);
    const device = e.device_id === null ? undefined : recent(devices, e.device_id);
    const customer = recent(customers, e.customer_id);
    card?.trim(at, DAY);
    device?.trim(at, DAY);
    customer.trim(at, DAY);
    const totals = customerTotals.get(e.customer_id) ?? { count: 0, amount: 0 };
    const mismatch = (a: string | null, b: string | null): number => (a === null || b === null ? NaN : a === b ? 0 : 1);
    const values: number[] = [
      Math.log1p(e.amount_cents),
      totals.count > 0 ? e.amount_cents / (totals.amount / totals.count) : NaN,
      new Date(at).getUTCHours(),
      codes[3]!.code(e.currency),
      codes[4]!.code(e.payment_method_type),
      codes[5]!.code(e.card_brand),
      codes[6]!.code(e.channel),
      Number(e.merchant_category_code),
      codes[8]!.code(e.payment_type),
      e.is_guest_checkout ? 1 : 0,
      mismatch(e.ip_country, e.billing_country),
      mismatch(e.card_country, e.billing_country),
      e.attempt_number,
      card ? card.countSince(at - HOUR) : NaN,
      card ? card.countSince(at - DAY) : NaN,
      card ? card.distinctTagsSince(at - DAY) : NaN,
      card ? card.failuresSince(at - DAY) : NaN,
      device ? device.countSince(at - HOUR) : NaN,
      device ? device.distinctTagsSince(at - DAY) : NaN,
      customer.countSince(at - DAY),
      totals.count,
      card?.last === undefined ? NaN : (at - card.last) / 1000,
      codes[22]!.code(e.ip_country),
    ];
    values.forEach((v, f) => (columns[f]![row] = v));
    labels[row] = record.fraud === null ? 0 : 1;
    // Only now does this payment become history for the next ones.
    const failed = e.status === 'failed';
    card?.add(at, e.merchant_id, failed);
    device?.add(at, e.card_id ?? 'none', failed);
    customer.add(at, e.merchant_id, failed);
    customerTotals.set(e.customer_id, { count: totals.count + 1, amount: totals.amount + e.amount_cents });
    row++;
  }
  const split = Math.floor(row * 0.8);
  const positives = labels.subarray(0, row).reduce((s, y) => s + y, 0);
  const meta: DatasetMeta = {
    name: 'simulator_fraud',
    source: `@payments-mlops/simulator PaymentSimulation(seed=${seed}, days=${days}, events=${events}); fraud ground truth; time split 80/20`,
    featureNames: FEATURES.map(([name]) => name),
    categoricalFeatures: FEATURES.flatMap(([, categorical], f) => (categorical ? [f] : [])),
    trainRows: split,
    testRows: row - split,
    positiveRate: positives / row,
  };
  const part = (from: number, to: number): LoadedSplit => ({
    columns: columns.map((c) => c.slice(from, to)),
    labels: labels.slice(from, to),
  });
  return { meta, train: part(0, split), test: part(split, row) };
}
